package dev.zooterj.core.routing;

import java.util.Locale;

/**
 * The argmax with one candidate's value raised by a bias (lowered when negative): the threshold a {@code calibrate
 * --share} run sets, so that a chosen share of the traffic goes to that candidate. The candidate wins when its value
 * plus the bias is at least every other value; among the others the argmax decides (lowest index on a tie).
 */
public final class BiasPolicy implements Policy {
    private final int model;
    private final double bias;

    public BiasPolicy(int model, double bias) {
        if (model < 0) {
            throw new IllegalArgumentException("model index must be >= 0, got " + model);
        }
        if (!Double.isFinite(bias)) {
            throw new IllegalArgumentException("bias must be finite, got " + bias);
        }
        this.model = model;
        this.bias = bias;
    }

    /** The smallest bias at which {@code model} wins with these values. */
    static double biasNeeded(double[] values, int model) {
        double best = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < values.length; j++) {
            if (j != model) {
                best = Math.max(best, values[j]);
            }
        }
        return values.length == 1 ? Double.NEGATIVE_INFINITY : best - values[model];
    }

    @Override
    public RoutingDecision decide(Estimate e) {
        double[] v = e.values();
        if (model >= v.length) {
            throw new IllegalArgumentException("model index " + model + " outside the estimate's " + v.length + " candidates");
        }
        int chosen;
        if (v[model] + bias >= maxOther(v)) {
            chosen = model;
        } else {
            chosen = -1;
            for (int j = 0; j < v.length; j++) {
                if (j != model && (chosen < 0 || v[j] > v[chosen])) {
                    chosen = j;
                }
            }
        }
        return new RoutingDecision(e.models(), e.weights(), chosen);
    }

    private double maxOther(double[] v) {
        double best = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < v.length; j++) {
            if (j != model) {
                best = Math.max(best, v[j]);
            }
        }
        return best;
    }

    public int model() {
        return model;
    }

    public double bias() {
        return bias;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "bias(%d, %+.6g)", model, bias);
    }
}
