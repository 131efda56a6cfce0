package dev.zooterj.data.tags;

import java.util.List;

/**
 * Turns texts into fixed-length vectors, for clustering queries ({@link ClusterTagger}). The data layer needs no
 * encoder of its own: {@code zooter-nn} supplies the pretrained MiniLM behind this interface.
 */
public interface TextEmbedder {
    /** Identity of the encoder (weights and tokenizer): equal identities and max tokens give equal embeddings. */
    String encoder();

    /** Tokens kept per text before embedding. */
    int maxTokens();

    /** Length of every vector. */
    int dimension();

    /** One vector per text, in order. */
    float[][] embed(List<String> texts);
}
