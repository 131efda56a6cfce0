package dev.zooterj.nn.tokenizer;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Random strings, from raw UTF-16 to text-like mixtures, give the same ids as the real Hugging Face tokenizer.
 *
 * <p>One combination is left out: a string holding both a lone surrogate and a valid surrogate pair. DJL hands Java
 * strings to Rust through JNI, and when a string is not valid UTF-16 its conversion falls back to lossy decoding of
 * Java's modified UTF-8, which turns every supplementary character (emoji, CJK extension B, ...) of that string
 * into U+FFFD, so they vanish. That is an artefact of the binding, not of the tokenizer (Python's binding refuses
 * such strings); we treat only the lone surrogate as U+FFFD. Lone surrogates alone, and pairs alone, are compared.
 */
class HuggingFaceParityProperties {
    private static final int NO_TRUNCATION = 1_000_000;
    private static final List<String> FRAGMENTS = List.of(
            "the", "Route", "ROUTER", "query", "encoder", "un", "##", "able", "café", "Ångström", "naïve", "ß",
            "e\u0301", "İ", "Σ", "中", "文字", "日本", "한국", "🤖", "👍🏽", "\u200D", "\uFE0F", "[MASK]", "[CLS]",
            "[mask]", "[", "]", "don't", "$1,234.56", "...", "—", "«", "¿", "@", "#", "_", "-", "/", "\\", "\"",
            " ", " ", " ", "  ", "\t", "\n", "\u00A0", "\u3000", "\u2028", "\u0000", "\u0007", "\u00AD", "\uFFFD",
            "\uE000", "\uD800", "x".repeat(60), "0", "42", "3.14", "ᚠ", "ﬁ", "\u2126", "\u166D", "\u2E43");

    private static HuggingFaceReference reference;
    private final WordPieceTokenizer tokenizer = WordPieceTokenizer.miniLm();

    @BeforeContainer
    static void loadReference() {
        reference = HuggingFaceReference.untruncated();
    }

    @AfterContainer
    static void closeReference() {
        reference.close();
    }

    @Property(tries = 400)
    void anyUtf16StringGivesTheSameIds(@ForAll("anyChars") String text) {
        assertSameIds(text);
    }

    @Property(tries = 400)
    void anyCodePointStringGivesTheSameIds(@ForAll("codePointStrings") String text) {
        assertSameIds(text);
    }

    @Property(tries = 400)
    void textLikeStringsGiveTheSameIds(@ForAll("textLike") String text) {
        assertSameIds(text);
    }

    @Property(tries = 300)
    void truncationKeepsClsAPrefixAndSep(@ForAll("textLike") String text,
                                         @ForAll @IntRange(min = 2, max = 40) int maxTokens) {
        int[] full = tokenizer.encode(text, NO_TRUNCATION);
        int kept = Math.min(maxTokens, full.length) - 1;
        int[] expected = Arrays.copyOf(full, kept + 1);
        expected[kept] = tokenizer.sepId();
        assertArrayEquals(expected, tokenizer.encode(text, maxTokens));
    }

    /** Any chars, lone surrogates included. */
    @Provide
    Arbitrary<String> anyChars() {
        return Arbitraries.strings().all().ofMaxLength(40).filter(HuggingFaceParityProperties::djlPassesIntact);
    }

    /** Valid code points, weighted towards the planes where text lives. */
    @Provide
    Arbitrary<String> codePointStrings() {
        Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.integers().between(0, 0x7F)),
                Tuple.of(4, Arbitraries.integers().between(0x80, 0x2FFF)),
                Tuple.of(3, Arbitraries.integers().between(0x3000, 0xFFFF)),
                Tuple.of(2, Arbitraries.integers().between(0x10000, 0x10FFFF)))
                .filter(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE);
        return codePoint.list().ofMaxSize(30)
                .map(cps -> cps.stream().collect(StringBuilder::new, StringBuilder::appendCodePoint,
                        StringBuilder::append).toString());
    }

    /** Fragments that hit one pipeline stage each, glued together in random order. */
    @Provide
    Arbitrary<String> textLike() {
        return Arbitraries.of(FRAGMENTS).list().ofMaxSize(30).map(parts -> String.join("", parts))
                .filter(HuggingFaceParityProperties::djlPassesIntact);
    }

    /** False for the strings whose supplementary characters DJL's JNI conversion destroys (see the class doc). */
    static boolean djlPassesIntact(String text) {
        boolean lone = false;
        boolean pair = false;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            lone |= cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE;
            pair |= cp >= Character.MIN_SUPPLEMENTARY_CODE_POINT;
            i += Character.charCount(cp);
        }
        return !(lone && pair);
    }

    private void assertSameIds(String text) {
        assertArrayEquals(reference.ids(text), tokenizer.encode(text, NO_TRUNCATION));
    }
}
