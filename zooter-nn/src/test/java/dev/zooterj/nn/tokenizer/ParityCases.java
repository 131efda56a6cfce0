package dev.zooterj.nn.tokenizer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Strings that exercise every stage of the BERT pipeline, by theme, for comparison with Hugging Face. */
final class ParityCases {
    private ParityCases() {
    }

    static final String LONG_PARAGRAPH = ("Routing sends each query to the model most likely to answer it well. "
            + "A small encoder reads the query, a head scores the candidates, and the best one is called; "
            + "only one large model runs per query, which is the whole point (cost: 1 router pass + 1 generation). ")
            .repeat(12);

    static Map<String, List<String>> byTheme() {
        Map<String, List<String>> cases = new LinkedHashMap<>();
        cases.put("accents", List.of("café", "naïve", "Ångström", "résumé", "Crème Brûlée à la française",
                "İstanbul", "ΣΊΣΥΦΟΣ and ὀδυσσεύς", "Straße ẞ", "ﬁnancial ligature", "\u2126 ohm and \u212B angstrom",
                "e\u0301 combining acute", "Tiếng Việt có dấu", "Zoë Saldaña, Łódź, Øresund, Ærø"));
        cases.put("cjk", List.of("中文字符", "日本語のテキスト", "한국어", "漢字かなカナ混じり文です。",
                "\uF900 compatibility ideograph", "\uD840\uDC00 extension B", "\uD86E\uDC20 gap after extension D",
                "mixed中文and English", "全角：ＡＢＣ１２３！"));
        cases.put("emoji", List.of("👍🏽", "🤖 robots", "family 👨\u200D👩\u200D👧\u200D👦", "flags 🇯🇵🇫🇷",
                "❤\uFE0F love", "smile😀between", "🥰 new emoji (Unicode 11)"));
        cases.put("code", List.of("for (int i=0;i<n;i++) { x[i] += y; }",
                "SELECT name, COUNT(*) FROM users WHERE age >= 21 GROUP BY name;",
                "{\"key\": [1, 2.5, null], \"nested\": {\"ok\": true}}",
                "https://example.com/path/to?query=a+b&x=%20#frag", "def f(x):\n\treturn x**2  # square",
                "user.name@example.co.uk", "C++ / C# / F# && a || b != c", "<div class=\"x\">&nbsp;</div>"));
        cases.put("long words", List.of("pneumonoultramicroscopicsilicovolcanoconiosis",
                "supercalifragilisticexpialidocious", "ab".repeat(50), "ab".repeat(50) + "a",
                "x".repeat(150), "hello " + "qwertzuiop".repeat(15) + " world", "é".repeat(101)));
        cases.put("whitespace", List.of("tabs\tand\nnewlines\r\nhere", "non\u00A0breaking", "ideographic\u3000space",
                "multiple     spaces", "   leading and trailing   ", "line\u2028sep\u2029para",
                "zero\u200Bwidth", "vertical\u000Btab\u000Cform feed", "next\u0085line", "file\u001Csep",
                "narrow\u202Fnbsp\u2007figure\u205Fmath\u1680ogham", "en\u2002em\u2003thin\u2009hair\u200A"));
        cases.put("control", List.of("bell\u0007char", "nul\u0000char", "escape\u001B[31mred", "replacement\uFFFDchar",
                "soft\u00ADhyphen", "bidi\u202Eoverride", "bom\uFEFFhere", "private\uE000use",
                "delete\u007Fchar", "lone surrogate \uD800 here", "reversed \uDC00\uD800 pair"));
        cases.put("numbers", List.of("$1,234.56", "3.14159", "1e-10", "50% off", "12:30pm", "№ 42", "½ ¾ ⅓",
                "x² + y³", "٣٤٥ Arabic-Indic", "€100 £50 ¥1000 ₹500"));
        cases.put("mixed case", List.of("iPhone McDonald's NASA HeLLo", "ALL CAPS SENTENCE", "camelCaseIdentifier",
                "snake_case_identifier", "kebab-case-identifier"));
        cases.put("special tokens", List.of("[CLS] [SEP] [MASK] [PAD] [UNK]", "a[MASK]b", "[mask] lower case",
                "[[CLS]]", "[CLS", "[MASK][MASK]", "[SEP]tail"));
        cases.put("empty", List.of("", " ", "\t\n", "\u0000", "\u200B"));
        cases.put("punctuation", List.of("don't won't it's", "hello...world!!!", "em—dash en–dash",
                "«guillemets» „quotes“ ‘single’", "¿Qué? ¡Sí!", "a・b", "Ellipsis… bullet • dagger †",
                "⸘interrobang⸮", "(parens) [brackets] {braces} <angles>"));
        cases.put("scripts", List.of("مرحبا بالعالم", "שָׁלוֹם", "नमस्ते दुनिया", "สวัสดีชาวโลก",
                "Привет, мир!", "Γειά σου Κόσμε", "Բարեւ", "ሰላም", "ᚠᛇᚻ runes"));
        return cases;
    }

    static List<String> all() {
        List<String> all = new ArrayList<>();
        byTheme().values().forEach(all::addAll);
        all.add(LONG_PARAGRAPH);
        return all;
    }
}
