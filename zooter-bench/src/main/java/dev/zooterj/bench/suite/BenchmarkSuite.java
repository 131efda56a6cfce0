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

    /**
     * The routing objective that chooses settings on validation rows: each training subset's weight in the macro mean
     * (1 when not named). Empty by default: every subset counts the same. A suite whose headline mean leaves a
     * training subset out (reported apart) gives it 0, so validation optimises the mean the report leads with.
     */
    default Map<String, Double> objective() {
        return Map.of();
    }

    /** {@code suite} with another validation {@link #objective()}; everything else delegated. */
    static BenchmarkSuite withObjective(BenchmarkSuite suite, Map<String, Double> weights) {
        Map<String, Double> w = Map.copyOf(weights);
        return new BenchmarkSuite() {
            @Override
            public String name() {
                return suite.name();
            }

            @Override
            public boolean simulated() {
                return suite.simulated();
            }

            @Override
            public String source() {
                return suite.source();
            }

            @Override
            public Map<String, String> groupOfSubset() {
                return suite.groupOfSubset();
            }

            @Override
            public List<Fold> folds() {
                return suite.folds();
            }

            @Override
            public Map<String, Double> objective() {
                return w;
            }

            @Override
            public double[] scale(String subset) {
                return suite.scale(subset);
            }
        };
    }

    /** Metric scale of a subset, for normalising scores to [0, 1] across groups (e.g. in the entropy analysis). */
    default double[] scale(String subset) {
        return new double[]{0, 1};
    }
}
