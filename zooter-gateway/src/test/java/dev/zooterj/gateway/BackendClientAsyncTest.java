package dev.zooterj.gateway;

import dev.zooterj.gateway.StubOpenAiServer.Reply;
import dev.zooterj.gateway.backend.Backend;
import dev.zooterj.gateway.http.BackendClient;
import dev.zooterj.gateway.http.BackendException;
import dev.zooterj.gateway.http.RawAnswer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.zooterj.gateway.BackendClientTest.chat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link BackendClient#relayRawAsync}: the same answers, failures and limits as the blocking calls, on real loopback servers. */
class BackendClientAsyncTest {
    private static Backend backend(StubOpenAiServer stub, long timeoutMs, int maxConcurrent) {
        return new Backend(stub.name(), URI.create(stub.baseUrl()), "model-" + stub.name(), null,
                Duration.ofMillis(timeoutMs), maxConcurrent, null, null);
    }

    private static BackendException failure(CompletableFuture<RawAnswer> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        return assertInstanceOf(BackendException.class, e.getCause());
    }

    @Test
    void relaysTheAnswerBytesAndSendsTheBackendsModelAndKeyHeaders() throws Exception {
        try (StubOpenAiServer stub = StubOpenAiServer.start("a", StubOpenAiServer.echo("a"))) {
            RawAnswer a = new BackendClient().relayRawAsync(backend(stub, 5000, 2), chat("hello")).get(10, TimeUnit.SECONDS);
            String text = new String(a.withModel("renamed"), StandardCharsets.UTF_8);
            assertTrue(text.contains("a says: hello"), text);
            assertTrue(text.contains("\"model\":\"renamed\""), text);
            assertEquals("model-a", stub.requests().get(0).model());
            assertTrue(!stub.requests().get(0).stream());
        }
    }

    @Test
    void failsAsTheBlockingCallThrows() throws Exception {
        try (StubOpenAiServer stub = StubOpenAiServer.start("a", (r, n) -> Reply.error(429).withRetryAfter("3"))) {
            BackendClient client = new BackendClient();
            Backend b = backend(stub, 300, 1);
            BackendException e = failure(client.relayRawAsync(b, chat("x")));
            assertEquals(429, e.status());
            assertEquals(Duration.ofSeconds(3), e.retryAfter().orElseThrow());

            stub.setResponder((r, n) -> Reply.malformedJson());
            assertEquals(BackendException.Kind.MALFORMED, failure(client.relayRawAsync(b, chat("x"))).kind());

            stub.setResponder((r, n) -> Reply.ok("late answer").stallAfterHeaders(3000));
            long t0 = System.nanoTime();
            e = failure(client.relayRawAsync(b, chat("x")));
            assertEquals(BackendException.Kind.TIMEOUT, e.kind(), e.getMessage());
            assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "the timeout covers the body, not just the headers");
            assertEquals(1, client.available(b), "the permit came back");
        }
        Backend closed = Backend.of("gone", "http://127.0.0.1:1/v1", "m");
        assertEquals(BackendException.Kind.CONNECTION, failure(new BackendClient().relayRawAsync(closed, chat("x"))).kind());
    }

    @Test
    void aBackendAtItsLimitForItsWholeTimeoutIsOverloaded() throws Exception {
        try (StubOpenAiServer stub = StubOpenAiServer.start("a", (r, n) -> Reply.ok("slow").delayed(1500))) {
            BackendClient client = new BackendClient();
            // One backend (permits go by name): the first call holds its only permit until it times out at 1 s; the
            // second, with a 300 ms timeout, waits for a permit that whole time. With one timeout for both, the first
            // call's timeout could free its permit just before the second's wait ended (a race: it failed on main too).
            Backend b = backend(stub, 300, 1);
            Backend holder = backend(stub, 1000, 1);
            CompletableFuture<RawAnswer> first = client.relayRawAsync(holder, chat("x"));
            CompletableFuture<RawAnswer> second = client.relayRawAsync(b, chat("y"));
            assertEquals(BackendException.Kind.OVERLOADED, failure(second).kind());
            assertEquals(BackendException.Kind.TIMEOUT, failure(first).kind());
            assertEquals(1, client.available(b));
        }
    }

    /**
     * Many calls at once: never more than the backend's limit in flight, and the limit itself reached (the connection
     * pool is sized from it, so no call that holds a permit waits for a connection).
     */
    @Test
    void keepsToTheLimitAndReachesIt() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        try (StubOpenAiServer stub = StubOpenAiServer.start("a", (r, n) -> {
            peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                Thread.sleep(150);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inFlight.decrementAndGet();
            return Reply.ok("ok " + r.userMessage());
        })) {
            BackendClient client = new BackendClient();
            Backend b = backend(stub, 20_000, 12);
            List<CompletableFuture<RawAnswer>> calls = new ArrayList<>();
            for (int i = 0; i < 48; i++) {
                calls.add(client.relayRawAsync(b, chat("q" + i)));
            }
            for (int i = 0; i < calls.size(); i++) {
                String text = new String(calls.get(i).get(20, TimeUnit.SECONDS).bytes(), StandardCharsets.UTF_8);
                assertTrue(text.contains("ok q" + i + "\""), text);
            }
            assertEquals(12, peak.get(), "at most the limit, and the limit reached");
            assertEquals(12, client.available(b));
        }
    }
}
