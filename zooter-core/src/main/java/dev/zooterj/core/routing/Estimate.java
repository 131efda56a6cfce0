package dev.zooterj.core.routing;

import java.util.Arrays;
import java.util.List;

/**
 * What a router estimates for one query, before any policy acts on it: one number per candidate, in the router's
 * model order. A {@link Policy} turns it into a {@link RoutingDecision} (today the argmax; a set to rerank or a
 * cost-aware pick later), so routers never decide how their estimates are used.
 *
 * @param models candidate names
 * @param values one number per candidate
 * @param kind   what the numbers mean
 */
public record Estimate(List<String> models, double[] values, Kind kind) {
    /** What an estimate's values are. */
    public enum Kind {
        /** A probability distribution over the candidates (sums to 1): which one answers best. */
        DISTRIBUTION,
        /** Each candidate's expected evaluation score on the query (the metric's own scale). */
        EXPECTED_SCORES
    }

    public Estimate {
        models = List.copyOf(models);
        if (values.length != models.size()) {
            throw new IllegalArgumentException(values.length + " values for " + models.size() + " models");
        }
        for (double v : values) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("estimate values must be finite, got " + Arrays.toString(values));
            }
        }
        values = values.clone();
        java.util.Objects.requireNonNull(kind, "kind");
    }

    public static Estimate distribution(List<String> models, double[] p) {
        return new Estimate(models, p, Kind.DISTRIBUTION);
    }

    public static Estimate expectedScores(List<String> models, double[] scores) {
        return new Estimate(models, scores, Kind.EXPECTED_SCORES);
    }

    @Override
    public double[] values() {
        return values.clone();
    }

    /**
     * The values as weights that sum to 1, for a decision's {@link RoutingDecision#distribution()}: a distribution as
     * is; expected scores shifted so the lowest is 0 and divided by their sum (uniform when all are equal). The order,
     * and so the fallback ranking, is the estimate's; the weights of expected scores are not calibrated probabilities.
     */
    public double[] weights() {
        if (kind == Kind.DISTRIBUTION) {
            return values.clone();
        }
        double min = Arrays.stream(values).min().orElse(0);
        double[] w = new double[values.length];
        double sum = 0;
        for (int i = 0; i < w.length; i++) {
            w[i] = values[i] - min;
            sum += w[i];
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = sum > 0 ? w[i] / sum : 1.0 / w.length;
        }
        return w;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Estimate e && kind == e.kind && models.equals(e.models) && Arrays.equals(values, e.values);
    }

    @Override
    public int hashCode() {
        return 31 * models.hashCode() + Arrays.hashCode(values) + kind.hashCode();
    }

    @Override
    public String toString() {
        return "Estimate[" + kind + " " + Arrays.toString(values) + "]";
    }
}
