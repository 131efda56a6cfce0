package dev.zooterj.nn.tokenizer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Our ids against the real Hugging Face tokenizer on hand-picked hard cases. */
class HuggingFaceParityTest {
    private static final int NO_TRUNCATION = 1_000_000;

    private static HuggingFaceReference untruncated;
    private static HuggingFaceReference truncated256;
    private static HuggingFaceReference truncated16;
    private final WordPieceTokenizer tokenizer = WordPieceTokenizer.miniLm();

    @BeforeAll
    static void loadReferences() {
        untruncated = HuggingFaceReference.untruncated();
        truncated256 = HuggingFaceReference.truncatedTo(256);
        truncated16 = HuggingFaceReference.truncatedTo(16);
    }

    @AfterAll
    static void closeReferences() {
        untruncated.close();
        truncated256.close();
        truncated16.close();
    }

    @Test
    void everyCaseGivesTheSameIdsAsHuggingFace() {
        List<String> failures = new ArrayList<>();
        int compared = 0;
        for (Map.Entry<String, List<String>> theme : ParityCases.byTheme().entrySet()) {
            for (String text : theme.getValue()) {
                int[] expected = untruncated.ids(text);
                int[] actual = tokenizer.encode(text, NO_TRUNCATION);
                compared++;
                if (!Arrays.equals(expected, actual)) {
                    failures.add(theme.getKey() + " " + quoted(text) + "\n  expected " + Arrays.toString(expected)
                            + "\n  actual   " + Arrays.toString(actual));
                }
            }
        }
        assertTrue(compared > 100, "only " + compared + " cases");
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + compared + " differ:\n" + String.join("\n", failures));
        }
    }

    @Test
    void wordPiecesMatchHuggingFaceTokens() {
        for (String text : ParityCases.all()) {
            assertEquals(untruncated.tokens(text), tokenizer.tokens(text), () -> quoted(text));
        }
    }

    @Test
    void truncationAt256KeepsClsAndSepLikeHuggingFace() {
        String text = ParityCases.LONG_PARAGRAPH;
        assertTrue(untruncated.ids(text).length > 256, "the paragraph must be long enough to be truncated");
        int[] ids = tokenizer.encode(text, 256);
        assertArrayEquals(truncated256.ids(text), ids);
        assertEquals(256, ids.length);
        assertEquals(tokenizer.sepId(), ids[255]);
    }

    @Test
    void truncationAt16MatchesHuggingFaceOnEveryCase() {
        for (String text : ParityCases.all()) {
            assertArrayEquals(truncated16.ids(text), tokenizer.encode(text, 16), () -> quoted(text));
        }
    }

    @Test
    void textsLongerThanOneNormalizationChunkMatch() {
        // Segments over 2048 chars are normalized in pieces cut at spaces; the cut must not show.
        List<String> texts = List.of(
                "ÀB ".repeat(1500),
                "word".repeat(700) + " tail",
                "x".repeat(2047) + " Ünïcödé " + "y".repeat(3000),
                ("日本語 [MASK] café\u00A0naïve\t" + "z".repeat(97) + " ").repeat(60));
        for (String text : texts) {
            assertArrayEquals(untruncated.ids(text), tokenizer.encode(text, NO_TRUNCATION), () -> "length "
                    + text.length());
            assertArrayEquals(truncated256.ids(text), tokenizer.encode(text, 256), () -> "length " + text.length());
        }
    }

    @Test
    void batchesMatchHuggingFacePaddingToTheLongest() {
        List<String> texts = List.of("short", "", "a somewhat longer query about routing", "中文字符 👍🏽",
                ParityCases.LONG_PARAGRAPH);
        TokenizedBatch batch = tokenizer.encodeBatch(texts, 16);
        assertArrayEquals(truncated16.batchIds(texts), batch.ids());
        assertArrayEquals(truncated16.batchAttentionMasks(texts), batch.attentionMask());
    }

    private static String quoted(String text) {
        StringBuilder out = new StringBuilder("\"");
        text.codePoints().limit(80).forEach(cp -> {
            if (cp >= 0x20 && cp < 0x7F) {
                out.appendCodePoint(cp);
            } else {
                out.append(String.format("\\u{%X}", cp));
            }
        });
        return out.append(text.length() > 80 ? "...\"" : "\"").toString();
    }
}
