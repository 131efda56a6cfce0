package dev.zooterj.gateway.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedactorTest {
    private static final String KEY = "sk-abc123DEF456ghi789JKLwxyz";

    private static Redactor withKey() {
        Redactor r = new Redactor();
        r.addSecret(KEY);
        return r;
    }

    @Test
    void replacesTheKeyAndTheShortenedFormsProvidersPrint() {
        Redactor r = withKey();
        assertEquals("Incorrect API key provided: [REDACTED]. See docs.",
                r.apply("Incorrect API key provided: " + KEY + ". See docs."));
        assertEquals("Incorrect API key provided: [REDACTED]. You can find your key at https://x.example/keys.",
                r.apply("Incorrect API key provided: sk-abc1***************wxyz. You can find your key at https://x.example/keys."));
        assertEquals("key [REDACTED] rejected", r.apply("key sk-abc...wxyz rejected"));
        assertEquals("key \"[REDACTED]\"", r.apply("key \"sk-abc12…\""));
        assertEquals("key=[REDACTED]", r.apply("key=****wxyz"));
        assertEquals("Bearer [REDACTED]", r.apply("Bearer " + KEY));
        assertEquals("[REDACTED]", r.apply(java.net.URLEncoder.encode(KEY + "/", StandardCharsets.UTF_8)
                .replace("%2F", "")));
    }

    @Test
    void leavesOrdinaryTextAloneIncludingEllipsesAndOtherKeysPartialForms() {
        Redactor r = withKey();
        for (String text : new String[]{"Wait... what?", "sk-***", "a * b = c", "sk-zzz...wxyz", "sk-abc...nope",
                "the end.", "…", "sk-abc", "wxyz", "Bearer sk-other123456789"}) {
            assertEquals(text, r.apply(text), text);
        }
    }

    @Test
    void shortValuesArePlaceholdersNotSecrets() {
        Redactor r = new Redactor();
        r.addSecret("EMPTY");
        r.addSecret("  ");
        r.addSecret(null);
        assertEquals(0, r.size());
        assertEquals("EMPTY answers stay EMPTY", r.apply("EMPTY answers stay EMPTY"));
    }

    @Test
    void urlSecretsAreQueryValuesUserInfoAndTokenLikePathSegmentsButNotModelNames() {
        Redactor r = new Redactor();
        r.addUrl(URI.create("https://fn.example.net/api/score/AbCdEf0123456789xyz/run?code=abcdefgh12345678%3D%3D&region=westeurope"));
        r.addUrl(URI.create("http://localhost:8000/v1/Meta-Llama-3-70B-Instruct-Turbo/"));
        assertEquals("code=[REDACTED] and [REDACTED] and /score/[REDACTED]/run",
                r.apply("code=abcdefgh12345678%3D%3D and abcdefgh12345678== and /score/AbCdEf0123456789xyz/run"));
        assertEquals("westeurope, Meta-Llama-3-70B-Instruct-Turbo", r.apply("westeurope, Meta-Llama-3-70B-Instruct-Turbo"));
    }

    @Test
    void jsonTreesAreCopiedWithEveryStringRedacted() throws Exception {
        Redactor r = withKey();
        JsonNode tree = new ObjectMapper().readTree("{\"error\":{\"message\":\"bad key " + KEY + "\",\"param\":[\"x\",\""
                + KEY + "\"],\"code\":401}}");
        JsonNode out = r.apply(tree);
        assertFalse(out.toString().contains(KEY), out.toString());
        assertEquals("bad key [REDACTED]", out.path("error").path("message").asText());
        assertEquals(401, out.path("error").path("code").asInt());
        assertTrue(tree.toString().contains(KEY), "the original is not changed");
    }

    @Test
    void writersAndStreamsRedactWholeLinesEvenWhenTheKeyArrivesInPieces() {
        Redactor r = withKey();
        StringWriter sw = new StringWriter();
        PrintWriter w = new PrintWriter(new RedactingWriter(sw, r));
        w.print("error: " + KEY.substring(0, 10));
        w.print(KEY.substring(10));
        w.println(" refused");
        w.print("tail " + KEY);
        w.flush();
        assertEquals("error: [REDACTED] refused" + System.lineSeparator() + "tail [REDACTED]", sw.toString());

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(new RedactingOutputStream(bytes, r), false, StandardCharsets.UTF_8);
        ps.print("progress " + KEY.substring(0, 5));
        ps.print(KEY.substring(5) + "\r");
        ps.println("é " + KEY);
        ps.flush();
        assertEquals("progress [REDACTED]\ré [REDACTED]" + System.lineSeparator(), bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void stackTracesKeepTheirShapeWithoutTheKey() {
        Redactor r = withKey();
        Exception e = new IllegalStateException("outer " + KEY, new java.io.IOException("inner sk-abc1...wxyz"));
        StringWriter sw = new StringWriter();
        RedactedThrowable.of(e, r).printStackTrace(new PrintWriter(sw));
        String trace = sw.toString();
        assertTrue(trace.startsWith("java.lang.IllegalStateException: outer [REDACTED]"), trace);
        assertTrue(trace.contains("Caused by: java.io.IOException: inner [REDACTED]"), trace);
        assertTrue(trace.contains("RedactorTest"), "the stack frames are kept");
        assertFalse(trace.contains("wxyz"), trace);
    }

    /** Any key, however providers shorten it, and wherever it sits in text, is gone after redaction. */
    @Property(tries = 300)
    void noKeyOrShortenedKeySurvives(@ForAll("keys") String key, @ForAll("texts") String before,
                                     @ForAll("texts") String after, @ForAll("forms") int form) {
        Redactor r = new Redactor();
        r.addSecret(key);
        String shown = switch (form) {
            case 0 -> key;
            case 1 -> key.substring(0, 6) + "..." + key.substring(key.length() - 4);
            case 2 -> key.substring(0, 3) + "*".repeat(20) + key.substring(key.length() - 4);
            case 3 -> "****" + key.substring(key.length() - 4);
            default -> key.substring(0, 8) + "…";
        };
        String out = r.apply(before + " " + shown + ". " + after);
        assertFalse(out.contains(key), out);
        assertFalse(out.contains(shown), out);
        assertTrue(out.startsWith(before) && out.endsWith(after), "the text around the key is kept: " + out);
    }

    /** Text that holds neither a key nor a mask character comes back unchanged. */
    @Property(tries = 200)
    void textWithoutSecretsIsUnchanged(@ForAll("keys") String key, @ForAll("texts") String text) {
        Redactor r = new Redactor();
        r.addSecret(key);
        if (!text.contains(key)) {
            assertEquals(text, r.apply(text));
        }
    }

    @Provide
    Arbitrary<String> keys() {
        return Combinators.combine(Arbitraries.of("sk-", "sk-proj-", "key_", ""),
                Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').withCharRange('0', '9')
                        .ofMinLength(16).ofMaxLength(64)).as((p, s) -> p + s);
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.strings().withChars("abcdefgh XYZ0123:,\"{}-_").ofMaxLength(40)
                .map(String::strip).filter(t -> !t.isEmpty() || true);
    }

    @Provide
    Arbitrary<Integer> forms() {
        return Arbitraries.integers().between(0, 4);
    }
}
