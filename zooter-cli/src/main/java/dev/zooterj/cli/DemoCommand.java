package dev.zooterj.cli;

import dev.zooterj.bench.MethodResult;
import dev.zooterj.bench.ResultTable;
import dev.zooterj.bench.SuiteEvaluation;
import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.ensemble.EnsembleMethod;
import dev.zooterj.core.ensemble.EnsembleMethods;
import dev.zooterj.core.label.LabelStatistics;
import dev.zooterj.core.label.TagEnhancedLabels;
import dev.zooterj.data.sim.PaperLayout;
import dev.zooterj.data.sim.SimulatedZoo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"The main job on its embedded default: the SIMULATED model zoo in the paper's 26-subset layout.",
                "Builds Zooter labels on the simulated training set and compares the ensemble baselines",
                "(each single model, BMA, random, reward-model ranking, oracle) as in the paper's Table 1."})
final class DemoCommand implements Callable<Integer> {
    @Mixin
    SimOptions sim;

    @Mixin
    LabelOptions labels;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        SimulatedZoo zoo = sim.generate();
        RewardDataset train = zoo.training();
        RewardDataset test = zoo.evaluation();
        o.println("Zooter-J demo on SIMULATED data (seed " + sim.seed + "; not real LLM results)");
        o.println(zoo.description());
        o.println();
        o.println("Training set: " + train.size() + " queries × " + train.models().size() + " models; labels: " + labels.config());
        TagEnhancedLabels fitted = TagEnhancedLabels.fit(labels.config(), train.records());
        LabelsCommand.print(o, LabelStatistics.of(train, fitted, 10));

        List<EnsembleMethod> methods = new ArrayList<>();
        for (String m : zoo.models()) {
            methods.add(EnsembleMethods.single(zoo.models(), m));
        }
        methods.add(EnsembleMethods.bestOnAverage(train));
        methods.add(EnsembleMethods.random(zoo.models()));
        methods.add(EnsembleMethods.rewardRanking());
        methods.add(EnsembleMethods.oracle());
        SuiteEvaluation eval = new SuiteEvaluation(test, PaperLayout.groupOfSubset());
        List<MethodResult> results = eval.evaluate(methods);
        o.println();
        o.println("Evaluation: " + test.size() + " SIMULATED queries in " + eval.subsets().size() + " subsets"
                + " (group average of the subset metric; MTR = mean task rank, lower is better; %Upl = share of subsets ranked first)");
        o.println(ResultTable.format(eval.groups(), results));
        o.println("BMA is chosen on the training split. rmr lets every model answer and keeps the reward model's pick (N generations).");
        o.println("A trained Zooter router (one generation per query) joins this table once `zooter train` exists.");
        o.println("Re-run: ./zooter demo --seed " + sim.seed + " --beta " + labels.beta + " --tau " + labels.tau);
        return 0;
    }
}
