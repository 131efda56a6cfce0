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

    /**
     * One encoder of the router: its tokenizer, the encoder, and the prefix its texts get (e5's "query: ").
     * A router with several components concatenates their pooled vectors in order.
     */
    public record Component(WordPieceTokenizer tokenizer, TextEncoder encoder, String prefix) {
        public Component {
            java.util.Objects.requireNonNull(tokenizer, "tokenizer");
            java.util.Objects.requireNonNull(encoder, "encoder");
            prefix = prefix == null ? "" : prefix;
        }

        String input(String text) {
            return prefix.isEmpty() ? text : prefix + text;
        }
    }

    private final List<String> models;
    private final List<Component> components;
    private final RoutingHead head;
    private final int maxTokens;
    private final List<EmbeddingCache> caches;     // one per component, or null

    public ZooterRouter(List<String> models, WordPieceTokenizer tokenizer, TextEncoder encoder, RoutingHead head, int maxTokens) {
        this(models, List.of(new Component(tokenizer, encoder, "")), head, maxTokens, null);
    }

    /** A router over one or more encoder components, whose pooled vectors are concatenated in order. */
    public ZooterRouter(List<String> models, List<Component> components, RoutingHead head, int maxTokens) {
        this(models, components, head, maxTokens, null);
    }

    private ZooterRouter(List<String> models, List<Component> components, RoutingHead head, int maxTokens,
                         List<EmbeddingCache> caches) {
        if (components.isEmpty()) {
            throw new IllegalArgumentException("a router needs at least one encoder");
        }
        int dimension = dimension(components);
        if (head.outputs() != models.size()) {
            throw new IllegalArgumentException("head has " + head.outputs() + " outputs for " + models.size() + " models");
        }
        if (new java.util.HashSet<>(models).size() != models.size()) {
            throw new IllegalArgumentException("duplicate model names in " + models + ": each head output must be a different model");
        }
        if (head.inputDim() != dimension) {
            throw new IllegalArgumentException("head expects " + head.inputDim() + "-d embeddings, encoder gives " + dimension);
        }
        this.models = List.copyOf(models);
        this.components = List.copyOf(components);
        this.head = head;
        this.maxTokens = maxTokens;
        this.caches = caches == null ? null : List.copyOf(caches);
    }

    private static int dimension(List<Component> components) {
        return components.stream().mapToInt(c -> c.encoder().dimension()).sum();
    }

    /**
     * The same router reading and writing pooled embeddings through an on-disk cache, for repeated evaluations
     * of a frozen encoder over the same queries. Only for a frozen pretrained encoder: {@code encoderIdentity}
     * ({@link FrozenEncoder#weightsIdentity()}) must change whenever the encoder's weights do; the tokenizers'
     * identities are added to it. Each component has a cache of its own (a combination's parts share theirs with
     * the same encoders used alone): {@code encoderIdentity} holds one identity per component, joined by '+'.
     */
    public ZooterRouter withEmbeddingCache(Path dir, String encoderIdentity) {
        String[] parts = encoderIdentity.split("\\+");
        if (parts.length != components.size()) {
            throw new IllegalArgumentException("encoder identity '" + encoderIdentity + "' names " + parts.length
                    + " encoders, the router has " + components.size());
        }
        List<EmbeddingCache> list = new ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            Component c = components.get(i);
            list.add(EmbeddingCache.open(dir, parts[i] + "|" + c.tokenizer().identity(), c.encoder().dimension()));
        }
        return new ZooterRouter(models, components, head, maxTokens, list);
    }

    /**
     * Embeddings through one cache per component ({@code caches.get(i)} for {@code components.get(i)}), concatenated
     * in order; what is missing is computed and appended. Progress counts each component's missing texts.
     */
    public static INDArray embedCached(List<String> texts, List<Component> components, List<EmbeddingCache> caches,
                                       int maxTokens, BatchListener listener) {
        List<INDArray> parts = new ArrayList<>();
        for (int i = 0; i < components.size(); i++) {
            List<Component> one = List.of(components.get(i));
            parts.add(caches.get(i).embed(texts, maxTokens, missing -> embed(missing, one, maxTokens, listener)));
        }
        return parts.size() == 1 ? parts.get(0) : Nd4j.hstack(parts.toArray(INDArray[]::new));
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
        if (caches != null) {
            return embedCached(queries, components, caches, maxTokens, null);
        }
        return embed(queries, components, maxTokens, null);
    }

    /**
     * Embeds texts with every component (each text with the component's prefix) and concatenates the vectors in
     * component order. With several components, texts go in chunks of {@link #BATCH} of similar length through
     * each component in turn, so progress is reported once per text.
     */
    public static INDArray embed(List<String> texts, List<Component> components, int maxTokens, BatchListener listener) {
        if (components.size() == 1) {
            Component c = components.get(0);
            List<String> inputs = c.prefix().isEmpty() ? texts : texts.stream().map(c::input).toList();
            return embed(inputs, c.encoder(), c.tokenizer(), maxTokens, listener);
        }
        int n = texts.size();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(i -> texts.get(i).length()));
        INDArray out = Nd4j.create(DataType.FLOAT, n, dimension(components));
        for (int from = 0; from < n; from += BATCH) {
            int to = Math.min(n, from + BATCH);
            List<String> chunk = new ArrayList<>(to - from);
            for (int k = from; k < to; k++) {
                chunk.add(texts.get(order[k]));
            }
            List<INDArray> parts = new ArrayList<>();
            for (Component c : components) {
                parts.add(embed(chunk.stream().map(c::input).toList(), c.encoder(), c.tokenizer(), maxTokens, null));
            }
            INDArray joined = Nd4j.hstack(parts.toArray(INDArray[]::new));
            for (int k = from; k < to; k++) {
                out.putRow(order[k], joined.getRow(k - from));
            }
            if (listener != null) {
                listener.batchDone(to - from);
            }
        }
        return out;
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

    /** The encoders, in the order their vectors are concatenated. */
    public List<Component> components() {
        return components;
    }

    /** The first (for most routers the only) component's tokenizer. */
    public WordPieceTokenizer tokenizer() {
        return components.get(0).tokenizer();
    }

    /** The first (for most routers the only) component's encoder. */
    public TextEncoder encoder() {
        return components.get(0).encoder();
    }

    public RoutingHead head() {
        return head;
    }

    public int maxTokens() {
        return maxTokens;
    }
}
