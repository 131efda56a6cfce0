package dev.zooterj.gateway.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zooterj.core.routing.Router;
import dev.zooterj.core.routing.RoutingDecision;
import dev.zooterj.gateway.KeywordRouter;
import dev.zooterj.gateway.StubOpenAiServer;
import dev.zooterj.gateway.client.RoutingChatClient;
import dev.zooterj.gateway.http.BackendClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static dev.zooterj.gateway.serve.GatewayTestSupport.backend;
import static dev.zooterj.gateway.serve.GatewayTestSupport.chat;
import static dev.zooterj.gateway.serve.GatewayTestSupport.json;
import static dev.zooterj.gateway.serve.GatewayTestSupport.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where a plain chat request is routed: on the event loop once the router is known to be cheap (then the backend call
 * holds no thread), on the gateway's workers while it is not; and the same answers, fallbacks and errors either way.
 */
class GatewayInlineRoutingTest {
    private final List<StubOpenAiServer> stubs = new ArrayList<>();
    private GatewayServer gw;

    /** Routes as a keyword router, after sleeping {@code sleepMs}, recording the thread that called it. */
    private static final class RecordingRouter implements Router {
        final KeywordRouter delegate;
        final long sleepMs;
        final List<String> threads = Collections.synchronizedList(new ArrayList<>());

        RecordingRouter(long sleepMs, String... models) {
            this.delegate = new KeywordRouter(models);
            this.sleepMs = sleepMs;
        }

        @Override
        public List<String> models() {
            return delegate.models();
        }

        @Override
        public RoutingDecision route(String query) {
            threads.add(Thread.currentThread().getName());
            if (sleepMs > 0) {
                try {
                    Thread.sleep(sleepMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return delegate.route(query);
        }
    }

    private StubOpenAiServer stub(String name) {
        StubOpenAiServer s = StubOpenAiServer.start(name, StubOpenAiServer.echo(name));
        stubs.add(s);
        return s;
    }

    private GatewayServer start(RecordingRouter router, StubOpenAiServer... backends) throws Exception {
        gw = GatewayServer.start(new RoutingChatClient(router, java.util.Arrays.stream(backends)
                .map(GatewayTestSupport::backend).toList(), new BackendClient(), 3), GatewayConfig.defaults().withPort(0));
        return gw;
    }

    @AfterEach
    void stop() {
        if (gw != null) {
            gw.stop(Duration.ZERO);
        }
        stubs.forEach(StubOpenAiServer::close);
    }

    private static boolean onEventLoop(String thread) {
        return thread.startsWith("zooter-io-");
    }

    private static boolean onWorker(String thread) {
        return thread.matches("zooter-gateway-\\d+");
    }

    private static String content(HttpResponse<String> r) throws Exception {
        return json(r).path("choices").path(0).path("message").path("content").asText();
    }

    /** Sends routed requests until one is routed on the event loop (at most {@code max}); returns how many were sent. */
    private int warmUntilInline(RecordingRouter router, int max) throws Exception {
        for (int i = 1; i <= max; i++) {
            HttpResponse<String> r = post(gw, "/v1/chat/completions", chat("zooter", "question " + i + " @b"));
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("b says: question " + i + " @b", content(r));
            assertEquals("b", json(r).path("model").asText());
            assertEquals("router", r.headers().firstValue("X-Zooter-Route").orElseThrow());
            if (onEventLoop(router.threads.get(router.threads.size() - 1))) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void aCheapRouterRunsOnTheEventLoopOnceItIsTimed() throws Exception {
        RecordingRouter router = new RecordingRouter(0, "a", "b");
        start(router, stub("a"), stub("b"));
        int n = warmUntilInline(router, 30);
        assertTrue(onWorker(router.threads.get(0)), "not yet timed: a worker routes, " + router.threads);
        assertTrue(n > 1, "a cheap router moves to the event loop within 30 requests: " + router.threads);
    }

    @Test
    void aSlowRouterStaysOnTheWorkers() throws Exception {
        RecordingRouter router = new RecordingRouter(2, "a", "b");
        start(router, stub("a"), stub("b"));
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> r = post(gw, "/v1/chat/completions", chat("zooter", "q" + i + " @a"));
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("a says: q" + i + " @a", content(r));
        }
        assertTrue(router.threads.stream().allMatch(GatewayInlineRoutingTest::onWorker), router.threads.toString());
    }

    /** The answer without a waiting thread falls back, gives up and passes refusals on as the blocking path does. */
    @Test
    void theAsyncPathFallsBackAndFailsAsTheBlockingOne() throws Exception {
        RecordingRouter router = new RecordingRouter(0, "a", "b", "c");
        StubOpenAiServer a = stub("a");
        StubOpenAiServer b = stub("b");
        StubOpenAiServer c = stub("c");
        start(router, a, b, c);
        assertTrue(warmUntilInline(router, 30) > 0, router.threads.toString());
        int warm = router.threads.size();

        a.setResponder(StubOpenAiServer.alwaysStatus(500));
        HttpResponse<String> r = post(gw, "/v1/chat/completions", chat("zooter", "q @a"));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("b says: q @a", content(r));
        assertEquals("b", r.headers().firstValue("X-Zooter-Model").orElseThrow());
        assertEquals("a", r.headers().firstValue("X-Zooter-Router-Choice").orElseThrow());
        assertEquals("2", r.headers().firstValue("X-Zooter-Attempts").orElseThrow());

        b.setResponder(StubOpenAiServer.alwaysStatus(500));
        c.setResponder(StubOpenAiServer.alwaysStatus(502));
        HttpResponse<String> failed = post(gw, "/v1/chat/completions", chat("zooter", "q @a"));
        assertEquals(502, failed.statusCode(), failed.body());
        JsonNode tried = json(failed).path("error").path("failures");
        assertEquals(3, tried.size(), failed.body());
        assertEquals("a", tried.path(0).path("model").asText());
        assertEquals(502, tried.path(2).path("status").asInt());

        a.setResponder(StubOpenAiServer.alwaysStatus(400));
        int bBefore = b.requestCount();
        HttpResponse<String> refused = post(gw, "/v1/chat/completions", chat("zooter", "q @a"));
        assertEquals(400, refused.statusCode(), refused.body());
        assertEquals(bBefore, b.requestCount(), "a refusal of the request itself is not retried elsewhere");

        // A routing time over the threshold (a pause on this shared machine) may send one back to a worker; most ran
        // on the event loops, with no thread waiting for the backends.
        assertTrue(router.threads.subList(warm, router.threads.size()).stream().filter(GatewayInlineRoutingTest::onEventLoop)
                .count() >= 2, router.threads.toString());
        assertFalse(gw.metrics().render().isEmpty());
        JsonNode health = json(GatewayTestSupport.get(gw, "/health"));
        assertEquals(0, health.path("in_flight").asInt(), "every permit came back");
    }
}
