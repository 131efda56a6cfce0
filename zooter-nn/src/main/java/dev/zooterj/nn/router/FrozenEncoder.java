package dev.zooterj.nn.router;

import dev.zooterj.nn.encoder.BertEncoder;
import dev.zooterj.nn.encoder.PretrainedModel;
import dev.zooterj.nn.tokenizer.WordPieceTokenizer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * A pretrained encoder choice ({@code --encoder}): one {@link PretrainedModel} ({@code bge-small-en}) or several
 * joined by '+' ({@code minilm+bge-small-zh}), whose pooled vectors are concatenated in that order (384 + 512 =
 * 896-d for that pair). Tokenizers are read when first needed, weights when first needed for embedding, so a run
 * whose embeddings are all cached never reads the ONNX files.
 *
 * <p>{@link #identity()} keys the {@link EmbeddingCache} and goes into {@code router.json}; for MiniLM it is the
 * string used before encoders could be chosen, so old caches and routers stay valid. Thread-safe.
 */
public final class FrozenEncoder {
    /** The default: all-MiniLM-L6-v2. */
    public static final String DEFAULT = PretrainedModel.MINILM.name();
    /** Longest input, in tokens, of every registered encoder (all have 512 positions). */
    public static final int MAX_POSITIONS = 512;

    private static final Map<String, WordPieceTokenizer> TOKENIZERS = new ConcurrentHashMap<>();

    private final String name;
    private final List<PretrainedModel> models;
    private volatile List<ZooterRouter.Component> components;

    private FrozenEncoder(List<PretrainedModel> models) {
        this.models = List.copyOf(models);
        this.name = models.stream().map(PretrainedModel::name).collect(Collectors.joining("+"));
    }

    /** Parses a choice: a registered name, or registered names joined by '+', each at most once. */
    public static FrozenEncoder of(String choice) {
        if (choice == null || choice.isBlank()) {
            throw new IllegalArgumentException("--encoder must name an encoder: one of " + PretrainedModel.names());
        }
        Set<PretrainedModel> parts = new LinkedHashSet<>();
        for (String part : choice.split("\\+", -1)) {
            if (!parts.add(PretrainedModel.named(part))) {
                throw new IllegalArgumentException("--encoder '" + choice + "' names " + part.trim() + " twice");
            }
        }
        return new FrozenEncoder(new ArrayList<>(parts));
    }

    /**
     * The encoder whose {@link #identity()} is {@code identity}, e.g. one recorded by a fitted tagger.
     *
     * @throws IllegalArgumentException when this build has no encoder with that identity
     */
    public static FrozenEncoder fromIdentity(String identity) {
        String weights = identity.split("\\|", 2)[0];
        List<PretrainedModel> parts = new ArrayList<>();
        for (String w : weights.split("\\+")) {
            PretrainedModel found = PretrainedModel.ALL.stream().filter(m -> m.identity().equals(w)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("encoder '" + w + "' is not in this build (it has "
                            + PretrainedModel.ALL.stream().map(PretrainedModel::identity).toList() + ")"));
            parts.add(found);
        }
        FrozenEncoder e = new FrozenEncoder(parts);
        if (!e.identity().equals(identity)) {
            throw new IllegalArgumentException("encoder identity '" + identity + "' differs from this build's " + e.name
                    + " (" + e.identity() + "): a different tokenizer");
        }
        return e;
    }

    /** The canonical choice, e.g. "minilm+bge-small-zh". */
    public String name() {
        return name;
    }

    public List<PretrainedModel> models() {
        return models;
    }

    /** Length of the concatenated vector. */
    public int dimension() {
        return models.stream().mapToInt(PretrainedModel::hidden).sum();
    }

    /** The weights and input conventions: the models' identities joined by '+'. */
    public String weightsIdentity() {
        return models.stream().map(PretrainedModel::identity).collect(Collectors.joining("+"));
    }

    /**
     * Weights, conventions and tokenizers: what router.json and fitted taggers record. (Cached embeddings are kept per
     * model, {@link #caches}; for a single model the key is this identity.)
     */
    public String identity() {
        return weightsIdentity() + "|" + tokenizerIdentity();
    }

    /** The tokenizers' identities joined by '|' (MiniLM alone: its tokenizer's identity, as before). */
    public String tokenizerIdentity() {
        return tokenizers().stream().map(WordPieceTokenizer::identity).collect(Collectors.joining("|"));
    }

    /** Each model's tokenizer, in order (read once per JVM). */
    public List<WordPieceTokenizer> tokenizers() {
        return models.stream().map(FrozenEncoder::tokenizer).toList();
    }

    /** The tokenizer of {@code model}, read once per JVM from its tokenizer json. */
    public static WordPieceTokenizer tokenizer(PretrainedModel model) {
        if (model == PretrainedModel.MINILM) {
            return WordPieceTokenizer.miniLm();
        }
        return TOKENIZERS.computeIfAbsent(model.name(), n -> {
            try (InputStream in = model.openTokenizer()) {
                return WordPieceTokenizer.fromHuggingFaceJson(model.name(), in);
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
        });
    }

    /** Whether the weights have been read. */
    public boolean loaded() {
        return components != null;
    }

    /** The loaded parts (tokenizer, encoder, prefix); reads the weights on the first call. */
    public List<ZooterRouter.Component> components() {
        List<ZooterRouter.Component> c = components;
        if (c == null) {
            synchronized (this) {
                c = components;
                if (c == null) {
                    List<ZooterRouter.Component> list = new ArrayList<>();
                    for (PretrainedModel m : models) {
                        list.add(new ZooterRouter.Component(tokenizer(m), m.load(), m.prefix()));
                    }
                    components = c = List.copyOf(list);
                }
            }
        }
        return c;
    }

    /** A fresh copy of the single model's weights, e.g. to fine-tune (a combination cannot be fine-tuned). */
    public BertEncoder loadFresh() {
        if (models.size() != 1) {
            throw new IllegalArgumentException("--encoder " + name + " combines " + models.size()
                    + " encoders; only a single encoder can be fine-tuned");
        }
        return models.get(0).load();
    }

    /** One cache per model in {@code dir}, keyed by that model's identity and tokenizer (shared with it alone). */
    public List<EmbeddingCache> caches(java.nio.file.Path dir) {
        List<EmbeddingCache> list = new ArrayList<>();
        for (PretrainedModel m : models) {
            list.add(EmbeddingCache.open(dir, m.identity() + "|" + tokenizer(m).identity(), m.hidden()));
        }
        return list;
    }

    /** Texts not cached yet in {@code dir}, summed over the models (what {@link #embedCached} will compute). */
    public int countMissing(java.nio.file.Path dir, List<String> texts, int maxTokens) {
        return caches(dir).stream().mapToInt(c -> c.countMissing(texts, maxTokens)).sum();
    }

    /**
     * As {@link #embed}, through the per-model caches in {@code dir}: a combination reads and fills the same cache
     * files as its parts used alone. The weights are read only if something is missing.
     */
    public INDArray embedCached(java.nio.file.Path dir, List<String> texts, int maxTokens, ZooterRouter.BatchListener listener) {
        List<EmbeddingCache> caches = caches(dir);
        List<INDArray> parts = new ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            int index = i;
            parts.add(caches.get(i).embed(texts, maxTokens,
                    missing -> ZooterRouter.embed(missing, List.of(components().get(index)), maxTokens, listener)));
        }
        return parts.size() == 1 ? parts.get(0) : org.nd4j.linalg.factory.Nd4j.hstack(parts.toArray(INDArray[]::new));
    }

    /** Pooled (and concatenated) embeddings [n, dimension()] of {@code texts}, in order. */
    public INDArray embed(List<String> texts, int maxTokens, ZooterRouter.BatchListener listener) {
        return ZooterRouter.embed(texts, components(), maxTokens, listener);
    }

    @Override
    public String toString() {
        return name;
    }
}
