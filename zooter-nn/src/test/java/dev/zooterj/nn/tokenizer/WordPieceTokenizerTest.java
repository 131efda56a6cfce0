package dev.zooterj.nn.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The public API on the MiniLM vocabulary, without the reference implementation. */
class WordPieceTokenizerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final WordPieceTokenizer tokenizer = WordPieceTokenizer.miniLm();

    @Test
    void miniLmIsLoadedOnceWithBertSpecialIds() {
        assertSame(tokenizer, WordPieceTokenizer.miniLm());
        assertEquals(30522, tokenizer.vocabSize());
        assertEquals(0, tokenizer.padId());
        assertEquals(100, tokenizer.unkId());
        assertEquals(101, tokenizer.clsId());
        assertEquals(102, tokenizer.sepId());
    }

    @Test
    void identityNamesTheVocabularyAndHashesItsBytes() throws Exception {
        byte[] json = miniLmJson();
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json)).substring(0, 16);
        assertEquals("wordpiece:all-minilm-l6-v2:sha256=" + sha, tokenizer.identity());
        WordPieceTokenizer copy = WordPieceTokenizer.fromHuggingFaceJson(new ByteArrayInputStream(json));
        assertEquals("wordpiece:custom:sha256=" + sha, copy.identity());
    }

    @Test
    void splitsOnPunctuationAndIntoContinuationPieces() {
        assertEquals(List.of("hello", ",", "world", "!"), tokenizer.tokens("Hello, World!"));
        assertEquals(List.of("cafe", "naive", "ang", "##strom"), tokenizer.tokens("café naïve Ångström"));
        assertEquals(List.of("中", "文"), tokenizer.tokens("中文"));
    }

    @Test
    void unknownAndOverlongWordsBecomeOneUnknownToken() {
        assertEquals(List.of("[UNK]"), tokenizer.tokens("🤖"));
        assertEquals(List.of("[UNK]"), tokenizer.tokens("a".repeat(101)));
        assertEquals(List.of("a", "[UNK]", "b"), tokenizer.tokens("a " + "x".repeat(150) + " b"));
    }

    @Test
    void specialTokensWrittenInTheTextAreRecognised() {
        assertArrayEquals(new int[] {101, 1037, 103, 1038, 102}, tokenizer.encode("a [MASK]b", 16));
    }

    @Test
    void aLoneSurrogateCountsAsReplacementCharacterAndIsCleanedAway() {
        assertEquals(List.of("ab"), tokenizer.tokens("a\uD800b"));
        // DJL would also drop the emoji here (its JNI conversion garbles the whole string); we keep it.
        assertEquals(List.of("[UNK]", "x"), tokenizer.tokens("\uD83E\uDD16\uDC00 x"));
    }

    @Test
    void emptyTextIsClsSep() {
        assertArrayEquals(new int[] {101, 102}, tokenizer.encode("", 256));
        assertArrayEquals(new int[] {101, 102}, tokenizer.encode(" \t\u0000 ", 256));
    }

    @Test
    void truncationKeepsClsAndSepAndAPrefixOfThePieces() {
        String text = "one two three four five six seven";
        int[] full = tokenizer.encode(text, 256);
        int[] cut = tokenizer.encode(text, 5);
        assertArrayEquals(new int[] {101, full[1], full[2], full[3], 102}, cut);
        assertArrayEquals(new int[] {101, 102}, tokenizer.encode(text, 2));
    }

    @Test
    void maxTokensBelowTwoIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tokenizer.encode("x", 1));
        assertTrue(e.getMessage().contains("at least 2"), e.getMessage());
    }

    @Test
    void batchIsPaddedToItsLongestRowWithAMask() {
        TokenizedBatch batch = tokenizer.encodeBatch(List.of("hi", "hello world how are you", ""), 256);
        assertEquals(3, batch.batchSize());
        assertEquals(7, batch.sequenceLength());
        assertArrayEquals(new int[] {3, 7, 2}, batch.lengths());
        assertArrayEquals(new int[] {101, 7632, 102, 0, 0, 0, 0}, batch.ids()[0]);
        assertArrayEquals(new int[] {1, 1, 1, 0, 0, 0, 0}, batch.attentionMask()[0]);
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 1}, batch.attentionMask()[1]);
        assertArrayEquals(new int[] {101, 102, 0, 0, 0, 0, 0}, batch.ids()[2]);
    }

    @Test
    void batchRowsAreTruncatedBeforePadding() {
        TokenizedBatch batch = tokenizer.encodeBatch(List.of("a b c d e f g h", "a"), 4);
        assertEquals(4, batch.sequenceLength());
        assertArrayEquals(new int[] {101, 1037, 1038, 102}, batch.ids()[0]);
        assertArrayEquals(new int[] {101, 1037, 102, 0}, batch.ids()[1]);
    }

    @Test
    void emptyBatchHasNoRows() {
        TokenizedBatch batch = tokenizer.encodeBatch(List.of(), 256);
        assertEquals(0, batch.batchSize());
        assertEquals(0, batch.sequenceLength());
    }

    @Test
    void concurrentCallersGetTheSameIds() throws Exception {
        List<String> texts = ParityCases.all();
        List<int[]> expected = new ArrayList<>();
        texts.forEach(t -> expected.add(tokenizer.encode(t, 256)));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<int[]>>> results = new ArrayList<>();
            for (int thread = 0; thread < 4; thread++) {
                results.add(pool.submit(() -> texts.stream().map(t -> tokenizer.encode(t, 256)).toList()));
            }
            for (Future<List<int[]>> result : results) {
                List<int[]> ids = result.get();
                for (int i = 0; i < texts.size(); i++) {
                    assertArrayEquals(expected.get(i), ids.get(i));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void unsupportedPipelinesAreRejectedWithTheSupportedChoice() throws Exception {
        ObjectNode json = miniLmJsonTree();
        ((ObjectNode) json.get("pre_tokenizer")).put("type", "Whitespace");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WordPieceTokenizer.fromHuggingFaceJson(stream(json)));
        assertTrue(e.getMessage().contains("Whitespace") && e.getMessage().contains("BertPreTokenizer"),
                e.getMessage());
    }

    @Test
    void bertProcessingAndACasedNormalizerAreRead() throws Exception {
        ObjectNode json = miniLmJsonTree();
        ObjectNode processor = json.putObject("post_processor").put("type", "BertProcessing");
        processor.putArray("sep").add("[SEP]").add(102);
        processor.putArray("cls").add("[CLS]").add(101);
        ((ObjectNode) json.get("normalizer")).put("lowercase", false);
        WordPieceTokenizer cased = WordPieceTokenizer.fromHuggingFaceJson("cased", stream(json));
        assertEquals(101, cased.clsId());
        assertEquals(102, cased.sepId());
        // Without lower-casing (and so, by default, without accent stripping) "Hello" is not in the vocabulary.
        assertEquals(List.of("[UNK]", "world", "[UNK]"), cased.tokens("Hello world café"));
    }

    private static InputStream stream(ObjectNode json) throws IOException {
        return new ByteArrayInputStream(JSON.writeValueAsBytes(json));
    }

    private static ObjectNode miniLmJsonTree() throws IOException {
        return (ObjectNode) JSON.readTree(miniLmJson());
    }

    private static byte[] miniLmJson() throws IOException {
        try (InputStream in = WordPieceTokenizer.class.getResourceAsStream(WordPieceTokenizer.MINI_LM_RESOURCE)) {
            return in.readAllBytes();
        }
    }
}
