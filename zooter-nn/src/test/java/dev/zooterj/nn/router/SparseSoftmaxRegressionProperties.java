package dev.zooterj.nn.router;

import dev.zooterj.data.tags.HashedNgrams;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The column-wise fit of {@link SparseSoftmaxRegression} against the plain row-by-row full-batch Adam it replaced
 * (kept below as the definition): the same weights and biases to the bit, on random sparse data.
 */
class SparseSoftmaxRegressionProperties {

    @Property(tries = 60)
    void theColumnWiseFitEqualsTheRowByRowDefinitionToTheBit(@ForAll @IntRange(min = 1, max = 40) int rows,
                                                             @ForAll @IntRange(min = 1, max = 5) int classes,
                                                             @ForAll @IntRange(min = 1, max = 12) int iterations,
                                                             @ForAll long seed) {
        int dimension = 64;
        Random random = new Random(seed);
        HashedNgrams.Sparse[] x = randomRows(random, rows, dimension);
        int[] y = random.ints(rows, 0, classes).toArray();
        double l2 = random.nextBoolean() ? 0 : 1e-3;
        SparseSoftmaxRegression fast = SparseSoftmaxRegression.fit(x, y, dimension, classes, l2, iterations, 0.05);
        double[][] reference = rowByRow(x, y, dimension, classes, l2, iterations, 0.05);
        assertArrayEquals(reference[0], fast.weights());
        assertArrayEquals(reference[1], fast.bias());
    }

    @Test
    void learnsASeparableProblemAndLeavesUnusedFeaturesAtZero() {
        // class 0 uses feature 1, class 1 feature 2; feature 3 is in no row
        HashedNgrams.Sparse a = new HashedNgrams.Sparse(new int[]{1}, new float[]{1});
        HashedNgrams.Sparse b = new HashedNgrams.Sparse(new int[]{2}, new float[]{1});
        HashedNgrams.Sparse[] x = {a, b, a, b};
        SparseSoftmaxRegression m = SparseSoftmaxRegression.fit(x, new int[]{0, 1, 0, 1}, 4, 2, 0, 200, 0.05);
        assertTrue(m.probabilities(a)[0] > 0.95, Arrays.toString(m.probabilities(a)));
        assertTrue(m.probabilities(b)[1] > 0.95, Arrays.toString(m.probabilities(b)));
        double[] w = m.weights();
        assertEquals(0, w[3 * 2]);
        assertEquals(0, w[3 * 2 + 1]);
    }

    @Test
    void rejectsFeaturesOutsideTheModelOrOutOfOrder() {
        HashedNgrams.Sparse outside = new HashedNgrams.Sparse(new int[]{8}, new float[]{1});
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> SparseSoftmaxRegression.fit(new HashedNgrams.Sparse[]{outside}, new int[]{0}, 8, 2, 0, 1, 0.05))
                .getMessage().contains("outside a 8-bucket model"));
        HashedNgrams.Sparse unsorted = new HashedNgrams.Sparse(new int[]{3, 1}, new float[]{1, 1});
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> SparseSoftmaxRegression.fit(new HashedNgrams.Sparse[]{unsorted}, new int[]{0}, 8, 2, 0, 1, 0.05))
                .getMessage().contains("ascending and distinct"));
    }

    private static HashedNgrams.Sparse[] randomRows(Random random, int rows, int dimension) {
        HashedNgrams.Sparse[] x = new HashedNgrams.Sparse[rows];
        for (int i = 0; i < rows; i++) {
            int[] idx = random.ints(random.nextInt(12), 0, dimension).distinct().sorted().toArray();
            float[] val = new float[idx.length];
            for (int k = 0; k < val.length; k++) {
                val[k] = (float) random.nextGaussian();
            }
            x[i] = new HashedNgrams.Sparse(idx, val);
        }
        return x;
    }

    /** logits → softmax in place, given their maximum: exp(z − max), then divided by their sum (both references). */
    static void normalise(double[] p, double max) {
        double sum = 0;
        for (int c = 0; c < p.length; c++) {
            p[c] = Math.exp(p[c] - max);
            sum += p[c];
        }
        for (int c = 0; c < p.length; c++) {
            p[c] /= sum;
        }
    }

    /** The definition: full-batch Adam, the gradient summed over two halves of the rows, row by row. {weights, bias}. */
    private static double[][] rowByRow(HashedNgrams.Sparse[] x, int[] y, int dimension, int classes, double l2, int iterations,
                                       double rate) {
        int n = x.length;
        double[] w = new double[dimension * classes];
        double[] b = new double[classes];
        double[] m = new double[w.length];
        double[] v = new double[w.length];
        double[] mb = new double[classes];
        double[] vb = new double[classes];
        int[] used = Arrays.stream(x).flatMapToInt(r -> Arrays.stream(r.index())).distinct().sorted().toArray();
        int parts = 2;
        double[][] g = new double[parts][w.length];
        double[][] gb = new double[parts][classes];
        for (int step = 1; step <= iterations; step++) {
            for (int part = 0; part < parts; part++) {
                Arrays.fill(g[part], 0);
                Arrays.fill(gb[part], 0);
                double[] p = new double[classes];
                for (int i = n * part / parts; i < n * (part + 1) / parts; i++) {
                    System.arraycopy(b, 0, p, 0, classes);
                    int[] idx = x[i].index();
                    float[] val = x[i].value();
                    for (int k = 0; k < idx.length; k++) {
                        for (int c = 0; c < classes; c++) {
                            p[c] += w[idx[k] * classes + c] * (double) val[k];
                        }
                    }
                    double max = Double.NEGATIVE_INFINITY;
                    for (double z : p) {
                        max = Math.max(max, z);
                    }
                    normalise(p, max);
                    p[y[i]] -= 1;
                    for (int k = 0; k < idx.length; k++) {
                        for (int c = 0; c < classes; c++) {
                            g[part][idx[k] * classes + c] += p[c] * (double) val[k];
                        }
                    }
                    for (int c = 0; c < classes; c++) {
                        gb[part][c] += p[c];
                    }
                }
            }
            double c1 = 1 - Math.pow(0.9, step);
            double c2 = 1 - Math.pow(0.999, step);
            for (int f : used) {
                for (int j = f * classes; j < (f + 1) * classes; j++) {
                    double grad = 0;
                    for (int part = 0; part < parts; part++) {
                        grad += g[part][j];
                    }
                    grad = grad / n + l2 * w[j];
                    if (grad == 0 && m[j] == 0 && v[j] == 0) {
                        continue;
                    }
                    m[j] = 0.9 * m[j] + (1 - 0.9) * grad;
                    v[j] = 0.999 * v[j] + (1 - 0.999) * grad * grad;
                    w[j] -= rate * (m[j] / c1) / (Math.sqrt(v[j] / c2) + 1e-8);
                }
            }
            for (int c = 0; c < classes; c++) {
                double grad = 0;
                for (int part = 0; part < parts; part++) {
                    grad += gb[part][c];
                }
                grad /= n;
                mb[c] = 0.9 * mb[c] + (1 - 0.9) * grad;
                vb[c] = 0.999 * vb[c] + (1 - 0.999) * grad * grad;
                b[c] -= rate * (mb[c] / c1) / (Math.sqrt(vb[c] / c2) + 1e-8);
            }
        }
        return new double[][]{w, b};
    }

}
