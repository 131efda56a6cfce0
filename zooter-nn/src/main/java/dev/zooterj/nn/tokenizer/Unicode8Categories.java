package dev.zooterj.nn.tokenizer;

/**
 * General categories as the Hugging Face Rust tokenizer sees them, for the three questions the BERT pipeline asks
 * (punctuation? non-spacing mark? control/format/private-use?).
 *
 * <p>The Rust code classifies with the {@code unicode_categories} 0.1.1 crate, whose tables are Unicode 8.0, while
 * JDK 17 knows Unicode 13.0. Characters assigned since then are unassigned to the crate (kept as ordinary word
 * characters), and a few changed category (U+166D Po to So, U+111C9 Po to Mn, U+1885..1886 Lo to Mn). The tables
 * below list exactly the code points where the JDK's answer must be overridden. They were found by sweeping every
 * code point assigned in Unicode 13 through the Rust tokenizer (DJL 0.36.0, tokenizers 0.21.0) with one normalizer
 * step switched on at a time; {@code UnicodeSweepTest} repeats the comparison over all code points.
 */
final class Unicode8Categories {

    /** Code points the JDK calls punctuation (P*) that Unicode 8.0 did not. Pairs of first, last. */
    private static final int[] PUNCTUATION_NOT_IN_UNICODE_8 = {
            0x09FD, 0x09FD, 0x0A76, 0x0A76, 0x0C77, 0x0C77, 0x0C84, 0x0C84, 0x2E43, 0x2E4F, 0x2E52, 0x2E52,
            0x10EAD, 0x10EAD, 0x10F55, 0x10F59, 0x1144B, 0x1144F, 0x1145A, 0x1145B, 0x1145D, 0x1145D,
            0x11660, 0x1166C, 0x1183B, 0x1183B, 0x11944, 0x11946, 0x119E2, 0x119E2, 0x11A3F, 0x11A46,
            0x11A9A, 0x11A9C, 0x11A9E, 0x11AA2, 0x11C41, 0x11C45, 0x11C70, 0x11C71, 0x11EF7, 0x11EF8,
            0x11FFF, 0x11FFF, 0x16E97, 0x16E9A, 0x16FE2, 0x16FE2, 0x1E95E, 0x1E95F
    };

    /** Code points that were punctuation in Unicode 8.0 but are not in the JDK's tables. */
    private static final int CANADIAN_SYLLABICS_CHI_SIGN = 0x166D;
    private static final int SHARADA_SANDHI_MARK = 0x111C9;

    /** Code points the JDK calls format characters (Cf) that Unicode 8.0 did not. Pairs of first, last. */
    private static final int[] FORMAT_NOT_IN_UNICODE_8 = {
            0x08E2, 0x08E2, 0x110CD, 0x110CD, 0x13430, 0x13438
    };

    /** Code points the JDK calls non-spacing marks (Mn) that Unicode 8.0 did not. Pairs of first, last. */
    private static final int[] NON_SPACING_MARKS_NOT_IN_UNICODE_8 = {
            0x07FD, 0x07FD, 0x08D3, 0x08E1, 0x09FE, 0x09FE, 0x0AFA, 0x0AFF, 0x0B55, 0x0B55, 0x0C04, 0x0C04,
            0x0D00, 0x0D00, 0x0D3B, 0x0D3C, 0x0D81, 0x0D81, 0x0EBA, 0x0EBA, 0x1885, 0x1886, 0x1ABF, 0x1AC0,
            0x1DF6, 0x1DF9, 0x1DFB, 0x1DFB, 0xA82C, 0xA82C, 0xA8C5, 0xA8C5, 0xA8FF, 0xA8FF, 0xA9BD, 0xA9BD,
            0x10D24, 0x10D27, 0x10EAB, 0x10EAC, 0x10F46, 0x10F50, 0x111C9, 0x111C9, 0x111CF, 0x111CF,
            0x1123E, 0x1123E, 0x1133B, 0x1133B, 0x11438, 0x1143F, 0x11442, 0x11444, 0x11446, 0x11446,
            0x1145E, 0x1145E, 0x1182F, 0x11837, 0x11839, 0x1183A, 0x1193B, 0x1193C, 0x1193E, 0x1193E,
            0x11943, 0x11943, 0x119D4, 0x119D7, 0x119DA, 0x119DB, 0x119E0, 0x119E0, 0x11A01, 0x11A0A,
            0x11A33, 0x11A38, 0x11A3B, 0x11A3E, 0x11A47, 0x11A47, 0x11A51, 0x11A56, 0x11A59, 0x11A5B,
            0x11A8A, 0x11A96, 0x11A98, 0x11A99, 0x11C30, 0x11C36, 0x11C38, 0x11C3D, 0x11C3F, 0x11C3F,
            0x11C92, 0x11CA7, 0x11CAA, 0x11CB0, 0x11CB2, 0x11CB3, 0x11CB5, 0x11CB6, 0x11D31, 0x11D36,
            0x11D3A, 0x11D3A, 0x11D3C, 0x11D3D, 0x11D3F, 0x11D45, 0x11D47, 0x11D47, 0x11D90, 0x11D91,
            0x11D95, 0x11D95, 0x11D97, 0x11D97, 0x11EF3, 0x11EF4, 0x16F4F, 0x16F4F, 0x16FE4, 0x16FE4,
            0x1E000, 0x1E006, 0x1E008, 0x1E018, 0x1E01B, 0x1E021, 0x1E023, 0x1E024, 0x1E026, 0x1E02A,
            0x1E130, 0x1E136, 0x1E2EC, 0x1E2EF, 0x1E944, 0x1E94A
    };

    private Unicode8Categories() {
    }

    /** Any punctuation category (Pc, Pd, Ps, Pe, Pi, Pf, Po) in Unicode 8.0. */
    static boolean isPunctuation(int cp) {
        return switch (Character.getType(cp)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
                    Character.FINAL_QUOTE_PUNCTUATION, Character.OTHER_PUNCTUATION ->
                    !inRanges(PUNCTUATION_NOT_IN_UNICODE_8, cp);
            default -> cp == CANADIAN_SYLLABICS_CHI_SIGN || cp == SHARADA_SANDHI_MARK;
        };
    }

    /** Non-spacing mark (Mn) in Unicode 8.0. */
    static boolean isNonSpacingMark(int cp) {
        return Character.getType(cp) == Character.NON_SPACING_MARK && !inRanges(NON_SPACING_MARKS_NOT_IN_UNICODE_8, cp);
    }

    /** Control, format or private-use (Cc, Cf, Co) in Unicode 8.0: the crate's {@code is_other}. */
    static boolean isOther(int cp) {
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.PRIVATE_USE -> true;
            case Character.FORMAT -> !inRanges(FORMAT_NOT_IN_UNICODE_8, cp);
            default -> false;
        };
    }

    /** Whether {@code cp} lies in one of the sorted, disjoint [first, last] pairs of {@code ranges}. */
    private static boolean inRanges(int[] ranges, int cp) {
        int lo = 0;
        int hi = ranges.length / 2 - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (cp < ranges[2 * mid]) {
                hi = mid - 1;
            } else if (cp > ranges[2 * mid + 1]) {
                lo = mid + 1;
            } else {
                return true;
            }
        }
        return false;
    }
}
