package dev.zooterj.nn.tokenizer;

import java.text.Normalizer;

/**
 * The Hugging Face {@code BertNormalizer}: clean text, put spaces around CJK ideographs, strip accents, lower-case,
 * applied in that order as the Rust implementation does.
 *
 * <p>ASCII takes a single pass (it is unchanged by NFD and has no marks, so it can be lower-cased early); only text
 * that contains other characters pays for NFD and the per-code-point folding.
 *
 * @param cleanText          drop control/format/unassigned characters, NUL and U+FFFD; map whitespace to a space
 * @param handleChineseChars surround each CJK ideograph with spaces so it becomes a word of its own
 * @param stripAccents       NFD, then drop non-spacing marks (Mn) (the JSON's {@code null} means "same as lowercase")
 * @param lowercase          full Unicode lower-casing, code point by code point
 */
record BertNormalizer(boolean cleanText, boolean handleChineseChars, boolean stripAccents, boolean lowercase) {

    /** Normalizes {@code text[from, to)}. */
    String normalize(String text, int from, int to) {
        StringBuilder out = new StringBuilder(to - from + 16);
        boolean sawNonAscii = false;
        for (int i = from; i < to; ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cleanText) {
                if (BertCharacters.isRemovedByCleanText(cp)) {
                    continue;
                }
                if (BertCharacters.isWhitespace(cp)) {
                    cp = ' ';
                }
            }
            if (cp < 128) {
                out.append((char) (lowercase && cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp));
            } else {
                sawNonAscii = true;
                if (handleChineseChars && BertCharacters.isChineseChar(cp)) {
                    out.append(' ').appendCodePoint(cp).append(' ');
                } else {
                    out.appendCodePoint(cp);
                }
            }
        }
        return sawNonAscii && (stripAccents || lowercase) ? foldNonAscii(out) : out.toString();
    }

    private String foldNonAscii(CharSequence text) {
        // Whole-string NFD (not per character) so that canonical reordering of marks matches the Rust pipeline.
        String decomposed = stripAccents ? Normalizer.normalize(text, Normalizer.Form.NFD) : text.toString();
        StringBuilder out = new StringBuilder(decomposed.length());
        for (int i = 0; i < decomposed.length(); ) {
            int cp = decomposed.codePointAt(i);
            i += Character.charCount(cp);
            if (stripAccents && BertCharacters.isNonSpacingMark(cp)) {
                continue;
            }
            if (lowercase) {
                appendLowerCase(out, cp);
            } else {
                out.appendCodePoint(cp);
            }
        }
        return out.toString();
    }

    /**
     * Rust's {@code char::to_lowercase} is the full (not the simple) mapping; the only code point where the two
     * differ unconditionally is U+0130 (capital I with dot above), which becomes "i" plus a combining dot.
     * Context-dependent rules such as the Greek final sigma are not applied, so no String-level lower-casing.
     */
    private static void appendLowerCase(StringBuilder out, int cp) {
        if (cp == 0x130) {
            out.append("i\u0307");
        } else {
            out.appendCodePoint(Character.toLowerCase(cp));
        }
    }
}
