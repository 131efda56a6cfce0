package dev.zooterj.core.routing;

import java.util.Arrays;
import java.util.Locale;

/**
 * The quality/cost knob: picks the candidate with the highest expected quality − λ·expected cost. Expected quality is
 * a per-candidate linear map of the estimate's value, a + b·v (identity for {@link Estimate.Kind#EXPECTED_SCORES}; a
 * calibration fitted on validation rows for distributions, see {@code QualityCalibration}); expected cost is a
 * per-candidate constant (e.g. its mean cost per query on training rows). λ = 0 is the argmax of expected quality.
 * The decision's distribution is the estimate's weights; its ranking puts the pick first.
 */
public final class CostAwarePolicy implements Policy {
    private final double[] intercept;
    private final double[] slope;
    private final double[] cost;
    private final double lambda;

    public CostAwarePolicy(double[] intercept, double[] slope, double[] cost, double lambda) {
        if (intercept.length != slope.length || slope.length != cost.length) {
            throw new IllegalArgumentException("intercept, slope and cost need one value per candidate: "
                    + intercept.length + ", " + slope.length + ", " + cost.length);
        }
        if (!(lambda >= 0) || !Double.isFinite(lambda)) {
            throw new IllegalArgumentException("the cost weight must be a finite number >= 0, got " + lambda);
        }
        this.intercept = intercept.clone();
        this.slope = slope.clone();
        this.cost = cost.clone();
        this.lambda = lambda;
    }

    public double lambda() {
        return lambda;
    }

    /** The same calibration and costs with another cost weight. */
    public CostAwarePolicy withLambda(double newLambda) {
        return new CostAwarePolicy(intercept, slope, cost, newLambda);
    }

    /** Expected quality per candidate for an estimate. */
    public double[] expectedQuality(Estimate e) {
        double[] v = e.values();
        if (v.length != cost.length) {
            throw new IllegalArgumentException("estimate has " + v.length + " candidates, the policy " + cost.length);
        }
        double[] q = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            q[i] = intercept[i] + slope[i] * v[i];
        }
        return q;
    }

    /** Expected quality − λ·cost per candidate. */
    public double[] utility(Estimate e) {
        double[] q = expectedQuality(e);
        for (int i = 0; i < q.length; i++) {
            q[i] -= lambda * cost[i];
        }
        return q;
    }

    @Override
    public RoutingDecision decide(Estimate e) {
        double[] u = utility(e);
        int best = 0;
        for (int i = 1; i < u.length; i++) {
            if (u[i] > u[best]) {
                best = i;
            }
        }
        return new RoutingDecision(e.models(), e.weights(), best);
    }

    public double[] cost() {
        return cost.clone();
    }

    public double[] intercept() {
        return intercept.clone();
    }

    public double[] slope() {
        return slope.clone();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "cost-aware(lambda=%.4g, cost=%s)", lambda, Arrays.toString(cost));
    }
}
