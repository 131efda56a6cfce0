package dev.zooterj.nn.encoder;

import java.util.LinkedHashMap;
import java.util.Map;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A BERT encoder as a trainable SameDiff graph: placeholders {@value #IDS} [B, T] and {@value #MASK} [B, T] in,
 * {@value #POOLED} [B, H] out (mean of the token vectors over the mask, as sentence-transformers pools).
 *
 * <p>Built from small blocks, read top to bottom: {@link #embeddings}, then per layer {@link #selfAttention} and
 * {@link #feedForward} with residuals and {@link #layerNorm}, then {@link #meanPool}. Shapes in comments use
 * B = batch, T = padded length, N = B·T, H = hidden, I = intermediate, nh = heads, hd = head size.
 *
 * <p>The graph's variables are the very {@code INDArray}s of the weight map it is built from, so training the
 * graph updates the weights that {@link BertInference} reads. Trainable word embeddings are a one-hot matmul:
 * SameDiff 1.0.0-M2.1's {@code gather} gradient drops repeated ids. A frozen table is a constant read by
 * {@code gather}, which is cheaper.
 */
public final class BertGraph {

    public static final String IDS = "ids";
    public static final String MASK = "mask";
    public static final String TOKENS = "tokens";
    public static final String POOLED = "pooled";

    /** How the word-embedding table takes part in training. */
    public enum WordEmbeddings {
        /** A variable, trained through a one-hot matmul (memory: B·T·V floats per step). */
        TRAINABLE,
        /** A constant read by gather; no gradient. */
        FROZEN
    }

    /** Added to the attention scores of padding keys; exp of it is 0 in float. */
    private static final double MASKED_SCORE = -1e9;

    private final SameDiff sd;
    private final BertConfig config;
    private final Map<String, SDVariable> parameters = new LinkedHashMap<>();
    private final SDVariable ids;
    private final SDVariable mask;
    private final SDVariable tokens;
    private final SDVariable pooled;

    private BertGraph(SameDiff sd, BertConfig config, Map<String, INDArray> weights, WordEmbeddings words,
                      Pooling pooling, boolean normalize) {
        BertParameters.checkShapes(config, weights);
        this.sd = sd;
        this.config = config;
        weights.forEach((name, array) -> parameters.put(name,
                name.equals(BertParameters.WORD_EMBEDDINGS) && words == WordEmbeddings.FROZEN
                        ? sd.constant(name, array)
                        : sd.var(name, array)));

        ids = sd.placeHolder(IDS, DataType.INT32, -1, -1);       // [B, T]
        mask = sd.placeHolder(MASK, DataType.FLOAT, -1, -1);   // [B, T]
        SDVariable x = embeddings(words);                      // [N, H]
        SDVariable scoreBias = attentionScoreBias();           // [B, 1, 1, T]
        for (int l = 0; l < config.layers(); l++) {
            x = layer(BertParameters.layer(l), x, scoreBias);  // [N, H]
        }
        tokens = sd.reshape(TOKENS, x, shapeBT(config.hidden()));  // [B, T, H]
        SDVariable p = pooling == Pooling.CLS ? clsPool(tokens) : meanPool(tokens);   // [B, H]
        pooled = (normalize ? l2Normalise(p) : p).rename(POOLED);
    }

    /** A new SameDiff holding only the encoder. */
    public static BertGraph build(BertConfig config, Map<String, INDArray> weights, WordEmbeddings words) {
        return build(config, weights, words, Pooling.MEAN, false);
    }

    /** A new SameDiff holding only the encoder, pooled as asked and optionally L2-normalised. */
    public static BertGraph build(BertConfig config, Map<String, INDArray> weights, WordEmbeddings words,
                                  Pooling pooling, boolean normalize) {
        return new BertGraph(SameDiff.create(), config, weights, words, pooling, normalize);
    }

    /** Adds the encoder to {@code sd} (one encoder per SameDiff), e.g. to put a head and a loss on top. */
    public static BertGraph addTo(SameDiff sd, BertConfig config, Map<String, INDArray> weights, WordEmbeddings words) {
        return addTo(sd, config, weights, words, Pooling.MEAN, false);
    }

    /** As {@link #addTo(SameDiff, BertConfig, Map, WordEmbeddings)}, pooled as asked and optionally L2-normalised. */
    public static BertGraph addTo(SameDiff sd, BertConfig config, Map<String, INDArray> weights, WordEmbeddings words,
                                  Pooling pooling, boolean normalize) {
        return new BertGraph(sd, config, weights, words, pooling, normalize);
    }

    public SameDiff sameDiff() {
        return sd;
    }

    public BertConfig config() {
        return config;
    }

    /** Placeholder [B, T] INT. */
    public SDVariable ids() {
        return ids;
    }

    /** Placeholder [B, T] FLOAT, 1 for tokens and 0 for padding. */
    public SDVariable mask() {
        return mask;
    }

    /** Last hidden state [B, T, H]. */
    public SDVariable tokens() {
        return tokens;
    }

    /** Pooled (mean or [CLS], optionally L2-normalised) sentence vectors [B, H]. */
    public SDVariable pooled() {
        return pooled;
    }

    /** The graph's variable (or, for a frozen word table, constant) for parameter {@code name}. */
    public SDVariable parameter(String name) {
        SDVariable v = parameters.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no parameter '" + name + "'; known: " + parameters.keySet());
        }
        return v;
    }

    /** Placeholder values for a padded batch. */
    public static Map<String, INDArray> placeholders(int[][] ids, int[][] mask) {
        EncoderInputs.check(ids, mask);
        return Map.of(IDS, Nd4j.createFromArray(ids), MASK, Nd4j.createFromArray(mask).castTo(DataType.FLOAT));
    }

    /** Runs the graph forward: pooled embeddings [B, H]. Not thread-safe (SameDiff is not). */
    public INDArray encode(int[][] ids, int[][] mask) {
        EncoderInputs.check(ids, mask, config);
        return sd.output(placeholders(ids, mask), POOLED).get(POOLED);
    }

    // ---- blocks -------------------------------------------------------------------------------------------

    /** word + position + token type 0, then layer norm: [N, H]. */
    private SDVariable embeddings(WordEmbeddings words) {
        int h = config.hidden();
        SDVariable flatIds = sd.reshape(ids, -1);                                    // [N]
        SDVariable word = words == WordEmbeddings.TRAINABLE
                ? sd.oneHot(flatIds, config.vocabSize(), -1, 1.0, 0.0, DataType.FLOAT)  // [N, V]
                        .mmul(parameter(BertParameters.WORD_EMBEDDINGS))             // [N, H]
                : sd.gather(parameter(BertParameters.WORD_EMBEDDINGS), flatIds, 0);   // [N, H]
        SDVariable t = sd.reshape(sd.sizeAt(ids, 1), 1);                              // [1] = T
        SDVariable position = sd.slice(parameter(BertParameters.POSITION_EMBEDDINGS),
                sd.constant(Nd4j.createFromArray(0L, 0L)),
                sd.concat(0, sd.castTo(t, DataType.INT64), sd.constant(Nd4j.createFromArray((long) h))));  // [T, H]
        SDVariable tokenType = sd.slice(parameter(BertParameters.TOKEN_TYPE_EMBEDDINGS),
                new int[] {0, 0}, 1, h);                                              // [1, H]
        SDVariable sum = sd.reshape(word, shapeBT(h)).add(position).add(tokenType);   // [B, T, H]
        return layerNorm(sd.reshape(sum, -1, h),                                      // [N, H]
                BertParameters.EMBEDDINGS_NORM_GAIN, BertParameters.EMBEDDINGS_NORM_BIAS);
    }

    /** Post-norm transformer layer: x = LN(x + attention(x)); x = LN(x + ffn(x)). [N, H] → [N, H]. */
    private SDVariable layer(BertParameters.Layer p, SDVariable x, SDVariable scoreBias) {
        SDVariable attended = layerNorm(x.add(selfAttention(p, x, scoreBias)), p.attentionNormGain(), p.attentionNormBias());
        return layerNorm(attended.add(feedForward(p, attended)), p.ffnNormGain(), p.ffnNormBias());
    }

    /** Multi-head self-attention over the unmasked keys: [N, H] → [N, H]. */
    private SDVariable selfAttention(BertParameters.Layer p, SDVariable x, SDVariable scoreBias) {
        SDVariable qkv = x.mmul(parameter(p.qkvWeight())).add(parameter(p.qkvBias()));   // [N, 3H]
        SDVariable[] split = sd.split(qkv, 3, 1);                                         // 3 x [N, H]
        SDVariable q = heads(split[0]);                                                   // [B, nh, T, hd]
        SDVariable k = heads(split[1]);                                                   // [B, nh, T, hd]
        SDVariable v = heads(split[2]);                                                   // [B, nh, T, hd]
        SDVariable scores = sd.mmul(q, k, false, true, false)                             // [B, nh, T, T]
                .mul(1.0 / Math.sqrt(config.headSize()))
                .add(scoreBias);
        SDVariable probs = sd.nn.softmax(scores, -1);                                     // [B, nh, T, T]
        SDVariable context = sd.permute(sd.mmul(probs, v), 0, 2, 1, 3);                   // [B, T, nh, hd]
        return sd.reshape(context, -1, config.hidden())                                   // [N, H]
                .mmul(parameter(p.attentionOutWeight())).add(parameter(p.attentionOutBias()));
    }

    /** [N, H] → [B, nh, T, hd]. */
    private SDVariable heads(SDVariable x) {
        return sd.permute(sd.reshape(x, shapeBT(config.heads(), config.headSize())), 0, 2, 1, 3);
    }

    /** up-projection, exact erf GELU, down-projection: [N, H] → [N, I] → [N, H]. */
    private SDVariable feedForward(BertParameters.Layer p, SDVariable x) {
        SDVariable up = x.mmul(parameter(p.upWeight())).add(parameter(p.upBias()));      // [N, I]
        SDVariable gelu = up.mul(0.5).mul(sd.math.erf(up.mul(1.0 / Math.sqrt(2.0))).add(1.0));  // [N, I]
        return gelu.mmul(parameter(p.downWeight())).add(parameter(p.downBias()));        // [N, H]
    }

    /** (x - mean) / sqrt(var + eps) * gain + bias over the last axis: [N, H] → [N, H]. */
    private SDVariable layerNorm(SDVariable x, String gain, String bias) {
        SDVariable centered = x.sub(sd.mean(x, true, 1));                                 // [N, H]
        SDVariable variance = sd.mean(sd.math.square(centered), true, 1);                 // [N, 1]
        return centered.mul(sd.math.rsqrt(variance.add(config.layerNormEps())))
                .mul(parameter(gain)).add(parameter(bias));
    }

    /** 0 where the key is a token, {@value #MASKED_SCORE} where it is padding: [B, 1, 1, T]. */
    private SDVariable attentionScoreBias() {
        SDVariable padding = mask.rsub(1.0);                                              // [B, T]
        return sd.expandDims(sd.expandDims(padding.mul(MASKED_SCORE), 1), 1);             // [B, 1, 1, T]
    }

    /** Mean of the token vectors over the mask: [B, T, H] → [B, H]. */
    private SDVariable meanPool(SDVariable tokens) {
        SDVariable m = sd.expandDims(mask, 2);                                            // [B, T, 1]
        SDVariable sum = sd.sum(tokens.mul(m), 1);                                        // [B, H]
        SDVariable count = sd.max(sd.sum(m, 1), sd.constant(1e-9f));                      // [B, 1]
        return sum.div(count);
    }

    /** The first ([CLS]) token's vector: [B, T, H] → [B, H]. */
    private SDVariable clsPool(SDVariable tokens) {
        return tokens.get(org.nd4j.autodiff.samediff.SDIndex.all(), org.nd4j.autodiff.samediff.SDIndex.point(0),
                org.nd4j.autodiff.samediff.SDIndex.all());
    }

    /** Each row divided by its L2 norm (at least 1e-12, as torch's normalize): [B, H] → [B, H]. */
    private SDVariable l2Normalise(SDVariable x) {
        return x.div(sd.max(sd.norm2(x, true, 1), sd.constant(1e-12f)));
    }

    /** The shape vector [B, T, tail...] of the current batch. */
    private SDVariable shapeBT(long... tail) {
        SDVariable bt = sd.castTo(sd.shape(ids), DataType.INT64);                          // [2]
        return sd.concat(0, bt, sd.constant(Nd4j.createFromArray(tail)));
    }
}
