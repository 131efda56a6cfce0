package dev.zooterj.nn.encoder;

import java.nio.FloatBuffer;

import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The element-wise steps of the BERT forward pass fused into single passes, as Java loops over a host copy of the
 * activations: bias + query scaling, bias + GELU, and residual + bias + layer norm.
 *
 * <p>Why: an ND4J element-wise call costs 10-100 µs however small its input, and libnd4j's {@code erf} runs at
 * about 5 ns per element. Done as ND4J calls these steps took more than half of a MiniLM forward pass on 2
 * cores; fused here they take a few percent. The matmuls stay in ND4J.
 *
 * <p>Backend-neutral: data is read through {@code DataBuffer.asNioFloat()} (which brings device data to the
 * host) and written back with its host copy tagged as current, so a GPU backend stays correct (if slower).
 * Each instance owns scratch space; use one per forward pass (not thread-safe).
 */
final class FusedOps {

    private static final float INV_SQRT2 = 0.70710677f;

    private final float[][] matrices = {new float[0], new float[0]};   // scratch for activations
    private final float[][] vectors = {new float[0], new float[0], new float[0]};   // scratch for parameters

    /** x[r, c] = (x[r, c] + bias[c]) · (c < scaledColumns ? scale : 1). */
    void addBiasAndScale(INDArray x, INDArray bias, int scaledColumns, float scale) {
        int cols = x.columns();
        int n = (int) x.length();
        float[] v = read(x, 0);
        float[] biasValues = vector(bias, 0);
        for (int row = 0; row < n; row += cols) {
            addRow(v, row, biasValues, cols);
            scaleRow(v, row, scale, scaledColumns);
        }
        write(v, x);
    }

    /** x = GELU(x + bias) with the exact (erf) GELU, erf to within 3e-7 (Abramowitz & Stegun 7.1.28). */
    void addBiasGelu(INDArray x, INDArray bias) {
        int cols = x.columns();
        int n = (int) x.length();
        float[] v = read(x, 0);
        float[] biasValues = vector(bias, 0);
        for (int row = 0; row < n; row += cols) {
            addRow(v, row, biasValues, cols);
        }
        for (int i = 0; i < n; i++) {   // a flat loop of its own: the JIT vectorises it
            v[i] = gelu(v[i]);
        }
        write(v, x);
    }

    /**
     * GELU(x) = x·(1 + erf(x/√2))/2 = (x + |x|·erf(|x|/√2))/2, with 1 - erf(z) = 1/(1 + a1 z + ... + a6 z⁶)¹⁶
     * for z ≥ 0 (A&S 7.1.28). Branch-free, so the JIT vectorises it.
     */
    static float gelu(float x) {
        float ax = Math.abs(x);
        float z = ax * INV_SQRT2;
        float p = 1 + z * (0.0705230784f + z * (0.0422820123f + z * (0.0092705272f
                + z * (0.0001520143f + z * (0.0002765672f + z * 0.0000430638f)))));
        p *= p;
        p *= p;
        p *= p;
        p *= p;
        return 0.5f * (x + ax * (1 - 1 / p));
    }

    /** out = LayerNorm(x + residual + bias) over each row: (s - mean)/sqrt(var + eps)·gain + beta. */
    void addLayerNorm(INDArray x, INDArray residual, INDArray bias, INDArray gain, INDArray beta, double eps,
                      INDArray out) {
        int cols = x.columns();
        int n = (int) x.length();
        float[] s = read(x, 0);
        float[] r = read(residual, 1);
        float[] biasValues = vector(bias, 0);
        float[] gainValues = vector(gain, 1);
        float[] betaValues = vector(beta, 2);
        for (int row = 0; row < n; row += cols) {
            addRows(s, r, row, biasValues, cols);
            float mean = mean(s, row, cols);
            float inv = (float) (1 / Math.sqrt(meanSquaredDeviation(s, row, cols, mean) + eps));
            normalizeRow(s, row, cols, mean, inv, gainValues, betaValues);
        }
        write(s, out);
    }

    // Row loops, each a simple counted loop the JIT can vectorise (a fused loop body defeats it).

    private static void addRow(float[] v, int off, float[] b, int cols) {
        for (int c = 0; c < cols; c++) {
            v[off + c] += b[c];
        }
    }

    private static void scaleRow(float[] v, int off, float scale, int cols) {
        for (int c = 0; c < cols; c++) {
            v[off + c] *= scale;
        }
    }

    private static void addRows(float[] v, float[] r, int off, float[] b, int cols) {
        for (int c = 0; c < cols; c++) {
            v[off + c] += r[off + c] + b[c];
        }
    }

    /** Four independent sums, so the adds pipeline instead of waiting on each other. */
    private static float mean(float[] v, int off, int cols) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int c = 0;
        for (; c + 3 < cols; c += 4) {
            s0 += v[off + c];
            s1 += v[off + c + 1];
            s2 += v[off + c + 2];
            s3 += v[off + c + 3];
        }
        for (; c < cols; c++) {
            s0 += v[off + c];
        }
        return (float) ((s0 + s1 + s2 + s3) / cols);
    }

    private static double meanSquaredDeviation(float[] v, int off, int cols, float mean) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int c = 0;
        for (; c + 3 < cols; c += 4) {
            float d0 = v[off + c] - mean;
            float d1 = v[off + c + 1] - mean;
            float d2 = v[off + c + 2] - mean;
            float d3 = v[off + c + 3] - mean;
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; c < cols; c++) {
            float d = v[off + c] - mean;
            s0 += d * d;
        }
        return (s0 + s1 + s2 + s3) / cols;
    }

    private static void normalizeRow(float[] v, int off, int cols, float mean, float inv, float[] gain, float[] beta) {
        for (int c = 0; c < cols; c++) {
            v[off + c] = (v[off + c] - mean) * inv * gain[c] + beta[c];
        }
    }

    /** The values of a whole 'c'-ordered array, in scratch space {@code slot}. */
    private float[] read(INDArray x, int slot) {
        requireWhole(x);
        int n = (int) x.length();
        float[] v = matrices[slot] = grow(matrices[slot], n);
        FloatBuffer host = x.data().asNioFloat();   // synchronises device data to the host
        host.get(host.position(), v, 0, n);
        return v;
    }

    /** A parameter vector, in scratch slot {@code slot}. (toFloatVector() costs 15-25 µs; a bulk read 0.5.) */
    private float[] vector(INDArray v, int slot) {
        if (v.isView() || !v.isVector()) {
            return v.toFloatVector();
        }
        int n = (int) v.length();
        float[] values = vectors[slot] = grow(vectors[slot], n);
        FloatBuffer host = v.data().asNioFloat();
        host.get(host.position(), values, 0, n);
        return values;
    }

    private static void write(float[] v, INDArray x) {
        requireWhole(x);
        FloatBuffer host = x.data().asNioFloat();
        host.put(host.position(), v, 0, (int) x.length());
        Nd4j.getAffinityManager().tagLocation(x, AffinityManager.Location.HOST);
    }

    private static float[] grow(float[] v, int n) {
        return v.length >= n ? v : new float[n];
    }

    private static void requireWhole(INDArray x) {
        if (x.isView() || x.ordering() != 'c' || !Shape.hasDefaultStridesForShape(x)
                || x.data().length() < x.length()) {
            throw new IllegalArgumentException("fused ops need a whole 'c'-ordered array, got a view of shape "
                    + java.util.Arrays.toString(x.shape()));
        }
    }
}
