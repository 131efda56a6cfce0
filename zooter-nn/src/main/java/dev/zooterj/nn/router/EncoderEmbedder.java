package dev.zooterj.nn.router;

import dev.zooterj.data.tags.TextEmbedder;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.List;

/**
 * A frozen pretrained encoder's pooled embeddings ({@link FrozenEncoder}) as a {@link TextEmbedder}, for cluster
 * tags: the same embeddings, and the same on-disk {@link EmbeddingCache} entries, as head-mode router training with
 * the same encoder and max tokens, so tagging and training embed each query once between them. The weights are read
 * only when some text is not cached. Not thread-safe (one caller embeds at a time).
 */
public final class EncoderEmbedder implements TextEmbedder {
    private final FrozenEncoder encoder;
    private final int maxTokens;
    private final Path cacheDir;
    private final ZooterTrainer.Listener listener;

    /**
     * @param encoder   the encoder (shared with training to read its weights once), not null
     * @param maxTokens tokens kept per text (as the router's {@code maxTokens}, to share cached embeddings)
     * @param cacheDir  the embedding cache directory, or null for none
     * @param listener  told how many texts need embedding and of each batch (for a progress bar); may be null
     */
    public EncoderEmbedder(FrozenEncoder encoder, int maxTokens, Path cacheDir, ZooterTrainer.Listener listener) {
        if (maxTokens < 2 || maxTokens > FrozenEncoder.MAX_POSITIONS) {
            throw new IllegalArgumentException("max tokens must be in [2, " + FrozenEncoder.MAX_POSITIONS + "] for "
                    + encoder.name() + ", got " + maxTokens);
        }
        this.encoder = encoder;
        this.maxTokens = maxTokens;
        this.cacheDir = cacheDir;
        this.listener = listener != null ? listener : new ZooterTrainer.Listener() { };
    }

    /** MiniLM's embeddings (the default encoder). */
    public static EncoderEmbedder miniLm(int maxTokens, Path cacheDir, ZooterTrainer.Listener listener) {
        return new EncoderEmbedder(FrozenEncoder.of(FrozenEncoder.DEFAULT), maxTokens, cacheDir, listener);
    }

    @Override
    public String encoder() {
        return encoder.identity();
    }

    /** The encoder whose embeddings these are. */
    public FrozenEncoder frozenEncoder() {
        return encoder;
    }

    @Override
    public int maxTokens() {
        return maxTokens;
    }

    @Override
    public int dimension() {
        return encoder.dimension();
    }

    @Override
    public float[][] embed(List<String> texts) {
        if (texts.isEmpty()) {
            return new float[0][];
        }
        ZooterRouter.BatchListener progress = listener::embeddingBatch;
        INDArray out;
        if (cacheDir == null) {
            listener.embeddingStarted(texts.size());
            out = encoder.embed(texts, maxTokens, progress);
        } else {
            listener.embeddingStarted(encoder.countMissing(cacheDir, texts, maxTokens));
            out = encoder.embedCached(cacheDir, texts, maxTokens, progress);
        }
        return out.toFloatMatrix();
    }
}
