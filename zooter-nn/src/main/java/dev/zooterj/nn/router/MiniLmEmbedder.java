package dev.zooterj.nn.router;

import dev.zooterj.data.tags.TextEmbedder;
import dev.zooterj.nn.encoder.BertConfig;
import dev.zooterj.nn.encoder.BertEncoder;
import dev.zooterj.nn.tokenizer.WordPieceTokenizer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.List;

/**
 * The pretrained all-MiniLM-L6-v2's pooled embeddings as a {@link TextEmbedder}, for cluster tags: the same
 * embeddings, and the same on-disk {@link EmbeddingCache} entries, as head-mode router training with the same max
 * tokens, so tagging and training embed each query once between them. The encoder is loaded only when some text is
 * not cached. Not thread-safe (one caller embeds at a time).
 */
public final class MiniLmEmbedder implements TextEmbedder {
    private final int maxTokens;
    private final Path cacheDir;
    private final ZooterTrainer.Listener listener;
    private final WordPieceTokenizer tokenizer = WordPieceTokenizer.miniLm();
    private BertEncoder encoder;

    /**
     * @param maxTokens tokens kept per text (as the router's {@code maxTokens}, to share cached embeddings)
     * @param cacheDir  the embedding cache directory, or null for none
     * @param encoder   an already loaded MiniLM to reuse, or null to load one when needed
     * @param listener  told how many texts need embedding and of each batch (for a progress bar); may be null
     */
    public MiniLmEmbedder(int maxTokens, Path cacheDir, BertEncoder encoder, ZooterTrainer.Listener listener) {
        int positions = BertConfig.miniLmL6().maxPositions();
        if (maxTokens < 2 || maxTokens > positions) {
            throw new IllegalArgumentException("max tokens must be in [2, " + positions + "] for MiniLM, got " + maxTokens);
        }
        this.maxTokens = maxTokens;
        this.cacheDir = cacheDir;
        this.encoder = encoder;
        this.listener = listener != null ? listener : new ZooterTrainer.Listener() { };
    }

    @Override
    public String encoder() {
        return ZooterTrainer.encoderIdentity(null, tokenizer);
    }

    @Override
    public int maxTokens() {
        return maxTokens;
    }

    @Override
    public int dimension() {
        return BertConfig.miniLmL6().hidden();
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
            out = ZooterRouter.embed(texts, miniLm(), tokenizer, maxTokens, progress);
        } else {
            EmbeddingCache cache = EmbeddingCache.open(cacheDir, encoder(), dimension());
            listener.embeddingStarted(cache.countMissing(texts, maxTokens));
            out = cache.embed(texts, maxTokens, missing -> ZooterRouter.embed(missing, miniLm(), tokenizer, maxTokens, progress));
        }
        return out.toFloatMatrix();
    }

    /** The MiniLM this embedder was given or loaded, to reuse for training; empty when every text was cached. */
    public java.util.Optional<BertEncoder> loadedEncoder() {
        return java.util.Optional.ofNullable(encoder);
    }

    private BertEncoder miniLm() {
        if (encoder == null) {
            encoder = BertEncoder.miniLm();
        }
        return encoder;
    }
}
