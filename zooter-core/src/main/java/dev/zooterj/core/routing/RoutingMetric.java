package dev.zooterj.core.routing;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The routing metric that chooses settings on validation rows: the mean evaluation score
 * ({@link RewardRecord#evaluationScores()}) of the routed model per subset, then the plain mean over subsets — the same
 * macro mean as the benchmark reports' group averages, so a large subset does not drown the others.
 */
public final class RoutingMetric {
    private RoutingMetric() {
    }

    public static double macroMean(Router router, RewardDataset rows) {
        return macroMean(router, rows, Map.of());
    }

    /** The macro mean of per-row values ({@code values[i]} belongs to {@code rows.records().get(i)}). */
    public static double macroMean(RewardDataset rows, double[] values) {
        return macroMean(rows, values, Map.of());
    }

    /** {@link #macroMean(Router, RewardDataset)} with subset weights (see {@link #macroMean(RewardDataset, double[], Map)}). */
    public static double macroMean(Router router, RewardDataset rows, Map<String, Double> weights) {
        return macroMean(rows, chosenScores(router, rows), weights);
    }

    /** Per row, the evaluation score of the model the router chooses for its query. */
    public static double[] chosenScores(Router router, RewardDataset rows) {
        if (rows.size() == 0) {
            throw new IllegalArgumentException("no rows to measure the router on");
        }
        List<RoutingDecision> ds = router.route(rows.records().stream().map(RewardRecord::query).toList());
        double[] chosen = new double[rows.size()];
        for (int i = 0; i < chosen.length; i++) {
            chosen[i] = rows.records().get(i).evaluationScores()[ds.get(i).chosen()];
        }
        return chosen;
    }

    /**
     * The weighted mean over subsets of the per-subset mean of per-row values: Σ_s w_s·mean_s / Σ_s w_s, a subset
     * missing from {@code weights} weighing 1 (so an empty map is the plain macro mean). A weight of 0 leaves a subset
     * out of the objective, as a report that shows it apart from its headline mean does.
     *
     * @throws IllegalArgumentException when a weight is negative or not finite, or every subset of the rows weighs 0
     */
    public static double macroMean(RewardDataset rows, double[] values, Map<String, Double> weights) {
        Map<String, double[]> bySubset = bySubset(rows, values);
        if (bySubset.isEmpty()) {
            return Double.NaN;
        }
        double total = totalWeight(bySubset, weights);
        double sum = 0;
        for (Map.Entry<String, double[]> e : bySubset.entrySet()) {
            sum += weight(weights, e.getKey()) * e.getValue()[0] / e.getValue()[2];
        }
        return sum / total;
    }

    /**
     * The standard error of {@link #macroMean(RewardDataset, double[], Map)}, taking each subset's rows as independent
     * draws: sqrt(Σ_s (w_s/W)²·var_s/n_s), var_s the sample variance of the subset's values (0 for a single row). Given
     * the per-row differences of two methods on the same rows, it is the standard error of the difference of their
     * macro means (a paired comparison).
     */
    public static double macroMeanStandardError(RewardDataset rows, double[] values, Map<String, Double> weights) {
        Map<String, double[]> bySubset = bySubset(rows, values);
        if (bySubset.isEmpty()) {
            return Double.NaN;
        }
        double total = totalWeight(bySubset, weights);
        double variance = 0;
        for (Map.Entry<String, double[]> e : bySubset.entrySet()) {
            double n = e.getValue()[2];
            if (n < 2) {
                continue;
            }
            double mean = e.getValue()[0] / n;
            double var = Math.max(0, (e.getValue()[1] - n * mean * mean) / (n - 1));
            double share = weight(weights, e.getKey()) / total;
            variance += share * share * var / n;
        }
        return Math.sqrt(variance);
    }

    /** Per subset (null as ""), in first-seen order: the sum, the sum of squares and the count of its rows' values. */
    private static Map<String, double[]> bySubset(RewardDataset rows, double[] values) {
        Map<String, double[]> bySubset = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            String s = rows.records().get(i).subset();
            double[] acc = bySubset.computeIfAbsent(s == null ? "" : s, k -> new double[3]);
            acc[0] += values[i];
            acc[1] += values[i] * values[i];
            acc[2]++;
        }
        return bySubset;
    }

    /** Σ_s w_s over the subsets present; an error when it is 0. */
    private static double totalWeight(Map<String, double[]> bySubset, Map<String, Double> weights) {
        double total = 0;
        for (String s : bySubset.keySet()) {
            total += weight(weights, s);
        }
        if (total == 0) {
            throw new IllegalArgumentException("every subset of the rows (" + String.join(", ", bySubset.keySet())
                    + ") has weight 0 in the routing objective");
        }
        return total;
    }

    /** A subset's weight in the objective: 1 when {@code weights} does not name it. */
    public static double weight(Map<String, Double> weights, String subset) {
        Double w = weights.get(subset == null ? "" : subset);
        if (w == null) {
            return 1;
        }
        if (!(w >= 0) || Double.isInfinite(w)) {
            throw new IllegalArgumentException("subset weight of '" + subset + "': expected a finite number ≥ 0, got " + w);
        }
        return w;
    }
}
