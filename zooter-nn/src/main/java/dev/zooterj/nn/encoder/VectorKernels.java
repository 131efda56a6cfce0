package dev.zooterj.nn.encoder;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision kernels on Java arrays with the JDK's Vector API ({@code jdk.incubator.vector}) for the encoder's
 * inference path ({@link VectorBertInference}): matrix products, softmax and layer norm. Only touch this class after
 * {@link VectorSupport#available()} said yes: loading it without the module fails. Vectors are the CPU's preferred
 * width (16 floats with AVX-512, 8 with AVX2).
 *
 * <p>The matmul kernel keeps a 4 × 3-vector block of C in registers (12 accumulators: fits the 16 registers of AVX2
 * as well as AVX-512's 32) and walks k, broadcasting one element of A per row and loading three vectors of B's row
 * k. Column blocks are the outer loop, so one block of B (k × 3 vectors) is read from memory once and reused from
 * cache for every row block. Weights are {@link #pack packed} once so that this block is contiguous. Measured on
 * this machine's AVX-512 core (one thread): 126-134 GFLOP/s for the four projection matmuls of a MiniLM layer at
 * 16-64 rows with B unpacked and in cache; in the whole forward pass, with 42 MB of weights streamed from memory,
 * 78 GFLOP/s unpacked and 133 GFLOP/s packed (docs/results/encoder).
 *
 * <p>Sums run in a different order than a BLAS, so results differ from ND4J's in the last bits (~1e-6 relative).
 */
final class VectorKernels {

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    private VectorKernels() {
    }

    /**
     * C = A·B (+ bias broadcast over rows when {@code bias != null}); A is m × k, B is k × n, C is m × n, all
     * row-major at the given offsets and leading dimensions (row strides). C's previous content is overwritten.
     */
    static void multiply(int m, int n, int k,
                         float[] a, int aOff, int lda,
                         float[] b, int bOff, int ldb,
                         float[] bias, int biasOff,
                         float[] c, int cOff, int ldc) {
        int j = 0;
        for (; j + 3 * L <= n; j += 3 * L) {
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                block4x3(k, a, aOff + i * lda, lda, b, bOff + j, ldb, bias, biasOff + j, c, cOff + i * ldc + j, ldc);
            }
            for (; i < m; i++) {
                block1x3(k, a, aOff + i * lda, b, bOff + j, ldb, bias, biasOff + j, c, cOff + i * ldc + j);
            }
        }
        for (; j + L <= n; j += L) {
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                block4x1(k, a, aOff + i * lda, lda, b, bOff + j, ldb, bias, biasOff + j, c, cOff + i * ldc + j, ldc);
            }
            for (; i < m; i++) {
                block1x1(k, a, aOff + i * lda, b, bOff + j, ldb, bias, biasOff + j, c, cOff + i * ldc + j);
            }
        }
        for (; j < n; j++) {   // columns left over when n is not a multiple of the vector length
            for (int i = 0; i < m; i++) {
                float s = bias == null ? 0f : bias[biasOff + j];
                int ai = aOff + i * lda;
                for (int p = 0, bp = bOff + j; p < k; p++, bp += ldb) {
                    s += a[ai + p] * b[bp];
                }
                c[cOff + i * ldc + j] = s;
            }
        }
    }

    /**
     * A right-hand matrix B [k, n] packed once for {@link #multiply(int, float[], int, int, Packed, float[], float[],
     * int, int)}: its columns in panels of 3 vectors, each panel's k rows contiguous, so the kernel streams every
     * panel sequentially (the hardware prefetcher's best case) instead of striding through B by its row length.
     * Columns past the last whole panel stay in {@code rest}, a copy of B (null when there are none).
     */
    static final class Packed {
        final int k;
        final int n;
        final int panels;
        final float[] data;
        final float[] rest;

        private Packed(int k, int n, int panels, float[] data, float[] rest) {
            this.k = k;
            this.n = n;
            this.panels = panels;
            this.data = data;
            this.rest = rest;
        }
    }

    /** Packs row-major B [k, n]. */
    static Packed pack(float[] b, int k, int n) {
        int w = 3 * L;
        int panels = n / w;
        float[] data = new float[panels * k * w];
        for (int p = 0; p < panels; p++) {
            for (int row = 0; row < k; row++) {
                System.arraycopy(b, row * n + p * w, data, (p * k + row) * w, w);
            }
        }
        return new Packed(k, n, panels, data, panels * w == n ? null : b.clone());
    }

    /** C = A·B (+ bias) as {@link #multiply(int, int, int, float[], int, int, float[], int, int, float[], int, float[], int, int)}, B packed. */
    static void multiply(int m, float[] a, int aOff, int lda, Packed b, float[] bias, float[] c, int cOff, int ldc) {
        int half = b.panels / 2;
        if (half > 0 && (long) m * b.n * b.k >= SPLIT_MACS && HelperThread.enabled()) {
            HelperThread.both(() -> panels(m, a, aOff, lda, b, bias, c, cOff, ldc, 0, half),
                    () -> panels(m, a, aOff, lda, b, bias, c, cOff, ldc, half, b.panels));
        } else {
            panels(m, a, aOff, lda, b, bias, c, cOff, ldc, 0, b.panels);
        }
        int done = b.panels * 3 * L;
        if (done < b.n) {
            multiply(m, b.n - done, b.k, a, aOff, lda, b.rest, done, b.n, bias, done, c, cOff + done, ldc);
        }
    }

    /** Multiply-adds below this many (about 8 µs of work) run on one thread: splitting would cost more. */
    private static final long SPLIT_MACS = 1L << 20;

    /** Panels [from, to) of a packed product. */
    private static void panels(int m, float[] a, int aOff, int lda, Packed b, float[] bias, float[] c, int cOff,
                               int ldc, int from, int to) {
        int w = 3 * L;
        int k = b.k;
        for (int p = from; p < to; p++) {
            int j = p * w;
            int bp = p * k * w;
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                block4x3(k, a, aOff + i * lda, lda, b.data, bp, w, bias, j, c, cOff + i * ldc + j, ldc);
            }
            for (; i < m; i++) {
                block1x3(k, a, aOff + i * lda, b.data, bp, w, bias, j, c, cOff + i * ldc + j);
            }
        }
    }

    private static FloatVector start(float[] bias, int off) {
        return bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, off);
    }

    private static void block4x3(int k, float[] a, int a0, int lda, float[] b, int bp, int ldb,
                                 float[] bias, int biasOff, float[] c, int co, int ldc) {
        FloatVector c00 = start(bias, biasOff);
        FloatVector c01 = start(bias, biasOff + L);
        FloatVector c02 = start(bias, biasOff + 2 * L);
        FloatVector c10 = c00;
        FloatVector c11 = c01;
        FloatVector c12 = c02;
        FloatVector c20 = c00;
        FloatVector c21 = c01;
        FloatVector c22 = c02;
        FloatVector c30 = c00;
        FloatVector c31 = c01;
        FloatVector c32 = c02;
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        for (int p = 0; p < k; p++, bp += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bp + 2 * L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            x = FloatVector.broadcast(S, a[a1 + p]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            x = FloatVector.broadcast(S, a[a2 + p]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            x = FloatVector.broadcast(S, a[a3 + p]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + L);
        c02.intoArray(c, co + 2 * L);
        co += ldc;
        c10.intoArray(c, co);
        c11.intoArray(c, co + L);
        c12.intoArray(c, co + 2 * L);
        co += ldc;
        c20.intoArray(c, co);
        c21.intoArray(c, co + L);
        c22.intoArray(c, co + 2 * L);
        co += ldc;
        c30.intoArray(c, co);
        c31.intoArray(c, co + L);
        c32.intoArray(c, co + 2 * L);
    }

    private static void block1x3(int k, float[] a, int a0, float[] b, int bp, int ldb,
                                 float[] bias, int biasOff, float[] c, int co) {
        FloatVector c00 = start(bias, biasOff);
        FloatVector c01 = start(bias, biasOff + L);
        FloatVector c02 = start(bias, biasOff + 2 * L);
        for (int p = 0; p < k; p++, bp += ldb) {
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            c00 = x.fma(FloatVector.fromArray(S, b, bp), c00);
            c01 = x.fma(FloatVector.fromArray(S, b, bp + L), c01);
            c02 = x.fma(FloatVector.fromArray(S, b, bp + 2 * L), c02);
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + L);
        c02.intoArray(c, co + 2 * L);
    }

    private static void block4x1(int k, float[] a, int a0, int lda, float[] b, int bp, int ldb,
                                 float[] bias, int biasOff, float[] c, int co, int ldc) {
        FloatVector c0 = start(bias, biasOff);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        for (int p = 0; p < k; p++, bp += ldb) {
            FloatVector v = FloatVector.fromArray(S, b, bp);
            c0 = FloatVector.broadcast(S, a[a0 + p]).fma(v, c0);
            c1 = FloatVector.broadcast(S, a[a1 + p]).fma(v, c1);
            c2 = FloatVector.broadcast(S, a[a2 + p]).fma(v, c2);
            c3 = FloatVector.broadcast(S, a[a3 + p]).fma(v, c3);
        }
        c0.intoArray(c, co);
        c1.intoArray(c, co + ldc);
        c2.intoArray(c, co + 2 * ldc);
        c3.intoArray(c, co + 3 * ldc);
    }

    private static void block1x1(int k, float[] a, int a0, float[] b, int bp, int ldb,
                                 float[] bias, int biasOff, float[] c, int co) {
        FloatVector c0 = start(bias, biasOff);
        for (int p = 0; p < k; p++, bp += ldb) {
            c0 = FloatVector.broadcast(S, a[a0 + p]).fma(FloatVector.fromArray(S, b, bp), c0);
        }
        c0.intoArray(c, co);
    }

    /**
     * Softmax of {@code scale·v[off .. off + n)} in place: exp(scale·(v - max)) / sum, with {@link Math#exp} and the sum in
     * index order, so the result is the same bits in every JIT tier.
     */
    static void softmax(float[] v, int off, int n, float scale) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, v[off + i]);
        }
        // Math.exp per element, summed in index order: the Vector API's EXP and reduceLanes(ADD) give other last bits
        // once C2 intrinsifies them than in the interpreter, so the same text embedded early and late in one JVM (or in
        // two JVMs) would differ; Math.exp is the same in every tier.
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp((v[off + i] - max) * scale);
            v[off + i] = e;
            sum += e;
        }
        float inv = (float) (1 / sum);
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector.fromArray(S, v, off + i).mul(inv).intoArray(v, off + i);
        }
        for (; i < n; i++) {
            v[off + i] *= inv;
        }
    }

    /**
     * The lanes' sum in lane order. {@code reduceLanes(ADD)} leaves the order to the implementation, and the
     * interpreter's and C2's orders differ, which would make an embedding depend on how warm the JVM is.
     */
    static double laneSum(FloatVector v) {
        float[] lanes = new float[L];
        v.intoArray(lanes, 0);
        double s = 0;
        for (float x : lanes) {
            s += x;
        }
        return s;
    }

    /**
     * out[r] = LayerNorm(s[r] + residual[r]) · gain + beta over each of the n rows of width h (row-major, from 0);
     * s is overwritten with s + residual; {@code residual} may be null; out may be residual (not s).
     */
    static void layerNorm(float[] s, float[] residual, int n, int h, float[] gain, float[] beta, double eps,
                          float[] out) {
        int whole = h - h % L;
        for (int off = 0; off < n * h; off += h) {
            FloatVector sums = FloatVector.zero(S);
            int c = 0;
            for (; c < whole; c += L) {
                FloatVector v = FloatVector.fromArray(S, s, off + c);
                if (residual != null) {
                    v = v.add(FloatVector.fromArray(S, residual, off + c));
                    v.intoArray(s, off + c);
                }
                sums = sums.add(v);
            }
            double total = laneSum(sums);
            for (; c < h; c++) {
                if (residual != null) {
                    s[off + c] += residual[off + c];
                }
                total += s[off + c];
            }
            float mean = (float) (total / h);
            FloatVector squares = FloatVector.zero(S);
            for (c = 0; c < whole; c += L) {
                FloatVector d = FloatVector.fromArray(S, s, off + c).sub(mean);
                squares = d.fma(d, squares);
            }
            double variance = laneSum(squares);
            for (; c < h; c++) {
                float d = s[off + c] - mean;
                variance += d * d;
            }
            float inv = (float) (1 / Math.sqrt(variance / h + eps));
            for (c = 0; c < whole; c += L) {
                FloatVector.fromArray(S, s, off + c).sub(mean).mul(inv)
                        .fma(FloatVector.fromArray(S, gain, c), FloatVector.fromArray(S, beta, c))
                        .intoArray(out, off + c);
            }
            for (; c < h; c++) {
                out[off + c] = (s[off + c] - mean) * inv * gain[c] + beta[c];
            }
        }
    }
}
