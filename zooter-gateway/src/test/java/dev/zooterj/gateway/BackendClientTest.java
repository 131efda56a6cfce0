package dev.zooterj.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zooterj.gateway.StubOpenAiServer.Reply;
import dev.zooterj.gateway.backend.Backend;
import dev.zooterj.gateway.http.BackendClient;
import dev.zooterj.gateway.http.BackendException;
import dev.zooterj.gateway.http.Completion;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
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

    /** Answers "ok" after 30 ms, recording in {@code peak} the most requests it had in hand at once. */
    private static StubOpenAiServer.Responder countingPeak(AtomicInteger peak) {
        AtomicInteger inFlight = new AtomicInteger();
        return (r, n) -> {
            peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                Thread.sleep(30);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inFlight.decrementAndGet();
            return Reply.ok("ok");
        };
    }

    /** Sends {@code requests} completions from {@code threads} threads at once; each must answer "ok". */
    private static void completeConcurrently(BackendClient client, Backend b, int threads, int requests) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Completion>> fs = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                fs.add(pool.submit(() -> client.complete(b, chat("q"))));
            }
            for (Future<Completion> f : fs) {
                assertEquals("ok", f.get().content());
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void enforcesEachBackendsConcurrencyLimit() throws Exception {
        AtomicInteger peak = new AtomicInteger();
        try (StubOpenAiServer stub = StubOpenAiServer.start("a", countingPeak(peak))) {
            Backend b = new Backend("a", URI.create(stub.baseUrl()), "m", null, Duration.ofSeconds(10), 3, null, null);
            BackendClient client = new BackendClient();
            completeConcurrently(client, b, 12, 24);
            assertTrue(peak.get() <= 3, "peak " + peak.get());
            assertEquals(3, client.available(b));
        }
    }

    private static Backend backend(StubOpenAiServer stub, long timeoutMs, int maxConcurrent) {
        return new Backend(stub.name(), URI.create(stub.baseUrl()), "m", null, Duration.ofMillis(timeoutMs), maxConcurrent,
                null, null);
    }

    private static List<String> streamed(BackendClient client, Backend b, List<String> into) throws Exception {
        client.stream(b, chat("x"), into::add);
        return into;
    }

    @Test
    void aBackendThatSendsItsHeadersAndThenStallsTimesOut() throws Exception {
        try (StubOpenAiServer stub = StubOpenAiServer.start("a", (r, n) -> Reply.ok("late answer").stallAfterHeaders(4000))) {
            Backend b = backend(stub, 300, 2);
            BackendClient client = new BackendClient();
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                long t0 = System.nanoTime();
                BackendException e = assertThrows(BackendException.class, () -> client.complete(b, chat("x")));
                assertEquals(BackendException.Kind.TIMEOUT, e.kind(), e.getMessage());
                assertTrue(System.nanoTime() - t0 < 2_500_000_000L, "the timeout covers the body, not just the headers");

                List<String> events = new ArrayList<>();
                t0 = System.nanoTime();
                e = assertThrows(BackendException.class, () -> streamed(client, b, events));
                assertEquals(BackendException.Kind.TIMEOUT, e.kind(), "nothing arrived: a timeout, " + e.getMessage());
                assertTrue(events.isEmpty());
                assertTrue(System.nanoTime() - t0 < 2_500_000_000L, "the idle watchdog ended the stream");

                stub.setResponder((r, n) -> Reply.ok("one two three four").inChunks(4).stallAfter(2, 4000));
                List<String> partial = new ArrayList<>();
                t0 = System.nanoTime();
                e = assertThrows(BackendException.class, () -> streamed(client, b, partial));
                assertEquals(BackendException.Kind.CONNECTION, e.kind(), "after events: a broken stream, " + e.getMessage());
                assertEquals(2, partial.size());
                assertTrue(System.nanoTime() - t0 < 2_500_000_000L);
            });
            assertEquals(2, client.available(b), "every permit came back");
        }
    }

    @Test
    void aStreamThatKeepsSendingOutlivesItsTimeout() throws Exception {
        try (StubOpenAiServer stub = StubOpenAiServer.start("a",
                (r, n) -> Reply.ok("a b c d e f g h").inChunks(8).chunkDelay(150))) {
            List<String> events = streamed(new BackendClient(), backend(stub, 400, 1), new ArrayList<>());
            assertEquals(9, events.size(), "8 chunks and the finish chunk over ~1 s: the timeout is per silence, not per stream");
        }
    }

    @Test
    void aBackendAtItsLimitFailsAfterItsTimeoutAsOverloaded() throws Exception {
        try (StubOpenAiServer stub = StubOpenAiServer.start("a", (r, n) -> Reply.ok("slow").delayed(4000))) {
            Backend patient = backend(stub, 5000, 1);
            Backend b = backend(stub, 300, 1);  // the same backend (one name, one set of permits), less patient
            BackendClient client = new BackendClient();
            CompletableFuture.runAsync(() -> {
                try {
                    client.complete(patient, chat("first"));
                } catch (Exception ignored) {
                    // ended by the stub closing; only the permit it held matters
                }
            });
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (stub.requestCount() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            long t0 = System.nanoTime();
            BackendException e = assertThrows(BackendException.class, () -> client.complete(b, chat("second")));
            assertEquals(BackendException.Kind.OVERLOADED, e.kind(), e.getMessage());
            assertTrue(e.retryable(), "another backend, or this one later, may answer");
            assertTrue(e.getMessage().contains("at its limit of 1 concurrent requests"), e.getMessage());
            assertTrue(System.nanoTime() - t0 < 2_500_000_000L, "waited the backend's timeout, not for the slow call");
            assertEquals(1, stub.requestCount(), "the second request was never sent");
        }
    }

    @Test
    void aStreamThatEndsWithoutDoneOrAFinishIsCutShort() throws Exception {
        try (StubOpenAiServer stub = StubOpenAiServer.start("a", (r, n) -> Reply.ok("one two three four").inChunks(4).endAfter(2))) {
            List<String> events = new ArrayList<>();
            BackendException e = assertThrows(BackendException.class,
                    () -> streamed(new BackendClient(), backend(stub, 5000, 1), events));
            assertEquals(BackendException.Kind.CONNECTION, e.kind());
            assertTrue(e.getMessage().contains("cut short"), e.getMessage());
            assertEquals(2, events.size());
        }
    }

    @Test
    void aPlainJsonAnswerToAStreamedRequestIsPassedOnAsOneChunk() throws Exception {
        try (StubOpenAiServer stub = StubOpenAiServer.start("a", (r, n) -> Reply.ok("the whole answer").ignoringStream())) {
            List<String> events = streamed(new BackendClient(), backend(stub, 5000, 1), new ArrayList<>());
            assertEquals(1, events.size(), events.toString());
            JsonNode chunk = JSON.readTree(events.get(0));
            assertEquals("chat.completion.chunk", chunk.path("object").asText());
            JsonNode choice = chunk.path("choices").path(0);
            assertEquals("assistant", choice.path("delta").path("role").asText());
            assertEquals("the whole answer", choice.path("delta").path("content").asText());
            assertEquals("stop", choice.path("finish_reason").asText());
            assertEquals(3, chunk.path("usage").path("completion_tokens").asInt(), "the usage is kept");
            assertTrue(stub.requests().get(0).stream(), "it was asked to stream");
        }
    }

    @Test
    void anErrorStatusKeepsTheBackendsErrorObjectAndSaysWhetherTheRequestWasRefused() throws Exception {
        String body = "{\"error\": {\"message\": \"maximum context length is 8192 tokens\", \"type\": "
                + "\"invalid_request_error\", \"param\": \"messages\", \"code\": \"context_length_exceeded\"}}";
        try (StubOpenAiServer stub = StubOpenAiServer.start("a", (r, n) -> Reply.error(400).withErrorBody(body))) {
            Backend b = backend(stub, 5000, 1);
            BackendException e = assertThrows(BackendException.class, () -> new BackendClient().complete(b, chat("x")));
            assertTrue(e.requestRejected());
            assertEquals("context_length_exceeded", e.errorObject().orElseThrow().path("code").asText());
            for (int status : new int[]{413, 422}) {
                stub.setResponder(StubOpenAiServer.alwaysStatus(status));
                assertTrue(assertThrows(BackendException.class, () -> new BackendClient().complete(b, chat("x")))
                        .requestRejected(), "HTTP " + status);
            }
            for (int status : new int[]{401, 403, 404, 429, 500}) {
                stub.setResponder(StubOpenAiServer.alwaysStatus(status));
                assertFalse(assertThrows(BackendException.class, () -> new BackendClient().complete(b, chat("x")))
                        .requestRejected(), "HTTP " + status);
            }
        }
    }
}
