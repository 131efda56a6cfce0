package dev.zooterj.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zooterj.gateway.backend.Backend;
import dev.zooterj.gateway.http.BackendClient;
import dev.zooterj.gateway.http.BackendException;
import dev.zooterj.gateway.http.Completion;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackendClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static ObjectNode chat(String user) {
        ObjectNode b = JSON.createObjectNode();
        b.putArray("messages").addObject().put("role", "user").put("content", user);
        return b;
    }

    @Test
    void completesAndReplacesTheModelId() throws Exception {
        try (StubOpenAiServer stub = StubOpenAiServer.start("a", StubOpenAiServer.echo("a"))) {
            Backend b = Backend.of("a", stub.baseUrl(), "model-a");
            Completion c = new BackendClient().complete(b, chat("hello there"));
            assertEquals("a says: hello there", c.content());
            assertEquals(2, c.promptTokens());
            assertEquals(4, c.completionTokens());
            assertEquals("model-a", stub.requests().get(0).model());
            assertFalse(stub.requests().get(0).stream());
        }
    }

    @Test
    void classifiesFailures() throws Exception {
        try (StubOpenAiServer stub = StubOpenAiServer.start("a", (r, n) -> StubOpenAiServer.Reply.error(429).withRetryAfter("2"))) {
            Backend b = Backend.of("a", stub.baseUrl(), "m");
            BackendException e = assertThrows(BackendException.class, () -> new BackendClient().complete(b, chat("x")));
            assertEquals(429, e.status());
            assertTrue(e.retryable());
            assertEquals(Duration.ofSeconds(2), e.retryAfter().orElseThrow());
            stub.setResponder(StubOpenAiServer.alwaysStatus(400));
            e = assertThrows(BackendException.class, () -> new BackendClient().complete(b, chat("x")));
            assertFalse(e.retryable());
            assertTrue(e.getMessage().contains("HTTP 400"), e.getMessage());
            stub.setResponder((r, n) -> StubOpenAiServer.Reply.malformedJson());
            e = assertThrows(BackendException.class, () -> new BackendClient().complete(b, chat("x")));
            assertEquals(BackendException.Kind.MALFORMED, e.kind());
            stub.setResponder((r, n) -> StubOpenAiServer.Reply.ok("late").delayed(1500));
            Backend impatient = new Backend("a", URI.create(stub.baseUrl()), "m", null, Duration.ofMillis(200), 1, null, null);
            e = assertThrows(BackendException.class, () -> new BackendClient().complete(impatient, chat("x")));
            assertEquals(BackendException.Kind.TIMEOUT, e.kind());
        }
        Backend keyless = new Backend("k", URI.create("http://127.0.0.1:1/v1"), "m", "ZOOTER_TEST_SURELY_UNSET_KEY",
                Duration.ofSeconds(1), 1, null, null);
        BackendException noKey = assertThrows(BackendException.class, () -> new BackendClient().complete(keyless, chat("x")));
        assertEquals(BackendException.Kind.CONFIGURATION, noKey.kind());
        assertFalse(noKey.retryable(), "retrying cannot set an environment variable");
        Backend closed = Backend.of("gone", "http://127.0.0.1:1/v1", "m");
        BackendException e = assertThrows(BackendException.class, () -> new BackendClient().complete(closed, chat("x")));
        assertEquals(BackendException.Kind.CONNECTION, e.kind());
    }

    @Test
    void streamsEventsInOrder() throws Exception {
        try (StubOpenAiServer stub = StubOpenAiServer.start("a", (r, n) -> StubOpenAiServer.Reply.ok("one two three four five").inChunks(5))) {
            Backend b = Backend.of("a", stub.baseUrl(), "m");
            List<String> parts = new ArrayList<>();
            new BackendClient().stream(b, chat("x"), data -> {
                String piece = JSON.readTree(data).path("choices").path(0).path("delta").path("content").asText("");
                parts.add(piece);
            });
            assertEquals("one two three four five", String.join("", parts));
            assertEquals(6, parts.size()); // 5 content chunks and the final empty delta with usage
            assertTrue(stub.requests().get(0).stream());
        }
    }

    @Test
    void enforcesEachBackendsConcurrencyLimit() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        try (StubOpenAiServer stub = StubOpenAiServer.start("a", (r, n) -> {
            int now = inFlight.incrementAndGet();
            peak.accumulateAndGet(now, Math::max);
            try {
                Thread.sleep(30);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inFlight.decrementAndGet();
            return StubOpenAiServer.Reply.ok("ok");
        })) {
            Backend b = new Backend("a", URI.create(stub.baseUrl()), "m", null, Duration.ofSeconds(10), 3, null, null);
            BackendClient client = new BackendClient();
            ExecutorService pool = Executors.newFixedThreadPool(12);
            List<Future<Completion>> fs = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                fs.add(pool.submit(() -> client.complete(b, chat("q"))));
            }
            for (Future<Completion> f : fs) {
                assertEquals("ok", f.get().content());
            }
            pool.shutdown();
            assertTrue(peak.get() <= 3, "peak " + peak.get());
            assertEquals(3, client.available(b));
        }
    }
}
