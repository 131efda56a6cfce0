package dev.zooterj.nn.router;

import java.util.stream.IntStream;

/**
 * Multinomial logistic regression on dense vectors: p(c | x) = softmax(W x + b), fitted by full-batch Adam on the mean
 * cross-entropy plus (l2 / 2)·‖W‖² (the bias is not penalised). The features are standardised (by the training rows'
 * mean and standard deviation) while fitting, which makes plain gradient steps converge on sentence embeddings, whose
 * dimensions share a large common component; the scaling is folded back into W and b, so the model applies to raw
 * vectors. Starts from zero weights, so a fit is deterministic. Plain Java loops: the inputs here are a few thousand
 * 384-d vectors and a handful of classes; each step runs on two threads, the rows' probabilities by halves and the
 * gradient by classes, every sum in the order of a single row-by-row pass, so the result does not depend on them.
 */
public final class SoftmaxRegression {
    private final double[][] weights;   // [C][D + 1], the last column the bias

    private SoftmaxRegression(double[][] weights) {
        this.weights = weights;
    }

    /** A model from saved weights [C][D + 1]. */
    public static SoftmaxRegression of(double[][] weights) {
        return new SoftmaxRegression(weights);
    }

    /**
     * @param x          n rows of dimension D
     * @param y          class of each row, in [0, classes)
     * @param l2         penalty on the weights (not the bias)
     * @param iterations Adam steps over the whole set
     * @param rate       Adam's step size
     */
    public static SoftmaxRegression fit(float[][] x, int[] y, int classes, double l2, int iterations, double rate) {
        int n = x.length;
        if (n == 0 || n != y.length) {
            throw new IllegalArgumentException(n + " rows for " + y.length + " classes");
        }
        int d = x[0].length;
        double[] mean = new double[d];
        double[] sd = new double[d];
        for (float[] row : x) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j] / (double) n;
            }
        }
        for (float[] row : x) {
            for (int j = 0; j < d; j++) {
                sd[j] += (row[j] - mean[j]) * (row[j] - mean[j]) / n;
            }
        }
        for (int j = 0; j < d; j++) {
            sd[j] = sd[j] > 1e-12 ? Math.sqrt(sd[j]) : 1;
        }
        float[][] z = new float[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                z[i][j] = (float) ((x[i][j] - mean[j]) / sd[j]);
            }
        }
        x = z;
        double[][] w = new double[classes][d + 1];
        double[][] m = new double[classes][d + 1];
        double[][] v = new double[classes][d + 1];
        double[][] g = new double[classes][d + 1];
        double[][] p = new double[n][classes];
        final double b1 = 0.9;
        final double b2 = 0.999;
        float[][] rows = x;
        for (int step = 1; step <= iterations; step++) {
            // every row's p − onehot (d(cross-entropy)/d(logit)), the two halves of the rows in parallel; then the
            // gradient, the classes split between two threads, each class's sums taken over the rows in order: the same
            // arithmetic, in the same order, as one row-by-row pass
            IntStream.range(0, 2).parallel().forEach(part -> {
                for (int i = (int) ((long) n * part / 2); i < (int) ((long) n * (part + 1) / 2); i++) {
                    probabilities(w, rows[i], p[i]);
                    p[i][y[i]] -= 1;
                }
            });
            IntStream.range(0, 2).parallel().forEach(part -> {
                for (int c = classes * part / 2; c < classes * (part + 1) / 2; c++) {
                    double[] gc = g[c];
                    java.util.Arrays.fill(gc, 0);
                    for (int i = 0; i < n; i++) {
                        double pc = p[i][c];
                        if (pc == 0) {
                            continue;
                        }
                        float[] xi = rows[i];
                        for (int j = 0; j < d; j++) {
                            gc[j] += pc * xi[j];
                        }
                        gc[d] += pc;
                    }
                }
            });
            double c1 = 1 - Math.pow(b1, step);
            double c2 = 1 - Math.pow(b2, step);
            for (int c = 0; c < classes; c++) {
                for (int j = 0; j <= d; j++) {
                    double grad = g[c][j] / n + (j < d ? l2 * w[c][j] : 0);
                    m[c][j] = b1 * m[c][j] + (1 - b1) * grad;
                    v[c][j] = b2 * v[c][j] + (1 - b2) * grad * grad;
                    w[c][j] -= rate * (m[c][j] / c1) / (Math.sqrt(v[c][j] / c2) + 1e-8);
                }
            }
        }
        // w·(x − mean)/sd + b = (w/sd)·x + (b − Σ w·mean/sd)
        for (double[] wc : w) {
            for (int j = 0; j < d; j++) {
                wc[j] /= sd[j];
                wc[d] -= wc[j] * mean[j];
            }
        }
        return new SoftmaxRegression(w);
    }

    private static void probabilities(double[][] w, float[] x, double[] out) {
        int d = x.length;
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < w.length; c++) {
            double z = w[c][d];
            double[] wc = w[c];
            for (int j = 0; j < d; j++) {
                z += wc[j] * x[j];
            }
            out[c] = z;
            max = Math.max(max, z);
        }
        double sum = 0;
        for (int c = 0; c < w.length; c++) {
            out[c] = Math.exp(out[c] - max);
            sum += out[c];
        }
        for (int c = 0; c < w.length; c++) {
            out[c] /= sum;
        }
    }

    /** p(c | x) for one row. */
    public double[] probabilities(float[] x) {
        if (x.length + 1 != weights[0].length) {
            throw new IllegalArgumentException(x.length + "-d input for a " + (weights[0].length - 1) + "-d model");
        }
        double[] p = new double[weights.length];
        probabilities(weights, x, p);
        return p;
    }

    /** The most probable class (lowest index on a tie). */
    public int predict(float[] x) {
        return dev.zooterj.core.label.ProbabilityVectors.argmax(probabilities(x));
    }

    public double[][] weights() {
        double[][] out = new double[weights.length][];
        for (int c = 0; c < out.length; c++) {
            out[c] = weights[c].clone();
        }
        return out;
    }
}
