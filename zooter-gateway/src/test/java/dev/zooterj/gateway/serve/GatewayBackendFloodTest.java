package dev.zooterj.gateway.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zooterj.gateway.KeywordRouter;
import dev.zooterj.gateway.StubOpenAiServer;
import dev.zooterj.gateway.StubOpenAiServer.Flood;
import dev.zooterj.gateway.StubOpenAiServer.Reply;
import dev.zooterj.gateway.backend.Backend;
import dev.zooterj.gateway.client.RoutingChatClient;
import dev.zooterj.gateway.http.BackendClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static dev.zooterj.gateway.serve.GatewayTestSupport.backend;
import static dev.zooterj.gateway.serve.GatewayTestSupport.chat;
import static dev.zooterj.gateway.serve.GatewayTestSupport.get;
import static dev.zooterj.gateway.serve.GatewayTestSupport.json;
import static dev.zooterj.gateway.serve.GatewayTestSupport.openAiError;
import static dev.zooterj.gateway.serve.GatewayTestSupport.parseMetrics;
import static dev.zooterj.gateway.serve.GatewayTestSupport.post;
import static dev.zooterj.gateway.serve.GatewayTestSupport.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A backend that floods the gateway with a huge answer or a giant stream event: the gateway falls back, or says so. */
class GatewayBackendFloodTest {
    private static final long FLOOD = 1L << 30;
    private StubOpenAiServer flood;
    private StubOpenAiServer sane;
    private GatewayServer gw;

    @AfterEach
    void stop() {
        gw.stop(Duration.ZERO);
        flood.close();
        sane.close();
    }

    private void start(Flood how) throws Exception {
        flood = StubOpenAiServer.start("flood", (r, n) -> Reply.ok("x").flooding(how));
        sane = StubOpenAiServer.start("sane", StubOpenAiServer.echo("sane"));
        Backend capped = backend(flood).withAnswerLimits(256 * 1024, 64 * 1024);
        gw = GatewayServer.start(new RoutingChatClient(new KeywordRouter("flood", "sane"), List.of(capped, backend(sane)),
                new BackendClient(), 2), GatewayConfig.defaults().withPort(0));
    }

    @Test
    void aHugeAnswerFallsBackToTheNextModel() throws Exception {
        start(Flood.hugeAnswer(FLOOD));
        long t0 = System.nanoTime();
        HttpResponse<String> r = post(gw, "/v1/chat/completions", chat("zooter", "hello @flood"));
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "no time spent reading the flood");
        assertEquals("sane", r.headers().firstValue("X-Zooter-Model").orElseThrow());
        assertEquals("flood", r.headers().firstValue("X-Zooter-Router-Choice").orElseThrow());
        assertEquals("2", r.headers().firstValue("X-Zooter-Attempts").orElseThrow());
        assertEquals("sane says: hello @flood", json(r).path("choices").path(0).path("message").path("content").asText());
        assertEquals(1, sum(parseMetrics(get(gw, "/metrics").body()), "zooter_backend_errors_total",
                "backend=\"flood\"", "kind=\"too_large\""));
        assertTrue(flood.floodBytesSent() < 64L << 20, "read little of it: " + flood.floodBytesSent());
    }

    @Test
    void aGiantStreamEventFallsBackBeforeAnythingReachedTheClient() throws Exception {
        start(Flood.giantEvent(FLOOD));
        ObjectNode body = chat("zooter", "stream it @flood").put("stream", true);
        HttpResponse<String> r = post(gw, "/v1/chat/completions", body);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("sane", r.headers().firstValue("X-Zooter-Model").orElseThrow());
        assertTrue(r.body().startsWith("data: ") && r.body().contains("\"content\":\"sane s")
                && r.body().endsWith("data: [DONE]\n\n"), r.body());
    }

    @Test
    void aTooLargeAnswerFromANamedBackendIsA502NamingTheKind() throws Exception {
        start(Flood.hugeAnswer(FLOOD));
        HttpResponse<String> r = post(gw, "/v1/chat/completions", chat("flood", "no fallback when named"));
        assertEquals(502, r.statusCode(), r.body());
        JsonNode failures = openAiError(r).path("failures");
        assertEquals("too_large", failures.path(0).path("kind").asText(), r.body());
        assertTrue(openAiError(r).path("message").asText().contains("flood (too_large)"), r.body());
    }
}
