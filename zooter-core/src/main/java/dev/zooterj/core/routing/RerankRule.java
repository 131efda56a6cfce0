package dev.zooterj.core.routing;

import dev.zooterj.core.label.ProbabilityVectors;

import java.util.Arrays;
import java.util.Locale;

/**
 * How many of a router's top candidates generate for one query, from the router's confidence: one when it is sure,
 * more when it is not. Confidence is read from the estimate's {@link Estimate#weights()} sorted from high to low (a
 * distribution as is; expected scores shifted and normalised, so their rules are ordinal, not probabilities).
 *
 * @param rule      which confidence measure, and how it maps to a set size
 * @param threshold the rule's threshold θ (unused by {@link Rule#FIXED})
 * @param maxK      the largest set, 1..N
 */
public record RerankRule(Rule rule, double threshold, int maxK) {
    /** Confidence measures. */
    public enum Rule {
        /** Always {@code maxK}. */
        FIXED,
        /** 1 when the top weight p₁ &gt; θ, else {@code maxK}. */
        TOP1,
        /** 1 when the margin p₁ − p₂ &gt; θ, else {@code maxK}. */
        MARGIN,
        /** 1 when the entropy of the weights (nats) &lt; θ, else {@code maxK}. */
        ENTROPY,
        /** The fewest top candidates whose weights sum to at least θ (nucleus), at most {@code maxK}. */
        MASS,
        /** Every candidate whose weight is at least θ·p₁, at most {@code maxK}. */
        RATIO
    }

    public RerankRule {
        java.util.Objects.requireNonNull(rule, "rule");
        if (maxK < 1) {
            throw new IllegalArgumentException("maxK must be at least 1, got " + maxK);
        }
        if (rule != Rule.FIXED && Double.isNaN(threshold)) {
            throw new IllegalArgumentException(rule + " needs a threshold");
        }
    }

    /** Always the top {@code k}. */
    public static RerankRule fixed(int k) {
        return new RerankRule(Rule.FIXED, 0, k);
    }

    /** The set size for weights sorted from high to low. */
    public int k(double[] sortedWeights) {
        int n = sortedWeights.length;
        int cap = Math.min(maxK, n);
        return switch (rule) {
            case FIXED -> cap;
            case TOP1 -> sortedWeights[0] > threshold ? 1 : cap;
            case MARGIN -> n < 2 || sortedWeights[0] - sortedWeights[1] > threshold ? 1 : cap;
            case ENTROPY -> ProbabilityVectors.entropy(sortedWeights) < threshold ? 1 : cap;
            case MASS -> {
                double sum = 0;
                int k = 0;
                while (k < cap) {
                    sum += sortedWeights[k];
                    k++;
                    if (sum >= threshold) {
                        break;
                    }
                }
                yield k;
            }
            case RATIO -> {
                int k = 1;
                while (k < cap && sortedWeights[k] >= threshold * sortedWeights[0]) {
                    k++;
                }
                yield k;
            }
        };
    }

    /** The candidate order of an estimate: highest value first, lowest index on a tie. */
    public static int[] order(double[] values) {
        Integer[] idx = new Integer[values.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> values[a] != values[b] ? Double.compare(values[b], values[a]) : Integer.compare(a, b));
        return Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
    }

    /** The weights of an estimate in the order of {@link #order(double[])}. */
    public static double[] sortedWeights(Estimate e, int[] order) {
        double[] w = e.weights();
        double[] out = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            out[i] = w[order[i]];
        }
        return out;
    }

    /** E.g. {@code top-3 when p1 <= 0.42} or {@code fixed top-2}. */
    public String describe() {
        String t = String.format(Locale.ROOT, "%.4g", threshold);
        return switch (rule) {
            case FIXED -> "fixed top-" + maxK;
            case TOP1 -> "top-" + maxK + " when p1 <= " + t + ", else 1";
            case MARGIN -> "top-" + maxK + " when p1 - p2 <= " + t + ", else 1";
            case ENTROPY -> "top-" + maxK + " when entropy >= " + t + ", else 1";
            case MASS -> "fewest top candidates with weight sum >= " + t + ", at most " + maxK;
            case RATIO -> "candidates with p >= " + t + "*p1, at most " + maxK;
        };
    }
}
