package dev.zooterj.nn.router;

import dev.zooterj.data.tags.HashedNgrams;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Multinomial logistic regression on sparse vectors (the {@link HashedNgrams} features): p(c | x) = softmax(W x + b),
 * fitted by full-batch Adam on the mean cross-entropy plus (l2 / 2)·‖W‖² (the bias is not penalised), from zero weights,
 * so a fit is deterministic. The gradient is summed over two halves of the rows in parallel, each half in row order,
 * and the halves are added in a fixed order, so the result does not depend on scheduling. W is stored feature-major
 * ({@code w[j·C + c]}), so a row's logits read each feature's C weights contiguously.
 */
final class SparseSoftmaxRegression {
    private final int dimension;
    private final int classes;
    private final double[] w;      // [dimension · classes]
    private final double[] bias;   // [classes]

    private SparseSoftmaxRegression(int dimension, int classes, double[] w, double[] bias) {
        this.dimension = dimension;
        this.classes = classes;
        this.w = w;
        this.bias = bias;
    }

    /** A model from saved weights: {@code weights} [dimension · classes] feature-major, {@code bias} [classes]. */
    static SparseSoftmaxRegression of(int dimension, int classes, double[] weights, double[] bias) {
        if (weights.length != (long) dimension * classes || bias.length != classes) {
            throw new IllegalArgumentException("expected " + (long) dimension * classes + " weights and " + classes + " biases, got "
                    + weights.length + " and " + bias.length);
        }
        return new SparseSoftmaxRegression(dimension, classes, weights, bias);
    }

    static SparseSoftmaxRegression fit(HashedNgrams.Sparse[] x, int[] y, int dimension, int classes, double l2, int iterations,
                                       double rate) {
        int n = x.length;
        if (n == 0 || n != y.length) {
            throw new IllegalArgumentException(n + " rows for " + y.length + " classes");
        }
        double[] w = new double[dimension * classes];
        double[] b = new double[classes];
        double[] m = new double[w.length];
        double[] v = new double[w.length];
        double[] mb = new double[classes];
        double[] vb = new double[classes];
        // only the buckets some row uses ever move (the others have zero gradient and start at zero), so the zeroing
        // of the gradient and the Adam step visit those alone: the same arithmetic on the same entries, without a
        // pass over every bucket per step (2^18 of them by default) when the rows are few
        int[] used = java.util.Arrays.stream(x).flatMapToInt(r -> java.util.Arrays.stream(r.index())).distinct().sorted().toArray();
        for (int j : used) {
            if (j < 0 || j >= dimension) {
                throw new IllegalArgumentException("feature " + j + " outside a " + dimension + "-bucket model");
            }
        }
        int parts = 2;
        double[][] g = new double[parts][w.length];
        double[][] gb = new double[parts][classes];
        final double b1 = 0.9;
        final double b2 = 0.999;
        SparseSoftmaxRegression model = new SparseSoftmaxRegression(dimension, classes, w, b);
        for (int step = 1; step <= iterations; step++) {
            IntStream.range(0, parts).parallel().forEach(part -> {
                double[] gp = g[part];
                double[] gbp = gb[part];
                for (int j : used) {
                    Arrays.fill(gp, j * classes, (j + 1) * classes, 0);
                }
                Arrays.fill(gbp, 0);
                double[] p = new double[classes];
                int from = (int) ((long) n * part / parts);
                int to = (int) ((long) n * (part + 1) / parts);
                for (int i = from; i < to; i++) {
                    model.probabilities(x[i], p);
                    p[y[i]] -= 1;
                    int[] idx = x[i].index();
                    float[] val = x[i].value();
                    for (int k = 0; k < idx.length; k++) {
                        int base = idx[k] * classes;
                        double xv = val[k];
                        for (int c = 0; c < classes; c++) {
                            gp[base + c] += p[c] * xv;
                        }
                    }
                    for (int c = 0; c < classes; c++) {
                        gbp[c] += p[c];
                    }
                }
            });
            double c1 = 1 - Math.pow(b1, step);
            double c2 = 1 - Math.pow(b2, step);
            for (int f : used) {
                for (int j = f * classes; j < (f + 1) * classes; j++) {
                    double grad = 0;
                    for (int part = 0; part < parts; part++) {
                        grad += g[part][j];
                    }
                    grad = grad / n + l2 * w[j];
                    if (grad == 0 && m[j] == 0 && v[j] == 0) {
                        continue;   // as before the change: an entry that has never moved stays at zero
                    }
                    m[j] = b1 * m[j] + (1 - b1) * grad;
                    v[j] = b2 * v[j] + (1 - b2) * grad * grad;
                    w[j] -= rate * (m[j] / c1) / (Math.sqrt(v[j] / c2) + 1e-8);
                }
            }
            for (int c = 0; c < classes; c++) {
                double grad = 0;
                for (int part = 0; part < parts; part++) {
                    grad += gb[part][c];
                }
                grad /= n;
                mb[c] = b1 * mb[c] + (1 - b1) * grad;
                vb[c] = b2 * vb[c] + (1 - b2) * grad * grad;
                b[c] -= rate * (mb[c] / c1) / (Math.sqrt(vb[c] / c2) + 1e-8);
            }
        }
        return model;
    }

    private void probabilities(HashedNgrams.Sparse x, double[] out) {
        System.arraycopy(bias, 0, out, 0, classes);
        int[] idx = x.index();
        float[] val = x.value();
        for (int k = 0; k < idx.length; k++) {
            if (idx[k] >= dimension) {
                throw new IllegalArgumentException("feature " + idx[k] + " outside a " + dimension + "-bucket model");
            }
            int base = idx[k] * classes;
            double xv = val[k];
            for (int c = 0; c < classes; c++) {
                out[c] += w[base + c] * xv;
            }
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            max = Math.max(max, out[c]);
        }
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            out[c] = Math.exp(out[c] - max);
            sum += out[c];
        }
        for (int c = 0; c < classes; c++) {
            out[c] /= sum;
        }
    }

    /** p(c | x) for one row. */
    double[] probabilities(HashedNgrams.Sparse x) {
        double[] p = new double[classes];
        probabilities(x, p);
        return p;
    }

    int dimension() {
        return dimension;
    }

    int classes() {
        return classes;
    }

    double[] weights() {
        return w.clone();
    }

    double[] bias() {
        return bias.clone();
    }
}
