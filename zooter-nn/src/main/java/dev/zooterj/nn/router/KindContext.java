package dev.zooterj.nn.router;

import dev.zooterj.data.tags.TextEmbedder;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What fitting and loading routers need besides rows and settings: the frozen text embedder the embedding-based kinds
 * share (the chosen pretrained encoder, MiniLM by default, through the on-disk cache), progress listeners, where
 * checkpoints go, and provenance.
 *
 * @param embedder       frozen embeddings for kNN, task and cluster kinds; null = {@code encoder}'s pooled embeddings
 *                       at {@code maxTokens} through {@code embeddingCache}, weights read when first needed
 * @param maxTokens      tokens kept per query by the default embedder
 * @param embeddingCache on-disk embedding cache (null: none)
 * @param listener       progress of embedding and training (may be null)
 * @param checkpoints    where the zooter kind keeps resumable checkpoints (null: none)
 * @param datasetName    the training file, for provenance
 * @param datasetSha256  its SHA-256, for provenance
 * @param encoder        the pretrained encoder choice ({@code --encoder}), shared (weights read once) by every kind and
 *                       head-mode training that uses it; null = MiniLM
 * @param subsetWeights  the routing objective's weight of each subset ({@link dev.zooterj.core.routing.RoutingMetric}),
 *                       1 for a subset not named; empty (or null) = the plain macro mean over subsets
 */
public record KindContext(TextEmbedder embedder, int maxTokens, Path embeddingCache, ZooterTrainer.Listener listener,
                          Path checkpoints, String datasetName, String datasetSha256, FrozenEncoder encoder,
                          Map<String, Double> subsetWeights) {
    public KindContext {
        subsetWeights = subsetWeights == null ? Map.of() : Map.copyOf(subsetWeights);
        subsetWeights.forEach((s, w) -> dev.zooterj.core.routing.RoutingMetric.weight(Map.of(s, w), s));
        listener = listener != null ? listener : new ZooterTrainer.Listener() { };
        datasetName = datasetName != null ? datasetName : "rows";
        datasetSha256 = datasetSha256 != null ? datasetSha256 : "";
        encoder = encoder != null ? encoder : FrozenEncoder.of(FrozenEncoder.DEFAULT);
        if (embedder == null) {
            embedder = new MemoizingEmbedder(new EncoderEmbedder(encoder, Math.min(maxTokens, FrozenEncoder.MAX_POSITIONS),
                    embeddingCache, listener));
        } else if (!(embedder instanceof MemoizingEmbedder)) {
            embedder = new MemoizingEmbedder(embedder);
        }
    }

    /** MiniLM embeddings at {@code maxTokens} through {@code cache}; no checkpoints, no listener. */
    public static KindContext miniLm(int maxTokens, Path cache) {
        return new KindContext(null, maxTokens, cache, null, null, null, null, null, null);
    }

    /** {@code encoder}'s embeddings at {@code maxTokens} through {@code cache}; no checkpoints, no listener. */
    public static KindContext of(FrozenEncoder encoder, int maxTokens, Path cache) {
        return new KindContext(null, maxTokens, cache, null, null, null, null, encoder, null);
    }

    /** A context embedding with {@code embedder} (tests use a tiny one). */
    public static KindContext of(TextEmbedder embedder) {
        return new KindContext(embedder, embedder.maxTokens(), null, null, null, null, null, null, null);
    }

    public KindContext withCheckpoints(Path dir) {
        return new KindContext(embedder, maxTokens, embeddingCache, listener, dir, datasetName, datasetSha256, encoder, subsetWeights);
    }

    /** This context with the routing objective's subset weights (see the record comment). */
    public KindContext withSubsetWeights(Map<String, Double> weights) {
        return new KindContext(embedder, maxTokens, embeddingCache, listener, checkpoints, datasetName, datasetSha256, encoder, weights);
    }

    public KindContext withProvenance(String name, String sha256) {
        return new KindContext(embedder, maxTokens, embeddingCache, listener, checkpoints, name, sha256, encoder, subsetWeights);
    }

    /**
     * The embedder a saved router needs: this context's when identity and max tokens match, else the pretrained encoder
     * (or '+' combination) whose identity the router records, at the saved max tokens.
     *
     * @throws IllegalArgumentException when the router was fitted on embeddings this build cannot produce
     */
    public TextEmbedder embedderFor(String identity, int savedMaxTokens, Path where) {
        if (embedder.encoder().equals(identity) && embedder.maxTokens() == savedMaxTokens) {
            return embedder;
        }
        FrozenEncoder saved;
        if (encoder.identity().equals(identity)) {
            saved = encoder;
        } else {
            try {
                saved = FrozenEncoder.fromIdentity(identity);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": the router was fitted on embeddings of " + identity
                        + ", which this build cannot produce: " + e.getMessage());
            }
        }
        return new MemoizingEmbedder(new EncoderEmbedder(saved, savedMaxTokens, embeddingCache, null));
    }

    /**
     * Remembers every text's vector in memory, so the several fits of a bench fold or a tuning grid embed each query
     * once; thread-safe (embedding itself is serialised, as the encoder embedder is not thread-safe).
     */
    static final class MemoizingEmbedder implements TextEmbedder {
        private final TextEmbedder inner;
        /** Texts remembered at most (about 77 MB of 384-d vectors); then the memory starts afresh, so serving stays bounded. */
        private static final int CAPACITY = 50_000;
        private final Map<String, float[]> memo = new ConcurrentHashMap<>();

        MemoizingEmbedder(TextEmbedder inner) {
            this.inner = Objects.requireNonNull(inner);
        }

        @Override
        public String encoder() {
            return inner.encoder();
        }

        @Override
        public int maxTokens() {
            return inner.maxTokens();
        }

        @Override
        public int dimension() {
            return inner.dimension();
        }

        @Override
        public float[][] embed(List<String> texts) {
            List<String> missing = texts.stream().filter(t -> !memo.containsKey(t)).distinct().toList();
            if (!missing.isEmpty()) {
                synchronized (this) {
                    List<String> still = missing.stream().filter(t -> !memo.containsKey(t)).toList();
                    if (!still.isEmpty()) {
                        if (memo.size() + still.size() > CAPACITY) {
                            memo.clear();
                        }
                        float[][] v = inner.embed(still);
                        for (int i = 0; i < v.length; i++) {
                            memo.put(still.get(i), v[i]);
                        }
                    }
                }
            }
            float[][] out = new float[texts.size()][];
            List<String> evicted = new java.util.ArrayList<>();
            for (int i = 0; i < out.length; i++) {
                out[i] = memo.get(texts.get(i));
                if (out[i] == null) {
                    evicted.add(texts.get(i));
                }
            }
            if (!evicted.isEmpty()) {   // cleared by a concurrent caller over capacity: embed those directly
                float[][] v;
                synchronized (this) {
                    v = inner.embed(evicted);
                }
                for (int i = 0, j = 0; i < out.length; i++) {
                    if (out[i] == null) {
                        out[i] = v[j++];
                    }
                }
            }
            return out;
        }
    }
}
