package dev.zooterj.nn.encoder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * A BERT ONNX export (all-MiniLM-L6-v2 unless another is named) run by ONNX Runtime, pooled like the model's own
 * sentence-transformers config (mean over the mask, or [CLS]; optionally L2-normalised): the reference the encoder
 * is checked and timed against.
 */
final class OnnxRuntimeReference implements AutoCloseable {

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final Pooling pooling;
    private final boolean normalize;

    OnnxRuntimeReference(int threads) {
        this(BertOnnxWeights.MINILM_RESOURCE, threads, Pooling.MEAN, false);
    }

    OnnxRuntimeReference(String resource, int threads, Pooling pooling, boolean normalize) {
        this.pooling = pooling;
        this.normalize = normalize;
        try (InputStream in = OnnxRuntimeReference.class.getResourceAsStream("/" + resource);
             OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = env.createSession(in.readAllBytes(), options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Input names, e.g. [input_ids, attention_mask, token_type_ids]. */
    java.util.Set<String> inputNames() {
        return session.getInputNames();
    }

    /** Pooled embeddings [B][384] of a padded batch. */
    float[][] encode(int[][] ids, int[][] mask) {
        int b = ids.length;
        int t = ids[0].length;
        long[][] inputIds = new long[b][t];
        long[][] attention = new long[b][t];
        long[][] types = new long[b][t];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                inputIds[i][j] = ids[i][j];
                attention[i][j] = mask[i][j];
            }
        }
        try (OnnxTensor idsTensor = OnnxTensor.createTensor(env, inputIds);
             OnnxTensor maskTensor = OnnxTensor.createTensor(env, attention);
             OnnxTensor typesTensor = OnnxTensor.createTensor(env, types);
             OrtSession.Result result = session.run(Map.of("input_ids", idsTensor, "attention_mask", maskTensor,
                     "token_type_ids", typesTensor))) {
            float[][][] tokens = (float[][][]) result.get(0).getValue();   // last_hidden_state [B, T, H]
            int h = tokens[0][0].length;
            float[][] pooled = new float[b][h];
            for (int i = 0; i < b && pooling == Pooling.CLS; i++) {
                pooled[i] = tokens[i][0].clone();
            }
            for (int i = 0; i < b && pooling == Pooling.MEAN; i++) {
                int count = 0;
                for (int j = 0; j < t; j++) {
                    if (mask[i][j] == 1) {
                        count++;
                        for (int k = 0; k < h; k++) {
                            pooled[i][k] += tokens[i][j][k];
                        }
                    }
                }
                for (int k = 0; k < h; k++) {
                    pooled[i][k] /= Math.max(1, count);
                }
            }
            for (int i = 0; i < b && normalize; i++) {
                double norm = 0;
                for (float v : pooled[i]) {
                    norm += (double) v * v;
                }
                norm = Math.max(Math.sqrt(norm), 1e-12);
                for (int k = 0; k < h; k++) {
                    pooled[i][k] /= norm;
                }
            }
            return pooled;
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
