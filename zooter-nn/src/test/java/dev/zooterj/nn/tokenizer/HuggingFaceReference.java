package dev.zooterj.nn.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The real Hugging Face tokenizer (Rust, through DJL's JNI binding) loaded from the same MiniLM
 * {@code tokenizer.json}, as the reference our ids must equal.
 *
 * <p>DJL's options are set explicitly so the comparison is apples to apples: left to itself DJL would apply the
 * JSON's truncation to 128 tokens and pad. {@code addSpecialTokens} gives [CLS] ... [SEP]; with truncation on,
 * {@code maxLength} counts the special tokens, as our {@code maxTokens} does.
 */
final class HuggingFaceReference implements AutoCloseable {
    static {
        // Unpack the native library under target/ instead of ~/.djl.ai, and never phone home from a test.
        System.setProperty("DJL_CACHE_DIR", Path.of("target", "djl-cache").toAbsolutePath().toString());
        System.setProperty("OPT_OUT_TRACKING", "true");
    }

    private final HuggingFaceTokenizer tokenizer;

    private HuggingFaceReference(InputStream json, Map<String, String> options) {
        try (json) {
            this.tokenizer = HuggingFaceTokenizer.newInstance(json, options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream miniLmJson() {
        return HuggingFaceReference.class.getResourceAsStream(WordPieceTokenizer.MINI_LM_RESOURCE);
    }

    /** [CLS] ... [SEP], no truncation, no padding. */
    static HuggingFaceReference untruncated() {
        return untruncated(miniLmJson());
    }

    /** Another tokenizer.json, [CLS] ... [SEP], no truncation, no padding. */
    static HuggingFaceReference untruncated(InputStream json) {
        return new HuggingFaceReference(json,
                Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false"));
    }

    /** [CLS] ... [SEP] truncated to {@code maxLength} tokens in all; batches padded to their longest row. */
    static HuggingFaceReference truncatedTo(int maxLength) {
        return new HuggingFaceReference(miniLmJson(), Map.of("addSpecialTokens", "true", "truncation", "true",
                "maxLength", Integer.toString(maxLength), "padding", "true"));
    }

    int[] ids(String text) {
        return toInts(tokenizer.encode(text).getIds());
    }

    /** Word pieces without [CLS]/[SEP]. */
    List<String> tokens(String text) {
        String[] tokens = tokenizer.encode(text, false, false).getTokens();
        return Arrays.asList(tokens);
    }

    /** Ids of many texts in one native call (rows are padded only if this reference pads). */
    int[][] batchIds(List<String> texts) {
        Encoding[] encodings = tokenizer.batchEncode(texts);
        int[][] ids = new int[encodings.length][];
        for (int i = 0; i < encodings.length; i++) {
            ids[i] = toInts(encodings[i].getIds());
        }
        return ids;
    }

    int[][] batchAttentionMasks(List<String> texts) {
        Encoding[] encodings = tokenizer.batchEncode(texts);
        int[][] masks = new int[encodings.length][];
        for (int i = 0; i < encodings.length; i++) {
            masks[i] = toInts(encodings[i].getAttentionMask());
        }
        return masks;
    }

    private static int[] toInts(long[] values) {
        return Arrays.stream(values).mapToInt(Math::toIntExact).toArray();
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
