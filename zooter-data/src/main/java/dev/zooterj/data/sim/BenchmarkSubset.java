package dev.zooterj.data.sim;

import java.util.Objects;

/**
 * One evaluation subset of the paper's layout.
 *
 * @param group    the benchmark group, e.g. {@code MT-Bench}
 * @param name     the subset name, unique across the whole layout, e.g. {@code mtbench_coding}
 * @param metric   what a score means, one of the {@code PaperLayout.METRIC_*} names
 * @param minScore the lowest score the metric can give
 * @param maxScore the highest score the metric can give
 */
public record BenchmarkSubset(String group, String name, String metric, double minScore, double maxScore) {

    public BenchmarkSubset {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(metric, "metric");
        if (!(minScore < maxScore)) {
            throw new IllegalArgumentException("subset " + name + ": empty score range [" + minScore + ", "
                    + maxScore + "]");
        }
    }

    /** True when {@code score} is a value this subset's metric can take. */
    public boolean inRange(double score) {
        return score >= minScore && score <= maxScore;
    }

    /** The score mapped to [0, 1], so that subsets on different scales can be averaged. */
    public double normalise(double score) {
        return (score - minScore) / (maxScore - minScore);
    }
}
