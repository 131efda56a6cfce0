package dev.zooterj.nn.encoder;

import java.nio.FloatBuffer;
import java.util.Map;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The BERT forward pass for inference in plain Java on the JDK's Vector API: same weights and same numbers (to
 * ~1e-6) as {@link BertInference} and {@link BertGraph}. Routing one AlpacaEval instruction (JMH, p50, 2 cores):
 * 3.2 ms against 14.4 ms on the ND4J path and 3.3 ms in ONNX Runtime (docs/results/encoder).
 *
 * <p>Why: at 1 query × 16-128 tokens the ND4J path spends most of its time in per-call overhead (each native call
 * costs 10-100 µs) and in OpenBLAS kernels that reach 33-45 GFLOP/s at these shapes. Here the whole forward pass
 * runs on Java arrays with no native call: the projections are {@link VectorKernels} matmuls over weights packed
 * once (133 GFLOP/s per core on this machine's AVX-512; 8-lane vectors on AVX2 CPUs), layer norm and softmax are
 * vectorised, GELU is a loop the JIT vectorises, and attention runs per text with no padding at all (the batch is
 * packed as in {@link PackedBatch}).
 *
 * <p><b>Weights are copied once</b>, into Java arrays, when this object is built (about 45 MB for MiniLM; the word
 * embeddings are not copied but read row by row from the live array). It does not see later changes to the weight
 * arrays: {@link BertEncoder} drops it as soon as a trainable graph is built over its weights. Thread-safe (every
 * call allocates its own activations). Threads: the calling thread, plus the {@link HelperThread} for half of each
 * large matmul when it is free.
 */
final class VectorBertInference {

    private final BertConfig config;
    private final INDArray wordEmbeddings;   // live [V, H]
    private final float[] positions;          // [P·H]
    private final float[] tokenType0;         // [H]
    private final float[] embeddingsGain;
    private final float[] embeddingsBias;
    private final LayerWeights[] layers;

    private record LayerWeights(VectorKernels.Packed qkv, float[] qkvBias, VectorKernels.Packed out, float[] outBias,
                                float[] attentionGain, float[] attentionBias, VectorKernels.Packed up, float[] upBias,
                                VectorKernels.Packed down, float[] downBias, float[] ffnGain, float[] ffnBias) {
    }

    VectorBertInference(BertConfig config, Map<String, INDArray> weights) {
        BertParameters.checkShapes(config, weights);
        this.config = config;
        this.wordEmbeddings = weights.get(BertParameters.WORD_EMBEDDINGS);
        this.positions = copy(weights.get(BertParameters.POSITION_EMBEDDINGS));
        this.tokenType0 = copy(weights.get(BertParameters.TOKEN_TYPE_EMBEDDINGS).getRow(0));
        this.embeddingsGain = copy(weights.get(BertParameters.EMBEDDINGS_NORM_GAIN));
        this.embeddingsBias = copy(weights.get(BertParameters.EMBEDDINGS_NORM_BIAS));
        this.layers = new LayerWeights[config.layers()];
        for (int l = 0; l < config.layers(); l++) {
            BertParameters.Layer p = BertParameters.layer(l);
            layers[l] = new LayerWeights(pack(weights.get(p.qkvWeight())), copy(weights.get(p.qkvBias())),
                    pack(weights.get(p.attentionOutWeight())), copy(weights.get(p.attentionOutBias())),
                    copy(weights.get(p.attentionNormGain())), copy(weights.get(p.attentionNormBias())),
                    pack(weights.get(p.upWeight())), copy(weights.get(p.upBias())),
                    pack(weights.get(p.downWeight())), copy(weights.get(p.downBias())),
                    copy(weights.get(p.ffnNormGain())), copy(weights.get(p.ffnNormBias())));
        }
    }

    /** Pooled embeddings [B, H] of a padded batch. */
    INDArray encode(int[][] ids, int[][] mask, Pooling pooling) {
        EncoderInputs.check(ids, mask, config);
        PackedBatch batch = PackedBatch.of(ids, mask);
        int n = batch.tokens();
        int h = config.hidden();
        if (n == 0) {
            return Nd4j.zeros(DataType.FLOAT, ids.length, h);
        }
        float[] x = new float[n * h];
        float[] sum = new float[n * h];
        float[] qkv = new float[n * 3 * h];
        float[] context = new float[n * h];
        float[] up = new float[n * config.intermediate()];
        Attention attention = new Attention(batch);
        embeddings(batch, x, sum);
        for (LayerWeights w : layers) {
            layer(w, n, x, sum, qkv, context, up, attention);
        }
        return Nd4j.create(pool(batch, x, pooling), new long[] {ids.length, h}, 'c');
    }

    /** x = LN(word + position + token type 0). */
    private void embeddings(PackedBatch batch, float[] x, float[] scratch) {
        int h = config.hidden();
        int n = batch.tokens();
        FloatBuffer words = hostData(wordEmbeddings);
        int base = words.position();
        for (int r = 0; r < n; r++) {
            words.get(base + batch.tokenId(r) * h, scratch, r * h, h);
            int pos = batch.position(r) * h;
            for (int c = 0; c < h; c++) {
                scratch[r * h + c] += positions[pos + c] + tokenType0[c];
            }
        }
        layerNorm(scratch, null, n, embeddingsGain, embeddingsBias, x);
    }

    /** x = LN(x + attention(x)); x = LN(x + ffn(x)). */
    private void layer(LayerWeights w, int n, float[] x, float[] sum, float[] qkv, float[] context, float[] up,
                       Attention attention) {
        int h = config.hidden();
        int inter = config.intermediate();
        VectorKernels.multiply(n, x, 0, h, w.qkv(), w.qkvBias(), qkv, 0, 3 * h);
        attention.apply(qkv, context);
        VectorKernels.multiply(n, context, 0, h, w.out(), w.outBias(), sum, 0, h);
        layerNorm(sum, x, n, w.attentionGain(), w.attentionBias(), x);
        VectorKernels.multiply(n, x, 0, h, w.up(), w.upBias(), up, 0, inter);
        int size = n * inter;
        for (int i = 0; i < size; i++) {   // a flat loop of its own: the JIT vectorises it
            up[i] = FusedOps.gelu(up[i]);
        }
        VectorKernels.multiply(n, up, 0, inter, w.down(), w.downBias(), sum, 0, h);
        layerNorm(sum, x, n, w.ffnGain(), w.ffnBias(), x);
    }

    /** Scaled dot-product attention of each text on its own rows: no padding, no mask. */
    private final class Attention {
        private final PackedBatch batch;
        private final float[] keysT;    // [hd, Tp] one head's keys, transposed
        private final float[] scores;   // [T, Tp]
        private final float scale;

        Attention(PackedBatch batch) {
            this.batch = batch;
            int longest = 0;
            for (int k = 0; k < batch.size(); k++) {
                longest = Math.max(longest, batch.length(k));
            }
            int padded = roundUp(longest);
            keysT = new float[config.headSize() * padded];
            scores = new float[longest * padded];
            scale = (float) (1.0 / Math.sqrt(config.headSize()));
        }

        /** qkv [N, 3H] (biases added) → context [N, H]. */
        void apply(float[] qkv, float[] context) {
            int h = config.hidden();
            int hd = config.headSize();
            int stride = 3 * h;
            for (int k = 0; k < batch.size(); k++) {
                int t = batch.length(k);
                if (t == 0) {
                    continue;
                }
                int start = batch.start(k);
                int tp = roundUp(t);
                for (int head = 0; head < config.heads(); head++) {
                    int q = start * stride + head * hd;
                    int key = q + h;
                    int value = q + 2 * h;
                    for (int u = 0; u < t; u++) {
                        int row = key + u * stride;
                        for (int d = 0; d < hd; d++) {
                            keysT[d * tp + u] = qkv[row + d];
                        }
                    }
                    VectorKernels.multiply(t, tp, hd, qkv, q, stride, keysT, 0, tp, null, 0, scores, 0, tp);
                    for (int u = 0; u < t; u++) {
                        VectorKernels.softmax(scores, u * tp, t, scale);
                    }
                    VectorKernels.multiply(t, hd, t, scores, 0, tp, qkv, value, stride, null, 0,
                            context, start * h + head * hd, h);
                }
            }
        }
    }

    /** out[r] = LN(s[r] + residual[r]) · gain + beta over each row of H; s is overwritten; out may be residual. */
    private void layerNorm(float[] s, float[] residual, int n, float[] gain, float[] beta, float[] out) {
        VectorKernels.layerNorm(s, residual, n, config.hidden(), gain, beta, config.layerNormEps(), out);
    }

    /** Each text's mean (or first) row, in the caller's order; a text without tokens gets zeros. */
    private float[] pool(PackedBatch batch, float[] x, Pooling pooling) {
        int h = config.hidden();
        float[] out = new float[batch.size() * h];
        for (int k = 0; k < batch.size(); k++) {
            int len = batch.length(k);
            if (len == 0) {
                continue;
            }
            int o = batch.original(k) * h;
            int start = batch.start(k) * h;
            if (pooling == Pooling.CLS) {
                System.arraycopy(x, start, out, o, h);
                continue;
            }
            double[] acc = new double[h];
            for (int r = 0; r < len; r++) {
                for (int c = 0; c < h; c++) {
                    acc[c] += x[start + r * h + c];
                }
            }
            for (int c = 0; c < h; c++) {
                out[o + c] = (float) (acc[c] / len);
            }
        }
        return out;
    }

    private static int roundUp(int n) {
        return (n + VectorKernels.L - 1) / VectorKernels.L * VectorKernels.L;
    }

    /** A weight matrix [in, out], packed for {@link VectorKernels}. */
    private static VectorKernels.Packed pack(INDArray w) {
        return VectorKernels.pack(copy(w), (int) w.size(0), (int) w.size(1));
    }

    /** The values of an array in 'c' order, copied. */
    private static float[] copy(INDArray a) {
        return a.dup('c').reshape(a.length()).toFloatVector();
    }

    /** A host view of a whole 'c'-ordered array's data, index 0 = element 0. */
    private static FloatBuffer hostData(INDArray a) {
        if (a.isView() || a.ordering() != 'c' || a.offset() != 0) {
            a = a.dup('c');
        }
        return a.data().asNioFloat();
    }
}
