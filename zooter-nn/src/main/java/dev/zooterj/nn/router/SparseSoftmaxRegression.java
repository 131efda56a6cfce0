package dev.zooterj.nn.router;

import dev.zooterj.data.tags.HashedNgrams;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Multinomial logistic regression on sparse vectors (the {@link HashedNgrams} features): p(c | x) = softmax(W x + b),
 * fitted by full-batch Adam on the mean cross-entropy plus (l2 / 2)·‖W‖² (the bias is not penalised), from zero weights,
 * so a fit is deterministic. The gradient is summed over two halves of the rows, each half in row order, and the halves
 * are added in a fixed order, so the result does not depend on scheduling. W is stored feature-major
 * ({@code w[j·C + c]}), so a row's logits read each feature's C weights contiguously. Fitting walks the rows by feature
 * (compressed sparse columns): the weights and Adam's moments are read once per step, in order, and
 * only the logits of the rows (a few hundred KiB) are touched at random, which keeps the step in cache; each row's
 * logit and each weight's gradient add their terms in the same order as a row-by-row pass, so the result is the same
 * to the bit.
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
        Columns cols = Columns.of(x, dimension);
        double[] w = new double[dimension * classes];
        double[] b = new double[classes];
        double[] m = new double[w.length];
        double[] v = new double[w.length];
        double[] mb = new double[classes];
        double[] vb = new double[classes];
        int parts = 2;                 // two halves of the rows (the split below is written for two)
        int[] bounds = new int[parts + 1];
        for (int part = 0; part <= parts; part++) {
            bounds[part] = (int) ((long) n * part / parts);
        }
        double[] z = new double[n * classes];      // logits, then p − onehot, row-major
        double[][] gb = new double[parts][classes];
        final double b1 = 0.9;
        final double b2 = 0.999;
        int u = cols.features.length;
        int[] split = new int[u];       // per column, its first entry in the second half of the rows
        for (int k = 0; k < u; k++) {
            split[k] = cols.firstAtOrAfter(k, bounds[1]);
        }
        for (int step = 1; step <= iterations; step++) {
            // the logits, each row's terms added in its features' ascending order (as a row-by-row pass adds them);
            // each half of the rows in one thread
            IntStream.range(0, parts).parallel().forEach(part -> {
                int from = bounds[part];
                int to = bounds[part + 1];
                for (int i = from; i < to; i++) {
                    System.arraycopy(b, 0, z, i * classes, classes);
                }
                for (int k = 0; k < u; k++) {
                    int base = cols.features[k] * classes;
                    int end = part == 0 ? split[k] : cols.start[k + 1];
                    for (int e = part == 0 ? cols.start[k] : split[k]; e < end; e++) {
                        double xv = cols.values[e];
                        int zi = cols.rows[e] * classes;
                        for (int c = 0; c < classes; c++) {
                            z[zi + c] += w[base + c] * xv;
                        }
                    }
                }
                double[] gbp = gb[part];
                Arrays.fill(gbp, 0);
                for (int i = from; i < to; i++) {
                    softmaxInPlace(z, i * classes, classes);
                    z[i * classes + y[i]] -= 1;        // d(cross-entropy)/d(logit) = p − onehot
                    for (int c = 0; c < classes; c++) {
                        gbp[c] += z[i * classes + c];
                    }
                }
            });
            double c1 = 1 - Math.pow(b1, step);
            double c2 = 1 - Math.pow(b2, step);
            // each feature's gradient as the sum over the first half of the rows plus the sum over the second, each in
            // row order, then its Adam step; the features split between two threads, which write disjoint entries
            IntStream.range(0, parts).parallel().forEach(part -> {
                double[] s0 = new double[classes];
                double[] s1 = new double[classes];
                int kFrom = (int) ((long) u * part / parts);
                int kTo = (int) ((long) u * (part + 1) / parts);
                for (int k = kFrom; k < kTo; k++) {
                    Arrays.fill(s0, 0);
                    Arrays.fill(s1, 0);
                    sumInto(s0, z, cols, cols.start[k], split[k], classes);
                    sumInto(s1, z, cols, split[k], cols.start[k + 1], classes);
                    int base = cols.features[k] * classes;
                    for (int c = 0; c < classes; c++) {
                        int j = base + c;
                        double grad = 0;
                        grad += s0[c];
                        grad += s1[c];
                        grad = grad / n + l2 * w[j];
                        if (grad == 0 && m[j] == 0 && v[j] == 0) {
                            continue;   // an entry that has never moved stays at zero
                        }
                        m[j] = b1 * m[j] + (1 - b1) * grad;
                        v[j] = b2 * v[j] + (1 - b2) * grad * grad;
                        w[j] -= rate * (m[j] / c1) / (Math.sqrt(v[j] / c2) + 1e-8);
                    }
                }
            });
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
        return new SparseSoftmaxRegression(dimension, classes, w, b);
    }

    /**
     * The rows by feature (compressed sparse columns) over the features some row uses, ascending: column k is feature
     * {@code features[k]}, its entries {@code start[k]} to {@code start[k + 1]} hold the rows that use it, ascending,
     * and their values. A pass over the columns reads the weights once, in order, and touches the rows' logits, which
     * are few enough to stay in cache; a pass over the rows reads a random weight per entry.
     */
    private record Columns(int[] features, int[] start, int[] rows, float[] values) {
        static Columns of(HashedNgrams.Sparse[] x, int dimension) {
            int[] count = new int[dimension];
            long nnz = 0;
            for (HashedNgrams.Sparse r : x) {
                int previous = -1;
                for (int j : r.index()) {
                    if (j < 0 || j >= dimension) {
                        throw new IllegalArgumentException("feature " + j + " outside a " + dimension + "-bucket model");
                    }
                    if (j <= previous) {
                        throw new IllegalArgumentException("a sparse row's features must be ascending and distinct: " + j + " after " + previous);
                    }
                    previous = j;
                    count[j]++;
                }
                nnz += r.size();
            }
            if (nnz > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(nnz + " non-zero features are too many for one fit");
            }
            int used = 0;
            for (int c : count) {
                used += c > 0 ? 1 : 0;
            }
            int[] features = new int[used];
            int[] start = new int[used + 1];
            int[] slot = new int[dimension];
            int k = 0;
            int at = 0;
            for (int j = 0; j < dimension; j++) {
                if (count[j] > 0) {
                    features[k] = j;
                    start[k] = at;
                    slot[j] = at;
                    at += count[j];
                    k++;
                }
            }
            start[used] = at;
            int[] rows = new int[at];
            float[] values = new float[at];
            for (int i = 0; i < x.length; i++) {
                int[] idx = x[i].index();
                float[] val = x[i].value();
                for (int e = 0; e < idx.length; e++) {
                    int s = slot[idx[e]]++;
                    rows[s] = i;
                    values[s] = val[e];
                }
            }
            return new Columns(features, start, rows, values);
        }

        /** The first entry of column k whose row is at least {@code row}. */
        int firstAtOrAfter(int k, int row) {
            int lo = start[k];
            int hi = start[k + 1];
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (rows[mid] < row) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }
    }

    /** s[c] += Σ over the column entries [from, to), in order, of z[row][c] · value. */
    private static void sumInto(double[] s, double[] z, Columns cols, int from, int to, int classes) {
        for (int e = from; e < to; e++) {
            double xv = cols.values[e];
            int zi = cols.rows[e] * classes;
            for (int c = 0; c < classes; c++) {
                s[c] += z[zi + c] * xv;
            }
        }
    }

    /** softmax over {@code z[off .. off + classes)}, in place (fitting and prediction share it). */
    private static void softmaxInPlace(double[] z, int off, int classes) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            max = Math.max(max, z[off + c]);
        }
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            z[off + c] = Math.exp(z[off + c] - max);
            sum += z[off + c];
        }
        for (int c = 0; c < classes; c++) {
            z[off + c] /= sum;
        }
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
        softmaxInPlace(out, 0, classes);
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
