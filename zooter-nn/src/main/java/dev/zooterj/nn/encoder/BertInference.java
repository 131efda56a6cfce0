package dev.zooterj.nn.encoder;

import java.util.Map;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The BERT forward pass as direct ND4J calls, for inference: same weights and same result as {@link BertGraph},
 * several times faster.
 *
 * <p>Padding is never computed: the tokens of all sequences are packed into one [N, H] matrix (N = number of real
 * tokens in the batch), so every matmul, layer norm and GELU runs on real tokens only; only attention, which mixes
 * tokens, runs sequence by sequence on row blocks of that matrix. Attending only to the sequence's own tokens is
 * what the additive mask does in the padded graph, so both give the same numbers.
 *
 * <p>Reads the weight arrays on every call (nothing derived is cached), so it sees training updates at once.
 * Stateless, hence thread-safe.
 */
public final class BertInference {

    private final BertConfig config;
    private final Map<String, INDArray> weights;

    public BertInference(BertConfig config, Map<String, INDArray> weights) {
        BertParameters.checkShapes(config, weights);
        this.config = config;
        this.weights = weights;
    }

    /** Pooled embeddings [B, H] of a padded batch. */
    public INDArray encode(int[][] ids, int[][] mask) {
        EncoderInputs.check(ids, mask, config);
        PackedBatch batch = PackedBatch.of(ids, mask);
        if (batch.tokens() == 0) {
            return Nd4j.zeros(DataType.FLOAT, ids.length, config.hidden());
        }
        INDArray x = embeddings(batch);                                  // [N, H]
        for (int l = 0; l < config.layers(); l++) {
            x = layer(BertParameters.layer(l), x, batch);                // [N, H]
        }
        return batch.meanPool(x);                                        // [B, H]
    }

    /** word + position + token type 0, layer-normed: [N, H]. */
    private INDArray embeddings(PackedBatch batch) {
        INDArray x = Nd4j.pullRows(w(BertParameters.WORD_EMBEDDINGS), 1, batch.tokenIds());          // [N, H]
        x.addi(Nd4j.pullRows(w(BertParameters.POSITION_EMBEDDINGS), 1, batch.positions()));          // [N, H]
        x.addiRowVector(w(BertParameters.TOKEN_TYPE_EMBEDDINGS).getRow(0));
        return layerNorm(x, BertParameters.EMBEDDINGS_NORM_GAIN, BertParameters.EMBEDDINGS_NORM_BIAS);
    }

    /** x = LN(x + attention(x)); x = LN(x + ffn(x)): [N, H] → [N, H]. */
    private INDArray layer(BertParameters.Layer p, INDArray x, PackedBatch batch) {
        INDArray attended = layerNorm(selfAttention(p, x, batch).addi(x), p.attentionNormGain(), p.attentionNormBias());
        return layerNorm(feedForward(p, attended).addi(attended), p.ffnNormGain(), p.ffnNormBias());
    }

    /** [N, H] → [N, H]; attention within each sequence's block of rows. */
    private INDArray selfAttention(BertParameters.Layer p, INDArray x, PackedBatch batch) {
        int h = config.hidden();
        int heads = config.heads();
        int hd = config.headSize();
        INDArray qkv = x.mmul(w(p.qkvWeight())).addiRowVector(w(p.qkvBias()));   // [N, 3H]
        qkv.get(NDArrayIndex.all(), NDArrayIndex.interval(0, h)).muli(1.0 / Math.sqrt(hd));  // scale queries once
        INDArray context = Nd4j.create(DataType.FLOAT, x.rows(), h);            // [N, H]
        for (int s = 0; s < batch.size(); s++) {
            int from = batch.start(s);
            int len = batch.length(s);
            if (len == 0) {
                continue;
            }
            INDArray rows = qkv.get(NDArrayIndex.interval(from, from + len), NDArrayIndex.all());  // [L, 3H]
            INDArray q = headsOf(rows, 0, len);                                 // [nh, L, hd]
            INDArray k = headsOf(rows, 1, len);                                 // [nh, L, hd]
            INDArray v = headsOf(rows, 2, len);                                 // [nh, L, hd]
            INDArray scores = Nd4j.matmul(q, k, false, true, false);            // [nh, L, L]
            Nd4j.exec(new SoftMax(scores, scores, -1));
            INDArray out = Nd4j.matmul(scores, v);                              // [nh, L, hd]
            context.get(NDArrayIndex.interval(from, from + len), NDArrayIndex.all())
                    .reshape(len, heads, hd).assign(out.permute(1, 0, 2));     // [L, nh, hd]
        }
        return context.mmul(w(p.attentionOutWeight())).addiRowVector(w(p.attentionOutBias()));
    }

    /** Block {@code which} (0 query, 1 key, 2 value) of [L, 3H] rows as heads: [nh, L, hd]. */
    private INDArray headsOf(INDArray rows, int which, int len) {
        int h = config.hidden();
        INDArray block = rows.get(NDArrayIndex.all(), NDArrayIndex.interval(which * h, (which + 1) * h));  // [L, H]
        return block.reshape(len, config.heads(), config.headSize()).permute(1, 0, 2);
    }

    /** up, exact erf GELU, down: [N, H] → [N, I] → [N, H]. */
    private INDArray feedForward(BertParameters.Layer p, INDArray x) {
        INDArray up = x.mmul(w(p.upWeight())).addiRowVector(w(p.upBias()));   // [N, I]
        INDArray erf = up.mul(1.0 / Math.sqrt(2.0));
        Nd4j.exec(new Erf(erf, erf));
        up.muli(erf.addi(1.0)).muli(0.5);                                      // x·(1 + erf(x/√2))/2
        return up.mmul(w(p.downWeight())).addiRowVector(w(p.downBias()));      // [N, H]
    }

    /** In place over the last axis: (x - mean) / sqrt(var + eps) * gain + bias. */
    private INDArray layerNorm(INDArray x, String gain, String bias) {
        x.subiColumnVector(x.mean(1));
        INDArray std = Transforms.sqrt(x.var(false, 1).addi(config.layerNormEps()), false);  // [N]
        return x.diviColumnVector(std).muliRowVector(w(gain)).addiRowVector(w(bias));
    }

    private INDArray w(String name) {
        return weights.get(name);
    }
}
