package dev.zooterj.nn.encoder;

/**
 * Shape of a BERT-family encoder (Hugging Face {@code BertConfig} names in brackets).
 *
 * @param vocabSize     rows of the word-embedding table ({@code vocab_size})
 * @param hidden        width of every token vector ({@code hidden_size}); also the pooled dimension
 * @param layers        transformer layers ({@code num_hidden_layers})
 * @param heads         attention heads per layer ({@code num_attention_heads}); must divide {@code hidden}
 * @param intermediate  width of the feed-forward layer ({@code intermediate_size})
 * @param maxPositions  rows of the position-embedding table, i.e. the longest input ({@code max_position_embeddings})
 * @param typeVocabSize rows of the token-type (segment) table ({@code type_vocab_size}); only type 0 is used
 * @param layerNormEps  added to the variance inside every layer norm ({@code layer_norm_eps})
 */
public record BertConfig(int vocabSize, int hidden, int layers, int heads, int intermediate, int maxPositions,
                         int typeVocabSize, double layerNormEps) {

    public BertConfig {
        requirePositive("vocabSize", vocabSize);
        requirePositive("hidden", hidden);
        requirePositive("layers", layers);
        requirePositive("heads", heads);
        requirePositive("intermediate", intermediate);
        requirePositive("maxPositions", maxPositions);
        requirePositive("typeVocabSize", typeVocabSize);
        if (hidden % heads != 0) {
            throw new IllegalArgumentException("hidden (" + hidden + ") must be a multiple of heads (" + heads + ")");
        }
        if (!(layerNormEps > 0) || Double.isInfinite(layerNormEps)) {
            throw new IllegalArgumentException("layerNormEps must be a positive number, got " + layerNormEps);
        }
    }

    /** sentence-transformers/all-MiniLM-L6-v2: 22.7M parameters, 384-d, 6 layers, 12 heads of 32. */
    public static BertConfig miniLmL6() {
        return new BertConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-12);
    }

    /**
     * A small encoder for tests and from-scratch experiments: {@code hidden} wide, {@code layers} deep, heads of
     * 8 (at least one), a 4x feed-forward, at most 128 tokens.
     */
    public static BertConfig small(int vocabSize, int hidden, int layers) {
        int heads = Math.max(1, hidden / 8);
        return new BertConfig(vocabSize, hidden, layers, heads, 4 * hidden, 128, 2, 1e-12);
    }

    /** Width of one attention head. */
    public int headSize() {
        return hidden / heads;
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
