package dev.zooterj.bench.report;

import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportFormatsTest {

    @Property(tries = 300)
    void aMarkdownTableRowKeepsItsCellsWhateverTheText(@ForAll @StringLength(max = 30) String cell) {
        ReportDocument doc = new ReportDocument.Builder("t")
                .table(List.of("name", "value"), List.of(List.of(cell, "1.5")), "").build();
        String md = MarkdownFormat.render(doc);
        List<String> lines = md.lines().filter(l -> l.startsWith("|")).toList();
        assertEquals(3, lines.size(), md);
        // cells are separated by pipes that are not escaped
        assertEquals(3, lines.get(2).split("(?<!\\\\)\\|", -1).length - 1, md);
    }

    @Property(tries = 300)
    void htmlTextIsAlwaysEscaped(@ForAll @StringLength(max = 30) String text) {
        String html = HtmlFormat.escape(text);
        assertFalse(html.contains("<") || html.contains(">") || html.contains("\""), html);
        assertEquals(text, html.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&#39;", "'").replace("&amp;", "&"));
    }

    /** Replays of a failed sample are left out: recreating a shrunk extreme double can take jqwik very long. */
    @Property(tries = 300, afterFailure = AfterFailureMode.RANDOM_SEED)
    void numbersNeverPrintNaNOrInfinity(@ForAll("anyDouble") double v) {
        for (String s : List.of(Numbers.score(v), Numbers.fixed(v, 2), Numbers.percent(v), Numbers.compact(v),
                Numbers.plain(v))) {
            assertFalse(s.contains("NaN") || s.contains("Infinity"), s);
        }
    }

    @Provide
    Arbitrary<Double> anyDouble() {
        return Arbitraries.doubles().between(-1e9, 1e9).withStandardSpecialValues()
                .withSpecialValue(Double.MAX_VALUE).withSpecialValue(-Double.MAX_VALUE);
    }

    @Test
    void numbersKeepThreeSignificantDigitsAcrossScales() {
        assertEquals("0.915", Numbers.score(0.9154));
        assertEquals("34.20", Numbers.score(34.2));
        assertEquals("75.3%", Numbers.percent(0.753));
        assertEquals("0.3", Numbers.plain(0.3));
        assertEquals("1", Numbers.plain(1.0));
        assertEquals("6", Numbers.compact(6));
        assertEquals(Numbers.MISSING, Numbers.score(Double.NaN));
    }

    @Test
    void numericColumnsAreRightAligned() {
        ReportDocument doc = new ReportDocument.Builder("t").table(List.of("method", "MTR", "share"),
                List.of(List.of("zooter", "1.94", "12.5%"), List.of("rmr", Numbers.MISSING, "−3.0%")), "").build();
        String md = MarkdownFormat.render(doc);
        assertTrue(md.contains("| --- | ---: | ---: |"), md);
        assertTrue(HtmlFormat.render(doc).contains("<td class=\"num\">1.94</td>"));
    }
}
