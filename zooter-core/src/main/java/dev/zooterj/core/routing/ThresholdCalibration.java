package dev.zooterj.core.routing;

import java.util.Arrays;
import java.util.List;

/**
 * Thresholds that mean the same thing on a user's own traffic: the bias toward one candidate at which a given share of
 * the queries goes to it, or the cost weight at which the mean cost per query meets a target. Both are read off the
 * router's estimates of the given queries; no scores are needed.
 */
public final class ThresholdCalibration {
    private ThresholdCalibration() {
    }

    /**
     * The bias b for {@link BiasPolicy} at which a share of the queries goes to {@code model}: a query goes there when
     * its value plus b is at least every other value. b lies midway between the two queries around the share, so the
     * share on these queries is round(share·n)/n exactly when no two queries need the same bias.
     */
    public static double biasForShare(List<Estimate> estimates, int model, double share) {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException("--share must lie in [0, 1], got " + share);
        }
        if (estimates.isEmpty()) {
            throw new IllegalArgumentException("calibration needs at least one query");
        }
        double[] need = new double[estimates.size()];
        for (int i = 0; i < need.length; i++) {
            need[i] = BiasPolicy.biasNeeded(estimates.get(i).values(), model);
        }
        Arrays.sort(need);
        int k = (int) Math.round(share * need.length);
        if (k == 0) {
            return need[0] - 1 - Math.abs(need[0]);
        }
        if (k == need.length) {
            return need[need.length - 1];
        }
        return (need[k - 1] + need[k]) / 2;
    }

    /** The share of queries a bias sends to {@code model}. */
    public static double share(List<Estimate> estimates, int model, double bias) {
        BiasPolicy p = new BiasPolicy(model, bias);
        return estimates.stream().filter(e -> p.decide(e).chosen() == model).count() / (double) estimates.size();
    }

    /**
     * The smallest cost weight λ at which the mean cost per query of argmax(quality − λ·cost) is at most
     * {@code target} (bisection to 1e-9 relative; the chosen cost never rises with λ). Throws when even the cheapest
     * candidate for every query costs more than the target.
     */
    public static double lambdaForMeanCost(List<Estimate> estimates, CostAwarePolicy policy, double target) {
        if (estimates.isEmpty()) {
            throw new IllegalArgumentException("calibration needs at least one query");
        }
        double[] cost = policy.cost();
        double cheapest = Arrays.stream(cost).min().orElseThrow();
        if (target < cheapest - 1e-12) {
            throw new IllegalArgumentException("--mean-cost " + target + " is below the cheapest candidate's cost " + cheapest);
        }
        if (meanCost(estimates, policy.withLambda(0)) <= target) {
            return 0;
        }
        double hi = 1e-6;
        while (meanCost(estimates, policy.withLambda(hi)) > target) {
            hi *= 2;
            if (hi > 1e12) {
                throw new IllegalArgumentException("no cost weight reaches a mean cost of " + target);
            }
        }
        double lo = 0;
        for (int it = 0; it < 200 && hi - lo > 1e-9 * hi; it++) {
            double mid = (lo + hi) / 2;
            if (meanCost(estimates, policy.withLambda(mid)) > target) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi;
    }

    /** Mean cost per query of the policy's picks. */
    public static double meanCost(List<Estimate> estimates, CostAwarePolicy policy) {
        double[] cost = policy.cost();
        double s = 0;
        for (Estimate e : estimates) {
            s += cost[policy.decide(e).chosen()];
        }
        return s / estimates.size();
    }
}
