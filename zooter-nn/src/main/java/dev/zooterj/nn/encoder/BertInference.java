package dev.zooterj.nn.encoder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.shape.Gather;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The BERT forward pass as direct ND4J calls, for inference: same weights and same numbers as {@link BertGraph},
 * several times faster.
 *
 * <p>Where the time went, and what is done about it (profiled on 2 cores; see {@code EncoderBenchmark}):
 * <ul>
 *   <li>Dense work runs on the real tokens only: the batch is packed into one [N, H] matrix, N = number of real
 *       tokens. Padding is 30-50% of a batch of real queries.</li>
 *   <li>Attention needs a padded [B, T] layout. Texts are sorted by length and split into a few groups of
 *       similar length; each group is gathered into its own padded layout, attended as one batched matmul over
 *       texts and heads with the additive mask, and gathered back. This pads far less than the batch does (in
 *       a batch of 32 queries of 9-48 tokens, a third of the scores instead of two thirds are padding), and a
 *       group without padding (a single text) skips the gathers and the mask.</li>
 *   <li>Few, large native calls: each ND4J call costs 10-100 µs however small its input. Query, key and value
 *       are one fused matmul; the element-wise steps (bias, GELU, residual, layer norm) are fused into one pass
 *       each ({@link FusedOps}); matmuls write into buffers allocated once per call, uninitialised.</li>
 * </ul>
 *
 * <p>Threads: the matmuls use BLAS threads ({@code Nd4j.factory().blas().setMaxThreads}); everything else runs on
 * the calling thread or in libnd4j's OpenMP regions. Run with the environment variable {@code OMP_NUM_THREADS=1}:
 * those regions gain nothing from a second thread here, and their barriers stall for a scheduler time slice
 * whenever the other core is busy (another process, or OpenBLAS's spinning threads), which made a single text
 * 3-4 times slower on 2 cores.
 *
 * <p>Reads the weight arrays on every call (nothing derived is cached), so it sees training updates at once.
 * Stateless, hence thread-safe.
 */
public final class BertInference {

    /** Added to the attention scores of padding keys; exp of it is 0 in float. */
    private static final float MASKED_SCORE = -1e9f;
    /**
     * Cost model for splitting a batch into attention groups, measured on 2 cores: a group costs about 0.3 ms of
     * call overhead per layer, and each padded attention score (per head) about 9 ns.
     */
    private static final double GROUP_COST_NS = 300_000;
    private static final double SCORE_COST_NS = 9;

    private final BertConfig config;
    private final Map<String, INDArray> weights;
    private final double groupCost;   // one attention group's overhead, in padded scores per head

    public BertInference(BertConfig config, Map<String, INDArray> weights) {
        this(config, weights, GROUP_COST_NS / (SCORE_COST_NS * config.heads()));
    }

    /** With a chosen group cost: 0 gives a group per distinct length, a huge cost a single group. */
    BertInference(BertConfig config, Map<String, INDArray> weights, double groupCost) {
        BertParameters.checkShapes(config, weights);
        this.config = config;
        this.weights = weights;
        this.groupCost = groupCost;
    }

    /** The activations of one forward pass, reused by every layer. */
    private record Buffers(INDArray x,        // [N, H] layer input and output
                           INDArray sum,      // [N, H] sublayer output before residual and layer norm
                           INDArray qkv,      // [N, 3H]
                           INDArray context,  // [N, H] attention output before its projection
                           INDArray up,       // [N, I]
                           FusedOps ops) {

        static Buffers of(int n, BertConfig c) {
            return new Buffers(matrix(n, c.hidden()), matrix(n, c.hidden()), matrix(n, 3 * c.hidden()),
                    matrix(n, c.hidden()), matrix(n, c.intermediate()), new FusedOps());
        }
    }

    /** Mean-pooled embeddings [B, H] of a padded batch. */
    public INDArray encode(int[][] ids, int[][] mask) {
        return encode(ids, mask, Pooling.MEAN);
    }

    /** Pooled embeddings [B, H] of a padded batch. */
    public INDArray encode(int[][] ids, int[][] mask, Pooling pooling) {
        EncoderInputs.check(ids, mask, config);
        PackedBatch batch = PackedBatch.of(ids, mask);
        if (batch.tokens() == 0) {
            return Nd4j.zeros(DataType.FLOAT, ids.length, config.hidden());
        }
        Buffers buf = Buffers.of(batch.tokens(), config);
        List<Attention> attention = new ArrayList<>();
        for (PackedBatch.Group g : batch.attentionGroups(groupCost)) {
            if (g.length() > 0) {
                attention.add(new Attention(batch, g));
            }
        }
        embeddings(batch, buf);
        for (int l = 0; l < config.layers(); l++) {
            layer(BertParameters.layer(l), buf, attention);
        }
        return batch.pool(buf.x(), pooling);                                             // [B, H]
    }

    /** x = LN(word + position + token type 0). */
    private void embeddings(PackedBatch batch, Buffers buf) {
        gatherRows(w(BertParameters.WORD_EMBEDDINGS), batch.tokenIdArray(), buf.sum());        // [N, H]
        gatherRows(w(BertParameters.POSITION_EMBEDDINGS), batch.positionArray(), buf.context());  // [N, H]
        buf.ops().addLayerNorm(buf.sum(), buf.context(), w(BertParameters.TOKEN_TYPE_EMBEDDINGS).getRow(0),
                w(BertParameters.EMBEDDINGS_NORM_GAIN), w(BertParameters.EMBEDDINGS_NORM_BIAS),
                config.layerNormEps(), buf.x());
    }

    /** x = LN(x + attention(x)); x = LN(x + ffn(x)). */
    private void layer(BertParameters.Layer p, Buffers buf, List<Attention> attention) {
        selfAttention(p, buf, attention);                                                // sum = context·Wo
        buf.ops().addLayerNorm(buf.sum(), buf.x(), w(p.attentionOutBias()), w(p.attentionNormGain()),
                w(p.attentionNormBias()), config.layerNormEps(), buf.x());
        feedForward(p, buf);                                                             // sum = GELU(x·W1 + b1)·W2
        buf.ops().addLayerNorm(buf.sum(), buf.x(), w(p.downBias()), w(p.ffnNormGain()),
                w(p.ffnNormBias()), config.layerNormEps(), buf.x());
    }

    /** sum = attention(x) before the output bias: [N, H]. */
    private void selfAttention(BertParameters.Layer p, Buffers buf, List<Attention> attention) {
        Nd4j.gemm(buf.x(), w(p.qkvWeight()), buf.qkv(), false, false, 1.0, 0.0);      // [N, 3H]
        buf.ops().addBiasAndScale(buf.qkv(), w(p.qkvBias()), config.hidden(),          // queries · 1/√hd
                (float) (1.0 / Math.sqrt(config.headSize())));
        for (Attention group : attention) {
            group.apply(buf.qkv(), buf.context());                                      // [N, H]
        }
        Nd4j.gemm(buf.context(), w(p.attentionOutWeight()), buf.sum(), false, false, 1.0, 0.0);
    }

    /**
     * Scaled dot-product attention for one group of texts of similar length (see
     * {@link PackedBatch#attentionGroups}): gathers the group's packed rows into the padded [count, length] layout,
     * runs all its texts and heads as one batched matmul with the additive mask, and gathers the result back.
     * A group without padding (e.g. a single text) works on its rows in place.
     */
    private final class Attention {
        private final PackedBatch.Group group;
        private final int from;                  // the group's packed rows: [from, to)
        private final int to;
        private final INDArray paddedToPacked;   // [count·length], or null without padding
        private final INDArray packedToPadded;   // [to - from], or null without padding
        private final INDArray scoreBias;        // [count, 1, 1, length], or null without padding
        private final INDArray paddedQkv;        // [count·length, 3H], or null without padding
        private final INDArray paddedContext;    // [count·length, H], or null without padding
        private final INDArray scores;           // [count, nh, length, length]

        Attention(PackedBatch batch, PackedBatch.Group group) {
            this.group = group;
            from = batch.groupStart(group);
            to = batch.groupEnd(group);
            boolean padded = batch.hasPadding(group);
            long paddedRows = (long) group.count() * group.length();
            paddedToPacked = padded ? batch.paddedToPacked(group) : null;
            packedToPadded = padded ? batch.packedToPadded(group) : null;
            scoreBias = padded ? batch.scoreBias(group, MASKED_SCORE) : null;
            paddedQkv = padded ? matrix(paddedRows, 3L * config.hidden()) : null;
            paddedContext = padded ? matrix(paddedRows, config.hidden()) : null;
            scores = Nd4j.createUninitialized(DataType.FLOAT, group.count(), config.heads(), group.length(), group.length());
        }

        /** qkv [N, 3H] with queries pre-scaled → the group's rows of context [N, H]. */
        void apply(INDArray qkv, INDArray context) {
            INDArray qkvRows = qkv.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());          // [rows, 3H]
            INDArray contextRows = context.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());  // [rows, H]
            INDArray all = qkvRows;                                                        // [count·length, 3H]
            INDArray out = contextRows;                                                    // [count·length, H]
            if (paddedToPacked != null) {
                gatherRows(qkvRows, paddedToPacked, paddedQkv);
                all = paddedQkv;
                out = paddedContext;
            }
            int b = group.count();
            int t = group.length();
            INDArray split = all.reshape(b, t, 3, config.heads(), config.headSize());   // [b, t, 3, nh, hd]
            Nd4j.matmul(part(split, 0), part(split, 1), scores, false, true, false);   // [b, nh, t, t]
            if (scoreBias != null) {
                scores.addi(scoreBias);
            }
            Nd4j.exec(new SoftMax(scores, scores));                                        // over the last axis
            Nd4j.matmul(scores, part(split, 2),                                            // [b, nh, t, hd]
                    out.reshape(b, t, config.heads(), config.headSize()).permute(0, 2, 1, 3), false, false, false);
            if (packedToPadded != null) {
                gatherRows(paddedContext, packedToPadded, contextRows);                   // [rows, H]
            }
        }

        /** Queries (0), keys (1) or values (2) as [b, nh, t, hd]. */
        private INDArray part(INDArray split, int which) {
            return split.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(which),
                    NDArrayIndex.all(), NDArrayIndex.all()).permute(0, 2, 1, 3);
        }
    }

    /** sum = GELU(x·W1 + b1)·W2, before the output bias: [N, H] → [N, I] → [N, H]. */
    private void feedForward(BertParameters.Layer p, Buffers buf) {
        Nd4j.gemm(buf.x(), w(p.upWeight()), buf.up(), false, false, 1.0, 0.0);         // [N, I]
        buf.ops().addBiasGelu(buf.up(), w(p.upBias()));
        Nd4j.gemm(buf.up(), w(p.downWeight()), buf.sum(), false, false, 1.0, 0.0);      // [N, H]
    }

    /** out[i] = table[rows[i]]. */
    private static void gatherRows(INDArray table, INDArray rows, INDArray out) {
        Gather gather = new Gather(table, rows, 0);
        gather.addOutputArgument(out);
        Nd4j.exec(gather);
    }

    private static INDArray matrix(long rows, long columns) {
        return Nd4j.createUninitialized(DataType.FLOAT, rows, columns);
    }

    private INDArray w(String name) {
        return weights.get(name);
    }
}
