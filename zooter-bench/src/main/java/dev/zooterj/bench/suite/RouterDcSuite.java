package dev.zooterj.bench.suite;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.data.importer.RouterDcImporter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RouterDC (20,600 queries × 7 open LLMs, score = share of sampled answers correct): routers train on the
 * train split and are tested on the in-distribution test split and, as a second group, the
 * out-of-distribution split, as in the RouterDC paper.
 */
public final class RouterDcSuite implements BenchmarkSuite {
    public static final List<String> IN_DISTRIBUTION = List.of("mmlu", "gsm8k", "cmmlu", "arc_challenge", "humaneval", "arc_easy");
    public static final List<String> OUT_OF_DISTRIBUTION = List.of("MATH_prealgebra", "ceval", "mbpp", "javascript");

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
                + " (out-of-distribution); score = fraction of sampled answers correct, used as reward and metric";
    }

    @Override
    public Map<String, String> groupOfSubset() {
        Map<String, String> g = new LinkedHashMap<>();
        IN_DISTRIBUTION.forEach(s -> g.put(s, "in-distribution"));
        OUT_OF_DISTRIBUTION.forEach(s -> g.put(s, "out-of-distribution"));
        return g;
    }

    @Override
    public List<Fold> folds() {
        RewardDataset test = data.filter(r -> "test".equals(r.split()) || "ood_test".equals(r.split()));
        return List.of(new Fold(0, data.split("train"), test));
    }
}
