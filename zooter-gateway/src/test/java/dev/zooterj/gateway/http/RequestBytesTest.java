package dev.zooterj.gateway.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The request sent to a backend, written without copying the client's tree: the same bytes as the copy-and-put path. */
class RequestBytesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A chat body with random extra fields, nested "model"/"stream" keys that must stay, and model/stream anywhere or absent. */
    static ObjectNode body(SplittableRandom rng) {
        ObjectNode o = JSON.createObjectNode();
        int fields = 1 + rng.nextInt(5);
        int modelAt = rng.nextInt(fields + 2);   // past the end: absent
        int streamAt = rng.nextInt(fields + 2);
        for (int i = 0; i <= fields; i++) {
            if (i == modelAt) {
                if (rng.nextBoolean()) {
                    o.put("model", "zooter");
                } else {
                    o.putNull("model");
                }
            }
            if (i == streamAt) {
                if (rng.nextBoolean()) {
                    o.put("stream", rng.nextBoolean());
                } else {
                    o.put("stream", "yes");
                }
            }
            switch (rng.nextInt(4)) {
                case 0 -> o.putArray("messages" + i).addObject().put("role", "user").put("content", "Ünï \"q\" \\ " + rng.nextInt())
                        .put("model", "nested-stays").put("stream", true);
                case 1 -> o.put("temperature" + i, rng.nextDouble() * 2);
                case 2 -> o.put("max_tokens" + i, rng.nextLong());
                default -> o.putObject("extra" + i).put("n", 1.5e300).putNull("x").put("big", new java.math.BigDecimal("1e-400"));
            }
        }
        return o;
    }

    @Property(tries = 300)
    void writingWithModelAndStreamEqualsCopyingAndPutting(@ForAll @IntRange(min = 0, max = 1_000_000) int seed,
                                                          @ForAll @StringLength(max = 20) String model,
                                                          @ForAll boolean stream) throws Exception {
        ObjectNode body = body(new SplittableRandom(seed));
        String before = body.toString();
        ObjectNode copy = body.deepCopy();
        copy.put("model", model);
        copy.put("stream", stream);
        assertArrayEquals(JSON.writeValueAsBytes(copy), BackendClient.requestBytes(body, model, stream),
                () -> "body " + before);
        assertEquals(before, body.toString(), "the caller's body is not modified");
    }
}
