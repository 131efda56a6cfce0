package dev.zooterj.cli;

import dev.zooterj.data.RewardDatasetWriter;
import dev.zooterj.data.sim.SimulatedZoo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Write the SIMULATED model zoo as datasets: train.jsonl (the training set, rewards and tags)",
                "and eval.jsonl (the paper's 26 evaluation subsets, rewards and scores). Seeded and deterministic."})
final class SimulateCommand implements Callable<Integer> {
    @Mixin
    SimOptions sim;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for train.jsonl and eval.jsonl.")
    Path out;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        SimulatedZoo zoo = sim.generate();
        RewardDatasetWriter.write(zoo.training(), out.resolve("train.jsonl"));
        RewardDatasetWriter.write(zoo.evaluation(), out.resolve("eval.jsonl"));
        o.println("SIMULATED data (seed " + sim.seed + "): " + zoo.training().size() + " training queries → "
                + out.resolve("train.jsonl") + ", " + zoo.evaluation().size() + " evaluation queries → " + out.resolve("eval.jsonl"));
        o.println("models: " + String.join(", ", zoo.models()));
        o.println(zoo.overlap().describe());
        return 0;
    }
}
