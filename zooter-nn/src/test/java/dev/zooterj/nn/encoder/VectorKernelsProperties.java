package dev.zooterj.nn.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link VectorKernels} against a plain triple loop in double precision, for every shape class the kernel distinguishes
 * (row blocks of 4 and single rows; column panels of 3 vectors, single vectors and scalar columns), at offsets and
 * row strides larger than the matrices, with and without bias, from plain and packed B.
 */
class VectorKernelsProperties {

    @Property(tries = 300)
    void multiplyMatchesATripleLoop(@ForAll @IntRange(min = 1, max = 13) int m,
                                    @ForAll @IntRange(min = 1, max = 110) int n,
                                    @ForAll @IntRange(min = 1, max = 70) int k,
                                    @ForAll @IntRange(min = 0, max = 5) int pad,
                                    @ForAll boolean withBias,
                                    @ForAll long seed) {
        Random random = new Random(seed);
        int lda = k + pad;
        int ldb = n + pad;
        int ldc = n + 2 * pad;
        int aOff = pad;
        int bOff = 2 * pad;
        int cOff = 3 * pad;
        float[] a = randoms(random, aOff + m * lda);
        float[] b = randoms(random, bOff + k * ldb);
        float[] bias = withBias ? randoms(random, pad + n) : null;
        float[] c = randoms(random, cOff + m * ldc);   // garbage that must be overwritten, not added to
        float[] before = c.clone();
        VectorKernels.multiply(m, n, k, a, aOff, lda, b, bOff, ldb, bias, pad, c, cOff, ldc);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double expected = withBias ? bias[pad + j] : 0;
                for (int p = 0; p < k; p++) {
                    expected += (double) a[aOff + i * lda + p] * b[bOff + p * ldb + j];
                }
                assertEquals(expected, c[cOff + i * ldc + j], 1e-5 * (k + 1), "C[" + i + "," + j + "]");
            }
        }
        for (int idx = 0; idx < c.length; idx++) {   // nothing outside C's m × n block was written
            int rel = idx - cOff;
            boolean inside = rel >= 0 && rel / ldc < m && rel % ldc < n;
            if (!inside) {
                assertEquals(before[idx], c[idx], 0f, "element " + idx + " outside C");
            }
        }
    }

    @Property(tries = 200)
    void packedMultiplyMatchesThePlainOne(@ForAll @IntRange(min = 1, max = 13) int m,
                                          @ForAll @IntRange(min = 1, max = 160) int n,
                                          @ForAll @IntRange(min = 1, max = 70) int k,
                                          @ForAll boolean withBias,
                                          @ForAll long seed) {
        Random random = new Random(seed);
        float[] a = randoms(random, m * k);
        float[] b = randoms(random, k * n);
        float[] bias = withBias ? randoms(random, n) : null;
        float[] plain = new float[m * n];
        float[] packed = randoms(random, m * n);
        VectorKernels.multiply(m, n, k, a, 0, k, b, 0, n, bias, 0, plain, 0, n);
        VectorKernels.multiply(m, a, 0, k, VectorKernels.pack(b, k, n), bias, packed, 0, n);
        for (int i = 0; i < plain.length; i++) {
            assertEquals(plain[i], packed[i], 1e-6 * (k + 1), "element " + i);
        }
    }

    @Property(tries = 15)
    void largeProductsSplitAcrossTwoThreadsMatchTheSingleThreadedKernel(@ForAll @IntRange(min = 33, max = 90) int m,
                                                                       @ForAll @IntRange(min = 6, max = 20) int panels,
                                                                       @ForAll @IntRange(min = 0, max = 20) int extra,
                                                                       @ForAll long seed) {
        int n = panels * 3 * VectorKernels.L + extra;   // extra: columns past the last whole panel
        int k = 200;
        Random random = new Random(seed);
        float[] a = randoms(random, m * k);
        float[] b = randoms(random, k * n);
        float[] bias = randoms(random, n);
        assertTrue((long) m * n * k >= 1L << 20, "large enough to be split");
        float[] plain = new float[m * n];
        float[] split = new float[m * n];
        VectorKernels.multiply(m, n, k, a, 0, k, b, 0, n, bias, 0, plain, 0, n);
        VectorKernels.multiply(m, a, 0, k, VectorKernels.pack(b, k, n), bias, split, 0, n);
        assertArrayEquals(plain, split, 0f);   // the same kernel on the same columns: identical sums
    }

    @Property(tries = 200)
    void softmaxIsADistributionOfTheScaledScores(@ForAll @IntRange(min = 1, max = 70) int n,
                                                 @ForAll @IntRange(min = 0, max = 5) int off,
                                                 @ForAll long seed) {
        Random random = new Random(seed);
        float[] v = new float[off + n + 3];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (random.nextGaussian() * 20);
        }
        float[] before = v.clone();
        float scale = 0.17f;
        VectorKernels.softmax(v, off, n, scale);
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, before[off + i]);
        }
        double total = 0;
        for (int i = 0; i < n; i++) {
            total += Math.exp((before[off + i] - max) * scale);
        }
        for (int i = 0; i < n; i++) {
            assertEquals(Math.exp((before[off + i] - max) * scale) / total, v[off + i], 1e-6, "p[" + i + "]");
        }
        for (int i = 0; i < v.length; i++) {
            if (i < off || i >= off + n) {
                assertEquals(before[i], v[i], 0f, "element " + i + " outside the row");
            }
        }
    }

    @Property(tries = 200)
    void layerNormMatchesTheDefinition(@ForAll @IntRange(min = 1, max = 5) int n,
                                       @ForAll @IntRange(min = 1, max = 70) int h,
                                       @ForAll boolean withResidual,
                                       @ForAll long seed) {
        Random random = new Random(seed);
        float[] s = randoms(random, n * h);
        float[] residual = withResidual ? randoms(random, n * h) : null;
        float[] gain = randoms(random, h);
        float[] beta = randoms(random, h);
        float[] sum = s.clone();
        if (withResidual) {
            for (int i = 0; i < sum.length; i++) {
                sum[i] += residual[i];
            }
        }
        float[] out = withResidual ? residual : new float[n * h];   // out may be the residual, as in the encoder
        VectorKernels.layerNorm(s, residual, n, h, gain, beta, 1e-5, out);
        for (int r = 0; r < n; r++) {
            double mean = 0;
            for (int c = 0; c < h; c++) {
                mean += sum[r * h + c];
            }
            mean /= h;
            double variance = 0;
            for (int c = 0; c < h; c++) {
                variance += (sum[r * h + c] - mean) * (sum[r * h + c] - mean);
            }
            variance /= h;
            for (int c = 0; c < h; c++) {
                double expected = (sum[r * h + c] - mean) / Math.sqrt(variance + 1e-5) * gain[c] + beta[c];
                assertEquals(expected, out[r * h + c], 2e-5 * (1 + Math.abs(expected)), "row " + r + " column " + c);
                assertEquals(sum[r * h + c], s[r * h + c], 0f, "s holds s + residual");
            }
        }
    }

    private static float[] randoms(Random random, int size) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = random.nextFloat() * 2 - 1;
        }
        return v;
    }

    @Property
    void softmaxAndLaneSumsAreTheScalarFormulaBitForBit(@ForAll @IntRange(min = 1, max = 70) int n, @ForAll long seed) {
        // the same bits whatever the JIT has done: no Vector API EXP or reduceLanes, whose results vary by tier
        java.util.Random rnd = new java.util.Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextGaussian() * 4;
        }
        float scale = 0.125f;
        float max = Float.NEGATIVE_INFINITY;
        for (float x : v) {
            max = Math.max(max, x);
        }
        float[] expected = new float[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            expected[i] = (float) Math.exp((v[i] - max) * scale);
            sum += expected[i];
        }
        float inv = (float) (1 / sum);
        for (int i = 0; i < n; i++) {
            expected[i] *= inv;
        }
        float[] got = v.clone();
        VectorKernels.softmax(got, 0, n, scale);
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, got);
        float[] lanes = new float[VectorKernels.L];
        double seq = 0;
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = (float) rnd.nextGaussian();
            seq += lanes[i];
        }
        org.junit.jupiter.api.Assertions.assertEquals(seq,
                VectorKernels.laneSum(jdk.incubator.vector.FloatVector.fromArray(VectorKernels.S, lanes, 0)), 0.0);
    }
}
