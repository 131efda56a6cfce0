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
import picocli.CommandLine.Option;
import dev.zooterj.nn.head.HeadConfig;
import dev.zooterj.nn.router.KnnRouter;
import dev.zooterj.nn.router.RouterSpec;
import dev.zooterj.nn.router.RouterStore;
import dev.zooterj.nn.router.TrainedRouter;
import dev.zooterj.nn.router.ZooterRouter;
import dev.zooterj.nn.router.ZooterTrainer;
import dev.zooterj.nn.train.TrainingConfig;
import dev.zooterj.nn.train.TrainingMode;
import org.nd4j.linalg.api.ndarray.INDArray;
import java.nio.file.Path;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
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

    @Option(names = "--out", paramLabel = "DIR", description = "Also save the trained router to DIR.")
    Path out;

    @Option(names = "--cache", paramLabel = "DIR", description = "Embedding cache (default: ~/.cache/zooter-j/embeddings).")
    Path cache;

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
        if (!noRouter) {
            TrainedRouter trained = trainRouter(o, train);
            ZooterRouter router = ZooterTrainer.cachedRouter(trained);
            methods.add(EnsembleMethods.routing("zooter", router));
            methods.add(EnsembleMethods.routing("knn", knnRouter(router, train)));
            if (out != null) {
                RouterStore.save(trained, out);
                o.println("saved the router to " + out);
            }
        }
        methods.add(EnsembleMethods.rewardRanking());
        methods.add(EnsembleMethods.oracle());
        SuiteEvaluation eval = new SuiteEvaluation(test, PaperLayout.groupOfSubset());
        List<MethodResult> results = eval.evaluate(methods);
        o.println();
        o.println("Evaluation: " + test.size() + " SIMULATED queries in " + eval.subsets().size() + " subsets"
                + " (group average of the subset metric; MTR = mean task rank, lower is better; %Upl = share of subsets ranked first)");
        o.println(ResultTable.format(eval.groups(), results));
        o.println("BMA is chosen on the training split. rmr lets every model answer and keeps the reward model's pick (N generations).");
        if (!noRouter) {
            o.println("zooter and knn read the query only and make one generation; knn averages the labels of the "
                    + knn + " most similar training queries.");
        }
        o.println("Re-run: ./zooter demo --seed " + sim.seed + " --beta " + labels.beta + " --tau " + labels.tau
                + " --epochs " + epochs + (noRouter ? " --no-router" : ""));
        return 0;
    }

    private TrainedRouter trainRouter(PrintWriter o, RewardDataset train) {
        RouterSpec base = new RouterSpec(RouterSpec.MINILM, null, TrainingMode.HEAD, HeadConfig.linear(), labels.config(),
                TrainingConfig.headDefaults().withEpochs(epochs).withSeed(sim.seed), 128, false,
                cache != null ? cache : TrainCommand.defaultCache());
        o.println();
        o.println("Training the Zooter router: " + base.describe());
        o.flush();
        TrainedRouter trained = ZooterTrainer.train(train, base, "simulated zoo (seed " + sim.seed + ")",
                "simulated-" + sim.seed + "-" + train.size(), null, new TrainCommand.BarListener(System.err, o));
        var last = trained.result().curve().get(trained.result().bestEpoch() - 1);
        o.println(String.format(java.util.Locale.ROOT, "kept epoch %d: validation KL %.4f, top-1 agreement %.3f",
                last.epoch(), last.validationKl(), last.validationTop1()));
        return trained;
    }

    private KnnRouter knnRouter(ZooterRouter router, RewardDataset train) {
        TagEnhancedLabels fitted = TagEnhancedLabels.fit(labels.config().withBeta(1), train.records());
        double[][] y = train.records().stream().map(fitted::label).toArray(double[][]::new);
        INDArray embeddings = router.embed(train.records().stream().map(r -> r.query()).toList());
        return new KnnRouter(train.models(), embeddings, y, knn, router::embed);
    }
}
