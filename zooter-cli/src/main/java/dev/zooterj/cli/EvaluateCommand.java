package dev.zooterj.cli;

import dev.zooterj.bench.MethodResult;
import dev.zooterj.bench.ResultTable;
import dev.zooterj.bench.SuiteEvaluation;
import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.ensemble.EnsembleMethod;
import dev.zooterj.core.ensemble.EnsembleMethods;
import dev.zooterj.core.progress.ProgressBar;
import dev.zooterj.data.ReadOptions;
import dev.zooterj.data.RewardDatasetReader;
import dev.zooterj.core.routing.Router;
import dev.zooterj.nn.router.KindContext;
import dev.zooterj.nn.router.RouterKinds;
import dev.zooterj.nn.router.ZooterRouter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Evaluate a trained router on a labelled test set: per-subset mean score of the routed model",
                "beside each single model, BMA (best on average on --train), random, reward-model ranking and",
                "the oracle, with MTR and %%Uplift over the subsets."})
final class EvaluateCommand implements Callable<Integer> {
    @Mixin
    DataInput input;

    @Option(names = "--router", required = true, paramLabel = "ROUTER_DIR", description = "A directory written by 'zooter train'.")
    Path router;

    @Option(names = "--split", paramLabel = "NAME", description = "Evaluate only rows whose split is NAME (e.g. test).")
    String split;

    @Option(names = "--train", paramLabel = "FILE", description = "Training data that picks BMA (default: the --data rows with split 'train', if any).")
    Path train;

    @Mixin
    CacheOptions cache;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        RewardDataset all = input.read(o);
        RewardDataset test = split == null ? all : all.split(split);
        if (test.size() == 0) {
            throw new IllegalArgumentException(input.data + " has no rows" + (split == null ? "" : " with split '" + split + "'"));
        }
        RewardDataset trainData = train != null
                ? RewardDatasetReader.read(train, new ReadOptions(input.lenient, all.models())).dataset()
                : all.split("train");
        if (trainData.size() == 0) {
            throw new IllegalArgumentException("BMA needs training rows: give --train FILE or rows with split 'train' in --data");
        }
        // a frozen pretrained encoder (whichever the router records) reads its embeddings of these test queries through the cache
        Router r = RouterKinds.load(router, KindContext.miniLm(256, cache.dir()));
        String kind = RouterKinds.kindOf(router);
        if (r instanceof ZooterRouter z && cache.dir() != null) {
            warmCache(z, test);
        }
        if (!r.models().equals(test.models())) {
            throw new IllegalArgumentException("the router's models " + r.models() + " differ from the data's " + test.models());
        }
        List<EnsembleMethod> methods = new ArrayList<>();
        test.models().forEach(m -> methods.add(EnsembleMethods.single(test.models(), m)));
        methods.add(EnsembleMethods.bestOnAverage(trainData));
        methods.add(EnsembleMethods.random(test.models()));
        methods.add(EnsembleMethods.routing(kind, r));
        methods.add(EnsembleMethods.rewardRanking());
        methods.add(EnsembleMethods.oracle());
        Map<String, String> groups = SuiteEvaluation.singleGroup(test, "all");
        SuiteEvaluation eval = new SuiteEvaluation(test, groups);
        List<MethodResult> results = eval.evaluate(methods);
        o.println("evaluated on " + test.size() + " rows in " + eval.subsets().size() + " subsets of " + input.data
                + (split == null ? "" : " (split " + split + ")"));
        o.println();
        printSubsetTable(o, eval.subsets(), results, kind);
        o.println();
        o.println(ResultTable.format(eval.groups(), results));
        return 0;
    }

    /** Embeds the test queries chunk by chunk with a progress bar; evaluation then reads them from the cache. */
    private static void warmCache(ZooterRouter r, RewardDataset test) {
        List<String> texts = test.records().stream().map(rec -> rec.query()).distinct().toList();
        try (ProgressBar bar = new ProgressBar(System.err, "embedding", texts.size(), "q")) {
            for (int from = 0; from < texts.size(); from += 512) {
                List<String> chunk = texts.subList(from, Math.min(texts.size(), from + 512));
                r.embed(chunk);
                bar.step(chunk.size());
            }
        }
    }

    private static void printSubsetTable(PrintWriter o, List<String> subsets, List<MethodResult> results, String kind) {
        int w = results.stream().mapToInt(r -> r.method().length()).max().orElse(8);
        StringBuilder head = new StringBuilder(Console.pad("method", w));
        for (String s : subsets) {
            head.append(String.format(Locale.ROOT, " %10s", s.length() > 10 ? s.substring(0, 10) : s));
        }
        head.append(String.format(Locale.ROOT, " %10s", "mean"));
        o.println(head);
        for (MethodResult r : results) {
            StringBuilder line = new StringBuilder(Console.pad(r.method(), w));
            double sum = 0;
            for (String s : subsets) {
                double v = r.subsets().get(s);
                sum += v;
                line.append(String.format(Locale.ROOT, " %10.4f", v));
            }
            line.append(String.format(Locale.ROOT, " %10.4f", sum / subsets.size()));
            o.println(line);
        }
        Map<String, Double> share = new LinkedHashMap<>(results.stream().filter(r -> r.method().equals(kind)).findFirst()
                .map(MethodResult::routingShare).orElse(Map.of()));
        if (!share.isEmpty()) {
            o.println();
            o.println(kind + " routing share: " + share.entrySet().stream()
                    .map(e -> e.getKey() + " " + Console.pct(e.getValue()).trim()).reduce((a, b) -> a + ", " + b).orElse(""));
        }
    }
}
