package dev.zooterj.bench.jmh;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.zooterj.nn.encoder.TextEncoder;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.LongBuffer;
import java.util.Map;

/**
 * The peer a user would otherwise pick: all-MiniLM-L6-v2 in ONNX Runtime (same ONNX file, same ids and mask),
 * mean-pooled over the mask, behind the same {@link TextEncoder} interface so a router can use either.
 */
final class OrtEncoder implements TextEncoder, AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    OrtEncoder(int threads) {
        try (InputStream in = OrtEncoder.class.getResourceAsStream("/all-minilm-l6-v2.onnx");
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

    @Override
    public int dimension() {
        return 384;
    }

    @Override
    public INDArray encode(int[][] ids, int[][] mask) {
        int b = ids.length;
        int t = ids[0].length;
        long[] flatIds = new long[b * t];
        long[] flatMask = new long[b * t];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                flatIds[i * t + j] = ids[i][j];
                flatMask[i * t + j] = mask[i][j];
            }
        }
        long[] shape = {b, t};
        try (OnnxTensor idsT = OnnxTensor.createTensor(env, LongBuffer.wrap(flatIds), shape);
             OnnxTensor maskT = OnnxTensor.createTensor(env, LongBuffer.wrap(flatMask), shape);
             OnnxTensor typesT = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[b * t]), shape);
             OrtSession.Result r = session.run(Map.of("input_ids", idsT, "attention_mask", maskT, "token_type_ids", typesT))) {
            java.nio.FloatBuffer tokens = ((OnnxTensor) r.get(0)).getFloatBuffer();   // [B, T, H]
            int h = dimension();
            float[] pooled = new float[b * h];
            for (int i = 0; i < b; i++) {
                int count = 0;
                for (int j = 0; j < t; j++) {
                    if (mask[i][j] == 1) {
                        count++;
                        int base = (i * t + j) * h;
                        for (int k = 0; k < h; k++) {
                            pooled[i * h + k] += tokens.get(base + k);
                        }
                    }
                }
                for (int k = 0; k < h; k++) {
                    pooled[i * h + k] /= Math.max(1, count);
                }
            }
            return Nd4j.create(pooled, new long[]{b, h}, 'c');
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
