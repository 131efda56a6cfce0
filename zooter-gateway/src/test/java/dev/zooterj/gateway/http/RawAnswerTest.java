package dev.zooterj.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The answer relayed as bytes: checked in one pass, only its top-level model changed, the same as the tree path. */
class RawAnswerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static RawAnswer scan(String text) throws BackendException {
        return RawAnswer.scan("b", 200, text.getBytes(StandardCharsets.UTF_8), 0);
    }

    /** A chat completion with random extra fields, a nested "model" that must stay, and random field order. */
    static ObjectNode completion(SplittableRandom rng, boolean withModel) {
        ObjectNode o = JSON.createObjectNode();
        int extra = rng.nextInt(4);
        for (int i = 0; i < extra; i++) {
            o.put("x" + i, rng.nextBoolean() ? "v\"al\\ue" + rng.nextInt(100) : "Ünïcode ✓ " + rng.nextInt());
        }
        ArrayNode choices = JSON.createArrayNode();
        ObjectNode c = choices.addObject().put("index", 0).put("finish_reason", "stop");
        c.putObject("message").put("role", "assistant").put("content", "line1\nline2 \"quoted\" {not: json}")
                .put("model", "nested-stays");
        boolean modelFirst = rng.nextBoolean();
        if (withModel && modelFirst) {
            o.put("model", "backend-id-" + rng.nextInt(1000));
        }
        o.set("choices", choices);
        o.putObject("usage").put("prompt_tokens", 3).put("completion_tokens", rng.nextInt(50));
        if (withModel && !modelFirst) {
            o.put("model", "backend-id-" + rng.nextInt(1000));
        }
        return o;
    }

    @Property(tries = 200)
    void splicingTheModelEqualsSettingItInTheTree(@ForAll @IntRange(min = 0, max = 100_000) int seed,
                                                 @ForAll @StringLength(max = 20) String name) throws Exception {
        SplittableRandom rng = new SplittableRandom(seed);
        ObjectNode tree = completion(rng, rng.nextInt(4) > 0);
        String text = rng.nextBoolean() ? JSON.writerWithDefaultPrettyPrinter().writeValueAsString(tree)
                : JSON.writeValueAsString(tree);
        if (rng.nextBoolean()) {
            text = "  \n" + text + " \n";
        }
        RawAnswer a = scan(text);
        JsonNode got = JSON.readTree(a.withModel(name));
        ObjectNode want = tree.deepCopy().put("model", name);
        assertEquals(want, got, "spliced: " + new String(a.withModel(name), StandardCharsets.UTF_8));
        assertEquals("nested-stays", got.at("/choices/0/message/model").asText());
    }

    @Test
    void onlyTheModelsBytesChange() throws Exception {
        String text = "{ \"id\" : \"x\",\n  \"model\" :  \"llama-3-8b\" , \"choices\":[{\"message\":{\"content\":\"hi\"}}],"
                + "\"weird\":1.50e+00 }";
        byte[] out = scan(text).withModel("fast\"one");
        assertEquals(text.replace("\"llama-3-8b\"", "\"fast\\\"one\""), new String(out, StandardCharsets.UTF_8),
                "spacing, number spelling and field order are the backend's");
        byte[] none = scan("{\"choices\":[]}").withModel("m");
        assertEquals("{\"model\":\"m\",\"choices\":[]}", new String(none, StandardCharsets.UTF_8));
        assertEquals("{\"model\":\"m\"}", new String(scan("{\"choices\":[], \"model\":\"x\"}").withModel("m"),
                StandardCharsets.UTF_8).replace("\"choices\":[], ", ""));
    }

    @Test
    void aModelThatIsNotAStringIsReplacedToo() throws Exception {
        // The tree path replaced any top-level model; a non-string one is rare, and the result must still be valid JSON.
        for (String v : new String[] {"7", "-1.5e3", "true", "null", "{\"a\":[1,{}]}", "[1, \"x\"]"}) {
            String text = "{\"model\":" + v + " , \"choices\":[]}";
            String got = new String(scan(text).withModel("m"), StandardCharsets.UTF_8);
            assertEquals("{\"model\":\"m\" , \"choices\":[]}", got, text);
        }
    }

    @Test
    void whatIsNotAChatCompletionIsMalformed() {
        for (String bad : new String[] {"not json", "[1,2]", "{\"choices\": 3}", "{\"id\": 1}", "{\"choices\":[]} trailing",
                "{\"choices\":[]}{}", "{\"choices\":[", ""}) {
            BackendException e = assertThrows(BackendException.class, () -> scan(bad), bad);
            assertEquals(BackendException.Kind.MALFORMED, e.kind(), bad);
        }
    }

    @Test
    void escapesThatChangeTheSpellingOfTextAreNoticed() {
        assertTrue(RawAnswer.hasEscapes("{\"a\":\"\\u0073k-\"}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(RawAnswer.hasEscapes("{\"a\":\"a\\/b\"}".getBytes(StandardCharsets.UTF_8)));
        assertFalse(RawAnswer.hasEscapes("{\"a\":\"line\\nnext \\\"q\\\" back\\\\slash\"}".getBytes(StandardCharsets.UTF_8)));
        assertFalse(RawAnswer.hasEscapes("{\"a\":\"back\\\\u not an escape\"}".getBytes(StandardCharsets.UTF_8)),
                "an escaped backslash followed by u");
    }
}
