package dev.zooterj.cli;

import dev.zooterj.bench.BenchResults;
import dev.zooterj.bench.BenchRunner;
import dev.zooterj.bench.ResultTable;
import dev.zooterj.bench.report.ReportWriter;
import dev.zooterj.bench.suite.PaperSimSuite;
import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.label.LabelStatistics;
import dev.zooterj.core.label.TagEnhancedLabels;
import dev.zooterj.data.sim.SimulatedZoo;
import dev.zooterj.nn.head.HeadConfig;
import dev.zooterj.nn.router.RouterSpec;
import dev.zooterj.nn.train.TrainingConfig;
import dev.zooterj.nn.train.TrainingMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;



@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"The main job on its embedded default: the SIMULATED model zoo in the paper's 26-subset layout.",
                "Builds Zooter labels on the simulated training set, trains a Zooter router (MiniLM frozen, linear",
                "head; embeddings cached on disk) and compares it with the ensemble baselines (each single model,",
                "BMA, random, kNN, reward-model ranking, oracle) as in the paper's Table 1."})
final class DemoCommand implements Callable<Integer> {
    @Mixin
    SimOptions sim;

    @Mixin
    LabelOptions labels;

    @Option(names = "--no-router", description = "Skip training the router: labels and baselines only (seconds).")
    boolean noRouter;

    @Option(names = "--epochs", defaultValue = "30", description = "Router training epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--knn", defaultValue = "10", description = "Neighbours of the kNN baseline router (default: ${DEFAULT-VALUE}).")
    int knn;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "demo-report",
            description = "Directory for report.md, report.html, results.json and the charts (default: ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    CacheOptions cache;

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
        o.println(zoo.overlap().describe());
        o.println();
        o.println("Training set: " + train.size() + " queries × " + train.models().size() + " models; labels: " + labels.config());
        TagEnhancedLabels fitted = TagEnhancedLabels.fit(labels.config(), train.records());
        LabelsCommand.print(o, LabelStatistics.of(train, fitted, 10));

        RouterSpec router = noRouter ? null : new RouterSpec(RouterSpec.MINILM, null, TrainingMode.HEAD, HeadConfig.linear(),
                labels.config(), TrainingConfig.headDefaults().withEpochs(epochs).withSeed(sim.seed), 128, false,
                cache.dir());
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("labels", labels.config().toString());
        settings.put("router", router == null ? "none" : router.describe());
        settings.put("simulated zoo", sim.models + " models, " + sim.trainSize + " training queries, " + sim.perSubset
                + " per subset, seed " + sim.seed);
        String rerun = "./zooter demo --seed " + sim.seed + " --beta " + labels.beta + " --tau " + labels.tau
                + " --epochs " + epochs + (noRouter ? " --no-router" : "") + " --out " + out;
        o.println();
        BenchResults results = BenchRunner.run(new PaperSimSuite(zoo),
                new BenchRunner.Options(router, List.of(), false, noRouter ? 0 : knn, sim.seed, 1000, 5), settings, rerun, line -> {
                    o.println(line);
                    o.flush();
                });
        o.println();
        o.println("Evaluation: " + test.size() + " SIMULATED queries in " + results.groupOfSubset().size() + " subsets"
                + " (group average of the subset metric; MTR = mean task rank, lower is better; %Upl = share of subsets ranked first)");
        o.println(ResultTable.format(results.groups(), results.methods()));
        BenchCommand.printExtras(o, results);
        o.println("BMA is chosen on the training split. rmr lets every model answer and keeps the reward model's pick (N generations).");
        if (!noRouter) {
            o.println("zooter and knn read the query only and make one generation; knn averages the labels of the "
                    + knn + " most similar training queries.");
        }
        List<Path> files = ReportWriter.write(results, out);
        o.println("wrote the report to " + out + "/ (" + files.size() + " files: report.md, report.html, results.json, charts)");
        o.println("Re-run: " + rerun);
        return 0;
    }
}
