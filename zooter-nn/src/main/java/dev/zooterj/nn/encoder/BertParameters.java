package dev.zooterj.nn.encoder;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Names and shapes of a BERT encoder's parameters. Both forward paths ({@link BertGraph} for training,
 * {@link BertInference} for fast inference) read the same {@code Map<String, INDArray>} keyed by these names,
 * so an update made by one is seen by the other.
 *
 * <p>Matrices are stored [in, out] (multiply on the right: {@code x.mmul(W)}). Query, key and value live in one
 * fused matrix [H, 3H] (columns: query | key | value), as in minGPT's {@code c_attn}, so attention needs a single
 * matmul per layer.
 */
public final class BertParameters {

    public static final String WORD_EMBEDDINGS = "embeddings.word";             // [V, H]
    public static final String POSITION_EMBEDDINGS = "embeddings.position";     // [P, H]
    public static final String TOKEN_TYPE_EMBEDDINGS = "embeddings.tokenType";  // [2, H]
    public static final String EMBEDDINGS_NORM_GAIN = "embeddings.norm.gain";   // [H]
    public static final String EMBEDDINGS_NORM_BIAS = "embeddings.norm.bias";   // [H]

    /** The parameter names of transformer layer {@code index}. */
    public record Layer(int index, String qkvWeight, String qkvBias, String attentionOutWeight,
                        String attentionOutBias, String attentionNormGain, String attentionNormBias,
                        String upWeight, String upBias, String downWeight, String downBias,
                        String ffnNormGain, String ffnNormBias) {
    }

    private BertParameters() {
    }

    /** Names of layer {@code i}'s parameters. */
    public static Layer layer(int i) {
        String p = "layer." + i + ".";
        return new Layer(i,
                p + "attention.qkv.weight",      // [H, 3H]
                p + "attention.qkv.bias",        // [3H]
                p + "attention.out.weight",      // [H, H]
                p + "attention.out.bias",        // [H]
                p + "attention.norm.gain",       // [H]
                p + "attention.norm.bias",       // [H]
                p + "ffn.up.weight",             // [H, I]
                p + "ffn.up.bias",               // [I]
                p + "ffn.down.weight",           // [I, H]
                p + "ffn.down.bias",             // [H]
                p + "ffn.norm.gain",             // [H]
                p + "ffn.norm.bias");            // [H]
    }

    /** Every parameter's shape, in a fixed order (embeddings, then layer 0, 1, ...). */
    public static Map<String, long[]> shapes(BertConfig c) {
        long h = c.hidden();
        long i = c.intermediate();
        Map<String, long[]> s = new LinkedHashMap<>();
        s.put(WORD_EMBEDDINGS, new long[] {c.vocabSize(), h});
        s.put(POSITION_EMBEDDINGS, new long[] {c.maxPositions(), h});
        s.put(TOKEN_TYPE_EMBEDDINGS, new long[] {c.typeVocabSize(), h});
        s.put(EMBEDDINGS_NORM_GAIN, new long[] {h});
        s.put(EMBEDDINGS_NORM_BIAS, new long[] {h});
        for (int l = 0; l < c.layers(); l++) {
            Layer p = layer(l);
            s.put(p.qkvWeight(), new long[] {h, 3 * h});
            s.put(p.qkvBias(), new long[] {3 * h});
            s.put(p.attentionOutWeight(), new long[] {h, h});
            s.put(p.attentionOutBias(), new long[] {h});
            s.put(p.attentionNormGain(), new long[] {h});
            s.put(p.attentionNormBias(), new long[] {h});
            s.put(p.upWeight(), new long[] {h, i});
            s.put(p.upBias(), new long[] {i});
            s.put(p.downWeight(), new long[] {i, h});
            s.put(p.downBias(), new long[] {h});
            s.put(p.ffnNormGain(), new long[] {h});
            s.put(p.ffnNormBias(), new long[] {h});
        }
        return Collections.unmodifiableMap(s);
    }

    /**
     * BERT's initialisation: weights and embeddings ~ N(0, 0.02²), biases 0, layer-norm gains 1. Drawn with a
     * seeded Java generator, so the same seed gives the same encoder on every backend.
     */
    public static Map<String, INDArray> random(BertConfig c, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, INDArray> weights = new LinkedHashMap<>();
        shapes(c).forEach((name, shape) -> {
            float[] values = new float[Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact))];
            if (name.endsWith(".gain")) {
                Arrays.fill(values, 1f);
            } else if (shape.length == 2) {
                for (int k = 0; k < values.length; k++) {
                    values[k] = (float) (0.02 * gaussian(random));
                }
            }
            weights.put(name, Nd4j.create(values, shape, 'c'));
        });
        return weights;
    }

    /** Fails with the offending name unless {@code weights} holds exactly the FLOAT parameters of {@code c}. */
    public static void checkShapes(BertConfig c, Map<String, INDArray> weights) {
        Map<String, long[]> expected = shapes(c);
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            INDArray w = weights.get(e.getKey());
            if (w == null) {
                throw new IllegalArgumentException("missing parameter '" + e.getKey() + "' for " + c);
            }
            if (!Arrays.equals(w.shape(), e.getValue())) {
                throw new IllegalArgumentException("parameter '" + e.getKey() + "' has shape " + Arrays.toString(w.shape())
                        + ", expected " + Arrays.toString(e.getValue()) + " for " + c);
            }
            if (w.dataType() != DataType.FLOAT) {
                throw new IllegalArgumentException("parameter '" + e.getKey() + "' is " + w.dataType() + ", expected FLOAT");
            }
        }
        for (String name : weights.keySet()) {
            if (!expected.containsKey(name)) {
                throw new IllegalArgumentException("unknown parameter '" + name + "' for " + c);
            }
        }
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller; SplittableRandom has no nextGaussian on Java 17.
        double u = 1.0 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2.0 * Math.PI * v);
    }
}
