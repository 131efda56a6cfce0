package dev.zooterj.bench.suite;

import dev.zooterj.core.data.RewardDataset;

import java.util.List;
import java.util.Map;

/**
 * A benchmark: candidate models, test queries laid out as groups of subsets, and one or more folds that
 * say which queries train the routers and which test them. Every test query is tested exactly once.
 */
public interface BenchmarkSuite {
    String name();

    /** True for the simulated zoo; every report then says so. */
    boolean simulated();

    /** Where the data comes from and under which protocol, in words. */
    String source();

    /** subset → group, in report order. */
    Map<String, String> groupOfSubset();

    List<Fold> folds();

    /** One train/test partition. */
    record Fold(int index, RewardDataset train, RewardDataset test) {
    }

    /** Metric scale of a subset, for normalising scores to [0, 1] across groups (e.g. in the entropy analysis). */
    default double[] scale(String subset) {
        return new double[]{0, 1};
    }
}
