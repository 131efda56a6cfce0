package dev.zooterj.nn.router;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The two-thread fit of {@link SoftmaxRegression} against a plain single-threaded row-by-row full-batch Adam (the
 * definition, below): the same weights to the bit, on random data.
 */
class SoftmaxRegressionProperties {

    @Property(tries = 40)
    void theTwoThreadFitEqualsTheRowByRowDefinitionToTheBit(@ForAll @IntRange(min = 1, max = 30) int rows,
                                                            @ForAll @IntRange(min = 1, max = 5) int classes,
                                                            @ForAll @IntRange(min = 1, max = 8) int dimension,
                                                            @ForAll @IntRange(min = 1, max = 10) int iterations,
                                                            @ForAll long seed) {
        Random random = new Random(seed);
        float[][] x = new float[rows][dimension];
        for (float[] row : x) {
            for (int j = 0; j < dimension; j++) {
                row[j] = (float) random.nextGaussian();
            }
        }
        int[] y = random.ints(rows, 0, classes).toArray();
        double l2 = random.nextBoolean() ? 0 : 1e-3;
        double[][] fast = SoftmaxRegression.fit(x, y, classes, l2, iterations, 0.05).weights();
        double[][] reference = rowByRow(x, y, classes, l2, iterations, 0.05);
        for (int c = 0; c < classes; c++) {
            assertArrayEquals(reference[c], fast[c], "class " + c);
        }
    }

    /** The definition: standardise, full-batch Adam with the gradient summed row by row, fold the scaling back. */
    private static double[][] rowByRow(float[][] x, int[] y, int classes, double l2, int iterations, double rate) {
        int n = x.length;
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
        double[][] w = new double[classes][d + 1];
        double[][] m = new double[classes][d + 1];
        double[][] v = new double[classes][d + 1];
        double[][] g = new double[classes][d + 1];
        double[] p = new double[classes];
        for (int step = 1; step <= iterations; step++) {
            for (double[] row : g) {
                Arrays.fill(row, 0);
            }
            for (int i = 0; i < n; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) {
                    double s = w[c][d];
                    for (int j = 0; j < d; j++) {
                        s += w[c][j] * z[i][j];
                    }
                    p[c] = s;
                    max = Math.max(max, s);
                }
                SparseSoftmaxRegressionProperties.normalise(p, max);
                p[y[i]] -= 1;
                for (int c = 0; c < classes; c++) {
                    if (p[c] == 0) {
                        continue;
                    }
                    for (int j = 0; j < d; j++) {
                        g[c][j] += p[c] * z[i][j];
                    }
                    g[c][d] += p[c];
                }
            }
            double c1 = 1 - Math.pow(0.9, step);
            double c2 = 1 - Math.pow(0.999, step);
            for (int c = 0; c < classes; c++) {
                for (int j = 0; j <= d; j++) {
                    double grad = g[c][j] / n + (j < d ? l2 * w[c][j] : 0);
                    m[c][j] = 0.9 * m[c][j] + (1 - 0.9) * grad;
                    v[c][j] = 0.999 * v[c][j] + (1 - 0.999) * grad * grad;
                    w[c][j] -= rate * (m[c][j] / c1) / (Math.sqrt(v[c][j] / c2) + 1e-8);
                }
            }
        }
        for (double[] wc : w) {
            for (int j = 0; j < d; j++) {
                wc[j] /= sd[j];
                wc[d] -= wc[j] * mean[j];
            }
        }
        return w;
    }
}
