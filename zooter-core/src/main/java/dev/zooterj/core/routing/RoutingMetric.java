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
        if (rows.size() == 0) {
            throw new IllegalArgumentException("no rows to measure the router on");
        }
        List<RoutingDecision> ds = router.route(rows.records().stream().map(RewardRecord::query).toList());
        double[] chosen = new double[rows.size()];
        for (int i = 0; i < chosen.length; i++) {
            chosen[i] = rows.records().get(i).evaluationScores()[ds.get(i).chosen()];
        }
        return macroMean(rows, chosen);
    }

    /** The macro mean of per-row values ({@code values[i]} belongs to {@code rows.records().get(i)}). */
    public static double macroMean(RewardDataset rows, double[] values) {
        Map<String, double[]> bySubset = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            String s = rows.records().get(i).subset();
            double[] acc = bySubset.computeIfAbsent(s == null ? "" : s, k -> new double[2]);
            acc[0] += values[i];
            acc[1]++;
        }
        return bySubset.values().stream().mapToDouble(a -> a[0] / a[1]).average().orElse(Double.NaN);
    }
}
