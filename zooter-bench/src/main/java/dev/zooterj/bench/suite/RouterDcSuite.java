package dev.zooterj.bench.suite;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.data.importer.RouterDcImporter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RouterDC (20,600 queries × 7 open LLMs): routers train on the train split and are tested as in the RouterDC paper, on
 * its five in-distribution tasks and its three out-of-distribution tasks. The metric is RouterDC's ({@code scores}:
 * accuracy for the multiple-choice tasks, the fraction of correct samples for the generation tasks); routers learn
 * from the raw stored values ({@code rewards}). Two test subsets are reported on their own lines, outside both means:
 * {@code javascript} (HumanEval translated, with the same docstrings as HumanEval's training rows, so not out of
 * distribution) and {@code arc_easy} (in the test split but not among RouterDC's five tasks).
 */
public final class RouterDcSuite implements BenchmarkSuite {
    public static final List<String> IN_DISTRIBUTION = List.of("mmlu", "gsm8k", "cmmlu", "arc_challenge", "humaneval");
    public static final List<String> OUT_OF_DISTRIBUTION = List.of("MATH_prealgebra", "mbpp", "ceval");
    public static final String IN_DISTRIBUTION_GROUP = "in-distribution";
    public static final String OUT_OF_DISTRIBUTION_GROUP = "out-of-distribution";
    /** Test subsets outside RouterDC's two means, each reported as its own group. */
    public static final List<String> APART = List.of("javascript", "arc_easy");

    private final RewardDataset data;
    private final Path file;

    public RouterDcSuite(Path dirOrFile) {
        Path f = Files.isDirectory(dirOrFile) ? dirOrFile.resolve("routerdc_split2_model7.jsonl") : dirOrFile;
        if (!Files.isRegularFile(f)) {
            throw new IllegalArgumentException("RouterDC file not found: " + f + " (routerdc_split2_model7.jsonl from "
                    + "https://github.com/shuhao02/RouterDC datasets/split2_model7; see ../shared/data/routerdc/README.md); "
                    + "point --data at it or its folder");
        }
        this.file = f;
        this.data = RouterDcImporter.importData(f, false).dataset();
    }

    @Override
    public String name() {
        return "routerdc";
    }

    @Override
    public boolean simulated() {
        return false;
    }

    @Override
    public String source() {
        return "RouterDC (" + file + "): train split " + data.split("train").size() + " queries; test "
                + data.split("test").size() + " (in-distribution) and ood_test " + data.split("ood_test").size()
                + " (out-of-distribution); metric = RouterDC's (accuracy for the multiple-choice tasks, fraction of 10"
                + " samples correct for gsm8k, humaneval, mbpp, javascript), rewards = the raw stored values;"
                + " javascript and arc_easy reported apart";
    }

    @Override
    public Map<String, String> groupOfSubset() {
        Map<String, String> g = new LinkedHashMap<>();
        IN_DISTRIBUTION.forEach(s -> g.put(s, IN_DISTRIBUTION_GROUP));
        OUT_OF_DISTRIBUTION.forEach(s -> g.put(s, OUT_OF_DISTRIBUTION_GROUP));
        APART.forEach(s -> g.put(s, s));
        return g;
    }

    /**
     * Validation optimises RouterDC's in-distribution mean, the figure its paper and this report lead with: arc_easy's
     * training rows still train every router, but weigh 0 in the validation metric (javascript and the
     * out-of-distribution tasks have no training rows).
     */
    @Override
    public Map<String, Double> objective() {
        Map<String, Double> w = new LinkedHashMap<>();
        APART.forEach(s -> w.put(s, 0.0));
        return w;
    }

    @Override
    public List<Fold> folds() {
        RewardDataset test = data.filter(r -> "test".equals(r.split()) || "ood_test".equals(r.split()));
        return List.of(new Fold(0, data.split("train"), test));
    }
}
