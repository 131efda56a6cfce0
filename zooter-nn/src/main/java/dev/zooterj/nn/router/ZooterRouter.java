package dev.zooterj.nn.router;

import dev.zooterj.core.label.ProbabilityVectors;
import dev.zooterj.core.routing.Estimate;
import dev.zooterj.core.routing.Estimator;
import dev.zooterj.core.routing.Policy;
import dev.zooterj.core.routing.Router;
import dev.zooterj.core.routing.RoutingDecision;
import dev.zooterj.nn.encoder.TextEncoder;
import dev.zooterj.nn.head.RoutingHead;
import dev.zooterj.nn.tokenizer.TokenizedBatch;
import dev.zooterj.nn.tokenizer.WordPieceTokenizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Zooter's router: Z(q) = softmax(head(encoder(tokens(q)))), and the pick is its argmax. Batches are sorted
 * by length so each is padded only to its own longest query. Thread-safe: inference reads the weights and
 * allocates its own arrays.
 */
public final class ZooterRouter implements Router, Estimator {
    /** Queries per encoder batch when routing many. */
    public static final int BATCH = 32;

    private final List<String> models;
    private final WordPieceTokenizer tokenizer;
    private final TextEncoder encoder;
    private final RoutingHead head;
    private final int maxTokens;
    private final EmbeddingCache cache;

    public ZooterRouter(List<String> models, WordPieceTokenizer tokenizer, TextEncoder encoder, RoutingHead head, int maxTokens) {
        this(models, tokenizer, encoder, head, maxTokens, null);
    }

    private ZooterRouter(List<String> models, WordPieceTokenizer tokenizer, TextEncoder encoder, RoutingHead head, int maxTokens,
                         EmbeddingCache cache) {
        if (head.outputs() != models.size()) {
            throw new IllegalArgumentException("head has " + head.outputs() + " outputs for " + models.size() + " models");
        }
        if (new java.util.HashSet<>(models).size() != models.size()) {
            throw new IllegalArgumentException("duplicate model names in " + models + ": each head output must be a different model");
        }
        if (head.inputDim() != encoder.dimension()) {
            throw new IllegalArgumentException("head expects " + head.inputDim() + "-d embeddings, encoder gives " + encoder.dimension());
        }
        this.models = List.copyOf(models);
        this.tokenizer = tokenizer;
        this.encoder = encoder;
        this.head = head;
        this.maxTokens = maxTokens;
        this.cache = cache;
    }

    /**
     * The same router reading and writing pooled embeddings through an on-disk cache, for repeated evaluations
     * of a frozen encoder over the same queries. Only for a frozen pretrained encoder: {@code encoderIdentity}
     * must change whenever the encoder's weights do.
     */
    public ZooterRouter withEmbeddingCache(Path dir, String encoderIdentity) {
        return new ZooterRouter(models, tokenizer, encoder, head, maxTokens,
                EmbeddingCache.open(dir, encoderIdentity + "|" + tokenizer.identity(), encoder.dimension()));
    }

    @Override
    public List<String> models() {
        return models;
    }

    @Override
    public RoutingDecision route(String query) {
        return route(List.of(query)).get(0);
    }

    @Override
    public List<RoutingDecision> route(List<String> queries) {
        return estimate(queries).stream().map(Policy.ARGMAX::decide).toList();
    }

    /** Z(q): the head's softmax distribution over the models. */
    @Override
    public List<Estimate> estimate(List<String> queries) {
        INDArray logits = head.logits(embed(queries));
        double[][] z = logits.castTo(DataType.DOUBLE).toDoubleMatrix();
        List<Estimate> out = new ArrayList<>(queries.size());
        for (double[] row : z) {
            out.add(Estimate.distribution(models, ProbabilityVectors.softmax(row, 1)));
        }
        return out;
    }

    /** Pooled embeddings [n, D] of the queries, in their order. */
    public INDArray embed(List<String> queries) {
        if (cache != null) {
            return cache.embed(queries, maxTokens, missing -> embed(missing, encoder, tokenizer, maxTokens, null));
        }
        return embed(queries, encoder, tokenizer, maxTokens, null);
    }

    /** Batch progress for long embedding runs. */
    public interface BatchListener {
        void batchDone(int queries);
    }

    /**
     * Embeds texts in length-sorted batches of {@link #BATCH} and returns them in input order.
     * Sorting by token count keeps padding, and so wasted work, small.
     */
    public static INDArray embed(List<String> texts, TextEncoder encoder, WordPieceTokenizer tokenizer, int maxTokens,
                                 BatchListener listener) {
        int n = texts.size();
        int[][] tokens = new int[n][];
        for (int i = 0; i < n; i++) {
            tokens[i] = tokenizer.encode(texts.get(i), maxTokens);
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(i -> tokens[i].length));
        INDArray out = Nd4j.create(DataType.FLOAT, n, encoder.dimension());
        for (int from = 0; from < n; from += BATCH) {
            int to = Math.min(n, from + BATCH);
            int longest = tokens[order[to - 1]].length;
            int[][] ids = new int[to - from][longest];
            int[][] mask = new int[to - from][longest];
            for (int b = 0; b < to - from; b++) {
                int[] t = tokens[order[from + b]];
                System.arraycopy(t, 0, ids[b], 0, t.length);
                Arrays.fill(mask[b], 0, t.length, 1);
                if (t.length < longest) {
                    Arrays.fill(ids[b], t.length, longest, tokenizer.padId());
                }
            }
            INDArray pooled = encoder.encode(ids, mask);
            for (int b = 0; b < to - from; b++) {
                out.putRow(order[from + b], pooled.getRow(b));
            }
            if (listener != null) {
                listener.batchDone(to - from);
            }
        }
        return out;
    }

    public WordPieceTokenizer tokenizer() {
        return tokenizer;
    }

    public TextEncoder encoder() {
        return encoder;
    }

    public RoutingHead head() {
        return head;
    }

    public int maxTokens() {
        return maxTokens;
    }
}
