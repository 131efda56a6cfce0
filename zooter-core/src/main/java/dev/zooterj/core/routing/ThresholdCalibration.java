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
            // Just above the largest need: at exactly it, v + (best - v) can round to below best and lose that query.
            double top = need[need.length - 1];
            return top + Math.max(1e-9, Math.abs(top) * 1e-9);
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

    /**
     * The {@link RerankRule} of the given family and largest set whose mean number of generations on these queries is
     * the largest that stays within {@code budget}: the threshold is a midpoint between two confidences seen on the
     * queries (at most {@link #MAX_RERANK_THRESHOLDS} quantiles of them), or beyond all of them. With
     * {@link RerankRule.Rule#FIXED} the set is {@code min(maxK, floor(budget))}.
     *
     * @param budget mean generations per query, at least 1
     */
    public static RerankRule rerankForGenerations(List<Estimate> estimates, RerankRule.Rule rule, int maxK, double budget) {
        if (!(budget >= 1)) {
            throw new IllegalArgumentException("--generations must be at least 1 generation per query, got " + budget);
        }
        if (estimates.isEmpty()) {
            throw new IllegalArgumentException("calibration needs at least one query");
        }
        if (maxK < 1) {
            throw new IllegalArgumentException("--max-k must be at least 1, got " + maxK);
        }
        int n = estimates.get(0).models().size();
        int cap = Math.min(maxK, n);
        if (rule == RerankRule.Rule.FIXED) {
            return RerankRule.fixed((int) Math.max(1, Math.min(cap, Math.floor(budget + 1e-9))));
        }
        double[][] sorted = new double[estimates.size()][];
        java.util.TreeSet<Double> seen = new java.util.TreeSet<>();
        for (int i = 0; i < sorted.length; i++) {
            Estimate e = estimates.get(i);
            sorted[i] = RerankRule.sortedWeights(e, RerankRule.order(e.values()));
            double[] w = sorted[i];
            switch (rule) {
                case TOP1 -> seen.add(w[0]);
                case MARGIN -> seen.add(w.length < 2 ? Double.POSITIVE_INFINITY : w[0] - w[1]);
                case ENTROPY -> seen.add(dev.zooterj.core.label.ProbabilityVectors.entropy(w));
                case MASS -> {
                    double sum = 0;
                    for (int k = 0; k < Math.min(cap, w.length); k++) {
                        sum += w[k];
                        seen.add(sum);
                    }
                }
                case RATIO -> {
                    for (int k = 1; k < Math.min(cap, w.length); k++) {
                        seen.add(w[0] == 0 ? 1 : w[k] / w[0]);
                    }
                }
                default -> throw new IllegalStateException(rule.toString());
            }
        }
        seen.remove(Double.POSITIVE_INFINITY);
        double[] values = seen.stream().mapToDouble(Double::doubleValue).filter(Double::isFinite).toArray();
        if (values.length > MAX_RERANK_THRESHOLDS) {
            double[] q = new double[MAX_RERANK_THRESHOLDS];
            for (int j = 0; j < q.length; j++) {
                q[j] = values[(int) Math.round((double) j * (values.length - 1) / (q.length - 1))];
            }
            values = q;
        }
        List<Double> thresholds = new java.util.ArrayList<>();
        double lo = values.length == 0 ? 0 : values[0];
        double hi = values.length == 0 ? 0 : values[values.length - 1];
        thresholds.add(lo - 1);
        thresholds.add(hi + 1);
        for (int j = 1; j < values.length; j++) {
            thresholds.add((values[j - 1] + values[j]) / 2);
        }
        RerankRule best = null;
        double bestMean = -1;
        for (double t : thresholds) {
            RerankRule r = new RerankRule(rule, t, cap);
            double mean = meanGenerations(sorted, r);
            if (mean <= budget + 1e-12 && mean > bestMean) {
                best = r;
                bestMean = mean;
            }
        }
        if (best == null) {   // cannot happen: every family yields one generation per query at one end
            throw new IllegalStateException("no " + rule + " threshold keeps within " + budget + " generations per query");
        }
        return best;
    }

    /** Mean generations per query of a rule on these estimates. */
    public static double meanGenerations(List<Estimate> estimates, RerankRule rule) {
        double[][] sorted = new double[estimates.size()][];
        for (int i = 0; i < sorted.length; i++) {
            Estimate e = estimates.get(i);
            sorted[i] = RerankRule.sortedWeights(e, RerankRule.order(e.values()));
        }
        return meanGenerations(sorted, rule);
    }

    private static double meanGenerations(double[][] sorted, RerankRule rule) {
        long sum = 0;
        for (double[] w : sorted) {
            sum += rule.k(w);
        }
        return (double) sum / sorted.length;
    }

    /** Candidate thresholds of {@link #rerankForGenerations}: midpoints between at most this many quantiles. */
    static final int MAX_RERANK_THRESHOLDS = 400;
}
