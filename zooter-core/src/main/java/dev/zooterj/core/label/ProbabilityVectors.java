package dev.zooterj.core.label;

/** Numerically careful operations on reward vectors and probability vectors. */
public final class ProbabilityVectors {
    private ProbabilityVectors() {
    }

    /**
     * softmax(v / tau), stable for large values: the maximum is subtracted before exponentiation. As
     * tau tends to 0 the result tends to the uniform distribution over the maxima of v (one-hot when the
     * maximum is unique); {@code tau == 0} returns that limit exactly.
     */
    public static double[] softmax(double[] v, double tau) {
        if (!(tau >= 0) || Double.isInfinite(tau)) {
            throw new IllegalArgumentException("temperature tau must be finite and >= 0, got " + tau);
        }
        if (tau == 0) {
            return uniformOverArgmax(v);
        }
        double max = max(v);
        double[] out = new double[v.length];
        double sum = 0;
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.exp((v[i] - max) / tau);
            sum += out[i];
        }
        for (int i = 0; i < v.length; i++) {
            out[i] /= sum;
        }
        return out;
    }

    /** Per-vector standardisation (v - mean) / std; a constant vector becomes all zeros. */
    public static double[] standardize(double[] v) {
        double mean = 0;
        for (double x : v) {
            mean += x;
        }
        mean /= v.length;
        double var = 0;
        for (double x : v) {
            var += (x - mean) * (x - mean);
        }
        double std = Math.sqrt(var / v.length);
        double[] out = new double[v.length];
        if (std < 1e-12 * Math.max(1, Math.abs(mean))) {
            return out;
        }
        for (int i = 0; i < v.length; i++) {
            out[i] = (v[i] - mean) / std;
        }
        return out;
    }

    /** Shannon entropy in nats; 0·log 0 counts as 0. */
    public static double entropy(double[] p) {
        double h = 0;
        for (double x : p) {
            if (x > 0) {
                h -= x * Math.log(x);
            }
        }
        return h;
    }

    /** The uniform distribution over the indices holding the maximum (one-hot when it is unique). */
    public static double[] uniformOverArgmax(double[] v) {
        double max = max(v);
        int ties = 0;
        for (double x : v) {
            if (x == max) {
                ties++;
            }
        }
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] == max) {
                out[i] = 1.0 / ties;
            }
        }
        return out;
    }

    /** Index of the largest value; the lowest index wins a tie. */
    public static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    public static double max(double[] v) {
        if (v.length == 0) {
            throw new IllegalArgumentException("empty vector");
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            if (Double.isNaN(x)) {
                throw new IllegalArgumentException("NaN in vector");
            }
            max = Math.max(max, x);
        }
        return max;
    }

    /** Expected value of {@code values} under {@code weights} (weights sum to 1). */
    public static double expectation(double[] weights, double[] values) {
        double s = 0;
        for (int i = 0; i < weights.length; i++) {
            if (weights[i] != 0) {
                s += weights[i] * values[i];
            }
        }
        return s;
    }

    /** True when every entry is in [0, 1] and they sum to 1 within {@code tol}. */
    public static boolean isProbabilityVector(double[] p, double tol) {
        double sum = 0;
        for (double x : p) {
            if (!(x >= -tol && x <= 1 + tol)) {
                return false;
            }
            sum += x;
        }
        return Math.abs(sum - 1) <= tol;
    }
}
