package dev.zooterj.core.ensemble;

import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.core.routing.CostAwarePolicy;
import dev.zooterj.core.routing.Estimate;

import java.util.List;

/**
 * What a cost-aware policy needs besides the router: each candidate's expected quality as a function of the router's
 * estimate, and its expected cost.
 *
 * <p>Expected scores ({@link Estimate.Kind#EXPECTED_SCORES}) are used as they are (a = 0, b = 1). A distribution is
 * mapped per candidate by least squares on validation rows (estimates from a router that did not train on them):
 * score_m ≈ a_m + b_m·p_m, with b_m held at ≥ 0 (a negative fit would reward the router's doubt; then a_m is the
 * candidate's mean score). Cost is each candidate's mean cost per query on the rows given.
 */
public final class QualityCalibration {
    private QualityCalibration() {
    }

    /** Fits the map on validation estimates and rows; costs are the rows' mean cost per candidate (NaN-free). */
    public static CostAwarePolicy fit(List<Estimate> estimates, List<RewardRecord> rows, double[] meanCost, double lambda) {
        if (estimates.size() != rows.size() || rows.isEmpty()) {
            throw new IllegalArgumentException("need one estimate per row and at least one row, got " + estimates.size()
                    + " estimates for " + rows.size() + " rows");
        }
        int n = meanCost.length;
        double[] a = new double[n];
        double[] b = new double[n];
        if (estimates.get(0).kind() == Estimate.Kind.EXPECTED_SCORES) {
            java.util.Arrays.fill(b, 1);
            return new CostAwarePolicy(a, b, meanCost, lambda);
        }
        for (int m = 0; m < n; m++) {
            double sx = 0;
            double sy = 0;
            double sxx = 0;
            double sxy = 0;
            int k = rows.size();
            for (int i = 0; i < k; i++) {
                double x = estimates.get(i).values()[m];
                double y = rows.get(i).evaluationScores()[m];
                sx += x;
                sy += y;
                sxx += x * x;
                sxy += x * y;
            }
            double varX = sxx / k - (sx / k) * (sx / k);
            double cov = sxy / k - (sx / k) * (sy / k);
            double slope = varX > 1e-15 ? Math.max(0, cov / varX) : 0;
            b[m] = slope;
            a[m] = sy / k - slope * sx / k;
        }
        return new CostAwarePolicy(a, b, meanCost, lambda);
    }

    /** Mean cost per candidate over rows that carry cost; null when none does. */
    public static double[] meanCost(List<RewardRecord> rows, int n) {
        double[] c = new double[n];
        int k = 0;
        for (RewardRecord r : rows) {
            if (r.cost() != null) {
                double[] x = r.cost();
                for (int m = 0; m < n; m++) {
                    c[m] += x[m];
                }
                k++;
            }
        }
        if (k == 0) {
            return null;
        }
        for (int m = 0; m < n; m++) {
            c[m] /= k;
        }
        return c;
    }
}
