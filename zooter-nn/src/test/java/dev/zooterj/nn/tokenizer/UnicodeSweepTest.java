package dev.zooterj.nn.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Unicode code points, each alone, inside a word and next to an upper-case letter, against the real Hugging Face
 * tokenizer. This is what pins the character classes (whitespace, punctuation, controls, marks, CJK), the
 * Unicode 8.0 overrides, NFD and lower-casing. Every code point the JDK knows as assigned is swept (and every
 * surrogate); of the unassigned and private-use ones, which no Unicode version since 8.0 has classified
 * differently, one in {@value #SPARSE_STEP} (the full sweep of all 1,114,112 passed once, but takes half a minute).
 */
class UnicodeSweepTest {
    private static final int BATCH = 8192;
    private static final int NO_TRUNCATION = 1_000_000;
    private static final int SPARSE_STEP = 61;

    @Test
    void everyCodePointIsTokenizedLikeHuggingFace() {
        WordPieceTokenizer tokenizer = WordPieceTokenizer.miniLm();
        List<String> mismatches = new ArrayList<>();
        try (HuggingFaceReference reference = HuggingFaceReference.untruncated()) {
            List<String> batch = new ArrayList<>(BATCH);
            for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
                if (!isSwept(cp) && cp != Character.MAX_CODE_POINT) {
                    continue;
                }
                String c = new String(Character.toChars(cp));
                batch.add("x" + c + "y " + c + " Z" + c + c);
                if (batch.size() == BATCH || cp == Character.MAX_CODE_POINT) {
                    compare(tokenizer, reference, batch, mismatches);
                    batch.clear();
                }
            }
        }
        assertTrue(mismatches.isEmpty(), mismatches.size() + " code points differ, first: "
                + mismatches.subList(0, Math.min(20, mismatches.size())));
    }

    private static boolean isSwept(int cp) {
        int type = Character.getType(cp);
        return (type != Character.UNASSIGNED && type != Character.PRIVATE_USE) || cp % SPARSE_STEP == 0;
    }

    private static void compare(WordPieceTokenizer tokenizer, HuggingFaceReference reference, List<String> texts,
                                List<String> mismatches) {
        int[][] expected = reference.batchIds(texts);
        for (int i = 0; i < texts.size(); i++) {
            int[] actual = tokenizer.encode(texts.get(i), NO_TRUNCATION);
            if (!Arrays.equals(expected[i], actual)) {
                mismatches.add(String.format("U+%04X %s vs %s", texts.get(i).codePointAt(1),
                        Arrays.toString(expected[i]), Arrays.toString(actual)));
            }
        }
    }
}
