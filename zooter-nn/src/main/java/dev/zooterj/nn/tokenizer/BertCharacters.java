package dev.zooterj.nn.tokenizer;

/**
 * Character classes of the Hugging Face (Rust) BERT normalizer and pre-tokenizer.
 *
 * <p>These differ from the JDK's own predicates and from Python BERT on purpose: Rust's {@code char::is_whitespace}
 * is the Unicode White_Space property (it includes U+00A0 and U+202F, which {@link Character#isWhitespace(int)}
 * excludes); the {@code unicode_categories} crate's "other" (removed by clean-text) is only Cc, Cf and Co, so
 * unassigned code points survive and become {@code [UNK]}; and accent stripping removes only non-spacing marks (Mn),
 * not Mc or Me. Categories come from {@link Unicode8Categories}, the Unicode version the Rust crate was built with.
 * Code points below 128 are answered from a table because they dominate real queries.
 */
final class BertCharacters {
    private static final byte WORD = 0;
    private static final byte WHITESPACE = 1;
    private static final byte PUNCTUATION = 2;
    private static final byte CONTROL = 3;
    private static final byte[] ASCII_CLASS = asciiClasses();

    private BertCharacters() {
    }

    /** Unicode White_Space, as Rust's {@code char::is_whitespace}. */
    static boolean isWhitespace(int cp) {
        if (cp < 128) {
            return ASCII_CLASS[cp] == WHITESPACE || cp == 0x0B || cp == 0x0C;
        }
        return switch (cp) {
            case 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000 -> true;
            default -> cp >= 0x2000 && cp <= 0x200A;
        };
    }

    /**
     * Characters that clean-text removes: NUL, U+FFFD, and every control, format or private-use code point (Cc, Cf,
     * Co) except tab, newline and carriage return, which BERT counts as whitespace. A lone surrogate (invalid UTF-16)
     * counts as U+FFFD, which is what it becomes on the way to the Rust tokenizer's UTF-8.
     */
    static boolean isRemovedByCleanText(int cp) {
        if (cp < 128) {
            return ASCII_CLASS[cp] == CONTROL;
        }
        return cp == 0xFFFD || (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE)
                || Unicode8Categories.isOther(cp);
    }

    /** ASCII punctuation (33-47, 58-64, 91-96, 123-126) or any Unicode punctuation category (P*). */
    static boolean isPunctuation(int cp) {
        if (cp < 128) {
            return ASCII_CLASS[cp] == PUNCTUATION;
        }
        return Unicode8Categories.isPunctuation(cp);
    }

    /**
     * The CJK blocks that BERT splits into one token per character. The ranges are the Rust crate's, which keep
     * the original BERT list (including its 0x2B920 start for the extension-E block).
     */
    static boolean isChineseChar(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF)
                || (cp >= 0x3400 && cp <= 0x4DBF)
                || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F)
                || (cp >= 0x2B740 && cp <= 0x2B81F)
                || (cp >= 0x2B920 && cp <= 0x2CEAF)
                || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }

    /** Non-spacing marks (Mn), the accents that accent stripping removes after NFD. */
    static boolean isNonSpacingMark(int cp) {
        // no marks below the Combining Diacritical Marks block
        return cp >= 0x300 && Unicode8Categories.isNonSpacingMark(cp);
    }

    private static byte[] asciiClasses() {
        byte[] classes = new byte[128];
        for (int c = 0; c < 128; c++) {
            if (c == '\t' || c == '\n' || c == '\r' || c == ' ') {
                classes[c] = WHITESPACE;
            } else if (c < 32 || c == 127) {
                classes[c] = CONTROL; // includes \u000B and \u000C: controls first, so clean-text drops them
            } else if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126)) {
                classes[c] = PUNCTUATION;
            } else {
                classes[c] = WORD;
            }
        }
        return classes;
    }
}
