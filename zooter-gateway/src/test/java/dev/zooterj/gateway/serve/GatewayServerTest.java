package dev.zooterj.gateway.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zooterj.gateway.KeywordRouter;
import dev.zooterj.gateway.StubOpenAiServer;
import dev.zooterj.gateway.StubOpenAiServer.Reply;
import dev.zooterj.gateway.backend.Backend;
import dev.zooterj.gateway.client.RoutingChatClient;
import dev.zooterj.gateway.http.BackendClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.zooterj.gateway.serve.GatewayTestSupport.JSON;
import static dev.zooterj.gateway.serve.GatewayTestSupport.backend;
import static dev.zooterj.gateway.serve.GatewayTestSupport.chat;
import static dev.zooterj.gateway.serve.GatewayTestSupport.get;
import static dev.zooterj.gateway.serve.GatewayTestSupport.json;
import static dev.zooterj.gateway.serve.GatewayTestSupport.openAiError;
import static dev.zooterj.gateway.serve.GatewayTestSupport.parseMetrics;
import static dev.zooterj.gateway.serve.GatewayTestSupport.post;
import static dev.zooterj.gateway.serve.GatewayTestSupport.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gateway over real loopback HTTP, in front of stub backends a, b and c routed by keyword. */
class GatewayServerTest {
    private final List<StubOpenAiServer> stubs = new ArrayList<>();
    private StubOpenAiServer a;
    private StubOpenAiServer b;
    private StubOpenAiServer c;
    private KeywordRouter router;
    private GatewayServer gw;

    @BeforeEach
    void start() throws Exception {
        a = stub("a");
        b = stub("b");
        c = stub("c");
        router = new KeywordRouter("a", "b", "c");
        gw = gateway(List.of(backend(a), backend(b), backend(c)), GatewayConfig.defaults().withPort(0));
    }

    private StubOpenAiServer stub(String name) {
        StubOpenAiServer s = StubOpenAiServer.start(name, StubOpenAiServer.echo(name));
        stubs.add(s);
        return s;
    }

    private GatewayServer gateway(List<Backend> backends, GatewayConfig config) throws Exception {
        return GatewayServer.start(new RoutingChatClient(router, backends, new BackendClient(), 3), config);
    }

    @AfterEach
    void stop() {
        gw.stop(Duration.ZERO);
        stubs.forEach(StubOpenAiServer::close);
    }

    @Test
    void routingFollowsTheRouterOnTheFirstUserTurn() throws Exception {
        ObjectNode body = JSON.createObjectNode().put("model", "zooter").put("temperature", 0.2);
        var msgs = body.putArray("messages");
        msgs.addObject().put("role", "system").put("content", "be brief @c");
        msgs.addObject().put("role", "user").put("content", "solve this @b");
        msgs.addObject().put("role", "assistant").put("content", "sure");
        msgs.addObject().put("role", "user").put("content", "and now @a");
        HttpResponse<String> r = post(gw, "/v1/chat/completions", body);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode answer = json(r);
        assertEquals("b says: solve this @b", answer.path("choices").path(0).path("message").path("content").asText());
        assertEquals("b", answer.path("model").asText(), "the answer names the backend, as /v1/models lists it");
        assertEquals("b", r.headers().firstValue("X-Zooter-Model").orElseThrow());
        assertEquals("b", r.headers().firstValue("X-Zooter-Router-Choice").orElseThrow());
        assertEquals("router", r.headers().firstValue("X-Zooter-Route").orElseThrow());
        assertEquals("0.6000", r.headers().firstValue("X-Zooter-Probability").orElseThrow());
        assertEquals("1", r.headers().firstValue("X-Zooter-Attempts").orElseThrow());
        assertTrue(Double.parseDouble(r.headers().firstValue("X-Zooter-Router-Ms").orElseThrow()) >= 0);
        assertEquals(1, b.requestCount());
        assertEquals(0, a.requestCount() + c.requestCount());
        StubOpenAiServer.Request sent = b.requests().get(0);
        assertEquals("b-model", sent.model(), "the backend gets its own model id");
        assertEquals(0.2, sent.body().path("temperature").asDouble(), "other fields are forwarded");
        assertEquals(4, sent.body().path("messages").size());

        HttpResponse<String> noModel = post(gw, "/v1/chat/completions", chat(null, "hello @c"));
        assertEquals("c", json(noModel).path("model").asText(), "no model means: route");
    }

    @Test
    void aBackendNameBypassesTheRouter() throws Exception {
        HttpResponse<String> r = post(gw, "/v1/chat/completions", chat("c", "this says @a"));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("c says: this says @a", json(r).path("choices").path(0).path("message").path("content").asText());
        assertEquals("explicit", r.headers().firstValue("X-Zooter-Route").orElseThrow());
        assertTrue(r.headers().firstValue("X-Zooter-Probability").isEmpty());
        assertEquals(0, router.calls());

        HttpResponse<String> unknown = post(gw, "/v1/chat/completions", chat("gpt-9", "hi"));
        assertEquals(404, unknown.statusCode());
        JsonNode e = openAiError(unknown);
        assertEquals("model_not_found", e.path("code").asText());
        assertTrue(e.path("message").asText().contains("available models: zooter, a, b, c"), e.toString());
    }

    @Test
    void fallsBackToTheNextModelWhenTheChosenOneFails() throws Exception {
        a.setResponder(StubOpenAiServer.alwaysStatus(500));
        HttpResponse<String> r = post(gw, "/v1/chat/completions", chat("zooter", "q @a"));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("b says: q @a", json(r).path("choices").path(0).path("message").path("content").asText());
        assertEquals("b", r.headers().firstValue("X-Zooter-Model").orElseThrow());
        assertEquals("a", r.headers().firstValue("X-Zooter-Router-Choice").orElseThrow());
        assertEquals("2", r.headers().firstValue("X-Zooter-Attempts").orElseThrow());
        assertEquals("0.2000", r.headers().firstValue("X-Zooter-Probability").orElseThrow());
        assertEquals(1, a.requestCount());

        Map<String, Double> m = parseMetrics(get(gw, "/metrics").body());
        assertEquals(1, sum(m, "zooter_backend_errors_total", "backend=\"a\"", "kind=\"http_500\""));
        assertEquals(1, sum(m, "zooter_fallbacks_total"));
        assertEquals(1, sum(m, "zooter_backend_answers_total", "backend=\"b\""));
        assertEquals(1, sum(m, "zooter_routing_decisions_total", "model=\"a\""));
    }

    @Test
    void fallsBackWhenTheChosenOneTimesOut() throws Exception {
        gw.stop(Duration.ZERO);
        gw = gateway(List.of(backend(a, Duration.ofMillis(300)), backend(b), backend(c)),
                GatewayConfig.defaults().withPort(0));
        a.setResponder((req, n) -> Reply.ok("too late").delayed(3000));
        long t0 = System.nanoTime();
        HttpResponse<String> r = post(gw, "/v1/chat/completions", chat("zooter", "q @a"));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("b", r.headers().firstValue("X-Zooter-Model").orElseThrow());
        assertTrue(System.nanoTime() - t0 < 2_500_000_000L, "did not wait for the slow backend");
        Map<String, Double> m = parseMetrics(get(gw, "/metrics").body());
        assertEquals(1, sum(m, "zooter_backend_errors_total", "backend=\"a\"", "kind=\"timeout\""));
    }

    @Test
    void whenEveryModelTriedFailsTheClientGetsAnOpenAiError() throws Exception {
        gw.stop(Duration.ZERO);
        gw = GatewayServer.start(new RoutingChatClient(router, List.of(backend(a), backend(b), backend(c)),
                new BackendClient(), 2), GatewayConfig.defaults().withPort(0));
        a.setResponder(StubOpenAiServer.alwaysStatus(500));
        b.setResponder((req, n) -> Reply.malformedJson());
        HttpResponse<String> r = post(gw, "/v1/chat/completions", chat("zooter", "q @a"));
        assertEquals(502, r.statusCode(), r.body());
        JsonNode e = openAiError(r);
        assertEquals("server_error", e.path("type").asText());
        assertEquals("backend_error", e.path("code").asText());
        assertEquals(2, e.path("failures").size(), "attempts = 2: a, then b; never c");
        assertEquals("a", e.path("failures").path(0).path("model").asText());
        assertEquals(500, e.path("failures").path(0).path("status").asInt());
        assertEquals("malformed", e.path("failures").path(1).path("kind").asText());
        assertEquals(0, c.requestCount());

        HttpResponse<String> named = post(gw, "/v1/chat/completions", chat("a", "q"));
        assertEquals(502, named.statusCode());
        assertEquals(1, openAiError(named).path("failures").size(), "a named backend has no fallback");
    }

    @Test
    void whenEveryModelTimesOutTheAnswerIs504() throws Exception {
        gw.stop(Duration.ZERO);
        Duration t = Duration.ofMillis(200);
        gw = gateway(List.of(backend(a, t), backend(b, t), backend(c, t)), GatewayConfig.defaults().withPort(0));
        for (StubOpenAiServer s : List.of(a, b, c)) {
            s.setResponder((req, n) -> Reply.ok("late").delayed(2000));
        }
        HttpResponse<String> r = post(gw, "/v1/chat/completions", chat("zooter", "q"));
        assertEquals(504, r.statusCode(), r.body());
        assertEquals("backend_timeout", openAiError(r).path("code").asText());
        assertEquals(3, openAiError(r).path("failures").size());
    }

    @Test
    void badRequestsAreAnsweredWithClearOpenAiErrors() throws Exception {
        HttpResponse<String> malformed = post(gw, "/v1/chat/completions", "{\"model\": \"zooter\", \"messages\": [");
        assertEquals(400, malformed.statusCode());
        String why = openAiError(malformed).path("message").asText();
        assertTrue(why.startsWith("the request body is not valid JSON") && why.endsWith("(line 1, column 34)")
                && !why.contains("Source"), why);

        HttpResponse<String> noMessages = post(gw, "/v1/chat/completions", "{\"model\": \"zooter\"}");
        assertEquals(400, noMessages.statusCode());
        assertEquals("messages", openAiError(noMessages).path("param").asText());

        HttpResponse<String> notObject = post(gw, "/v1/chat/completions", "[1, 2]");
        assertEquals(400, notObject.statusCode());
        assertTrue(openAiError(notObject).path("message").asText().contains("must be a JSON object"));

        HttpResponse<String> empty = post(gw, "/v1/chat/completions", "");
        assertEquals(400, empty.statusCode());

        ObjectNode systemOnly = JSON.createObjectNode().put("model", "zooter");
        systemOnly.putArray("messages").addObject().put("role", "system").put("content", "you are terse");
        HttpResponse<String> noUser = post(gw, "/v1/chat/completions", systemOnly);
        assertEquals(400, noUser.statusCode());
        assertTrue(openAiError(noUser).path("message").asText().contains("no user message"), noUser.body());
        systemOnly.put("model", "a");
        assertEquals(200, post(gw, "/v1/chat/completions", systemOnly).statusCode(), "a named backend needs no user turn");

        ObjectNode badStream = chat("zooter", "x").put("stream", "yes");
        assertEquals(400, post(gw, "/v1/chat/completions", badStream).statusCode());

        HttpResponse<String> wrongMethod = get(gw, "/v1/chat/completions");
        assertEquals(405, wrongMethod.statusCode());
        assertEquals("POST", wrongMethod.headers().firstValue("Allow").orElseThrow());
        openAiError(wrongMethod);

        assertEquals(404, get(gw, "/v2/nothing").statusCode());
        assertEquals(1, a.requestCount(), "only the request naming a reached a backend");
        assertEquals(0, b.requestCount() + c.requestCount());
    }

    @Test
    void anOversizeBodyIs413() throws Exception {
        gw.stop(Duration.ZERO);
        gw = gateway(List.of(backend(a), backend(b), backend(c)), GatewayConfig.defaults().withPort(0).withMaxBodyBytes(1024));
        HttpResponse<String> r = post(gw, "/v1/chat/completions", chat("zooter", "x".repeat(8000)));
        assertEquals(413, r.statusCode());
        assertEquals("request_too_large", openAiError(r).path("code").asText());
        assertEquals(200, post(gw, "/v1/chat/completions", chat("zooter", "short")).statusCode(), "a small one still passes");
        assertEquals(1, a.requestCount());
    }

    @Test
    void routeModelsAndHealthDescribeTheGateway() throws Exception {
        HttpResponse<String> r = post(gw, "/route", "{\"query\": \"prove it @c\"}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode d = json(r);
        assertEquals("c", d.path("model").asText());
        assertEquals(0.6, d.path("probability").asDouble(), 1e-12);
        assertEquals(List.of("c", "a", "b"), List.of(d.path("ranking").path(0).asText(), d.path("ranking").path(1).asText(),
                d.path("ranking").path(2).asText()));
        assertEquals(1.0, d.path("distribution").path("a").asDouble() + d.path("distribution").path("b").asDouble()
                + d.path("distribution").path("c").asDouble(), 1e-9);
        assertTrue(d.path("entropy").asDouble() > 0);
        assertEquals("b", json(post(gw, "/route", chat("zooter", "x @b"))).path("model").asText(), "a chat body works too");
        assertEquals(400, post(gw, "/route", "{\"nothing\": 1}").statusCode());
        assertEquals(0, a.requestCount() + b.requestCount() + c.requestCount(), "routing only, no generation");

        JsonNode models = json(get(gw, "/v1/models"));
        assertEquals("list", models.path("object").asText());
        List<String> ids = new ArrayList<>();
        models.path("data").forEach(m -> ids.add(m.path("id").asText()));
        assertEquals(List.of("zooter", "a", "b", "c"), ids);
        assertEquals("a-model", models.path("data").path(1).path("backend_model").asText());

        HttpResponse<String> health = get(gw, "/health");
        assertEquals(200, health.statusCode());
        assertEquals("ok", json(health).path("status").asText());
        assertEquals(3, json(health).path("models").size());
    }

    @Test
    void metricsParseAndCountWhatWasSent() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertEquals(200, post(gw, "/v1/chat/completions", chat("zooter", "q" + i + " @b")).statusCode());
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(200, post(gw, "/v1/chat/completions", chat("zooter", "q" + i + " @c")).statusCode());
        }
        assertEquals(200, post(gw, "/v1/chat/completions", chat("a", "named")).statusCode());
        assertEquals(400, post(gw, "/v1/chat/completions", "{").statusCode());
        assertEquals(200, post(gw, "/route", "{\"query\": \"x @a\"}").statusCode());

        // A request's in-flight slot is released just after its answer is written, so a scrape can race the last
        // release under load: wait (bounded) for the gauge to settle before reading the counters.
        String text = get(gw, "/metrics").body();
        for (int tries = 0; tries < 40 && parseMetrics(text).get("zooter_in_flight") != 0; tries++) {
            Thread.sleep(50);
            text = get(gw, "/metrics").body();
        }
        Map<String, Double> m = parseMetrics(text);
        assertEquals(9, sum(m, "zooter_http_requests_total", "path=\"/v1/chat/completions\"", "status=\"200\""));
        assertEquals(1, sum(m, "zooter_http_requests_total", "path=\"/v1/chat/completions\"", "status=\"400\""));
        assertEquals(1, sum(m, "zooter_http_requests_total", "path=\"/route\"", "status=\"200\""));
        assertEquals(5, sum(m, "zooter_routing_decisions_total", "model=\"b\""));
        assertEquals(3, sum(m, "zooter_routing_decisions_total", "model=\"c\""));
        assertEquals(1, sum(m, "zooter_routing_decisions_total", "model=\"a\""), "the /route call");
        assertTrue(m.containsKey("zooter_routing_decisions_total{model=\"a\"}"));
        assertEquals(1, sum(m, "zooter_backend_answers_total", "backend=\"a\""), "named");
        assertEquals(5, sum(m, "zooter_backend_answers_total", "backend=\"b\""));
        assertEquals(0, sum(m, "zooter_backend_errors_total"));
        assertEquals(0, sum(m, "zooter_fallbacks_total"));
        assertEquals(9, m.get("zooter_router_latency_seconds_count"), "8 routed chats and 1 /route");
        assertEquals(9, m.get("zooter_router_latency_seconds_bucket{le=\"+Inf\"}"));
        double previous = 0;
        for (double le : GatewayMetrics.ROUTER_BUCKETS) {
            String key = "zooter_router_latency_seconds_bucket{le=\"" + java.math.BigDecimal.valueOf(le).toPlainString() + "\"}";
            assertTrue(m.containsKey(key), key);
            assertTrue(m.get(key) >= previous, "buckets are cumulative");
            previous = m.get(key);
        }
        assertTrue(m.get("zooter_router_latency_seconds_sum") >= 0);
        assertEquals(0, m.get("zooter_in_flight"));
        assertTrue(text.contains("# TYPE zooter_router_latency_seconds histogram"));
        assertFalse(text.contains("\r"));
    }

    @Test
    void theAliasMustNotShadowABackend() {
        assertThrows(IllegalArgumentException.class, () -> gateway(List.of(backend(a), backend(b), backend(c)),
                GatewayConfig.defaults().withPort(0).withAlias("b")));
    }

    private static final String CONTEXT_TOO_LONG = "{\"error\": {\"message\": \"maximum context length is 8192 tokens\", "
            + "\"type\": \"invalid_request_error\", \"param\": \"messages\", \"code\": \"context_length_exceeded\"}}";

    @Test
    void aBackendThatRefusesTheRequestItselfIsPassedOnWithoutFallback() throws Exception {
        a.setResponder((req, n) -> Reply.error(400).withErrorBody(CONTEXT_TOO_LONG));
        HttpResponse<String> r = post(gw, "/v1/chat/completions", chat("zooter", "a very long prompt @a"));
        assertEquals(400, r.statusCode(), r.body());
        JsonNode e = openAiError(r);
        assertEquals("context_length_exceeded", e.path("code").asText(), "the backend's own error object: " + e);
        assertEquals("maximum context length is 8192 tokens", e.path("message").asText());
        assertEquals("messages", e.path("param").asText());
        assertEquals(1, e.path("failures").size());
        assertEquals(400, e.path("failures").path(0).path("status").asInt());
        assertEquals(0, b.requestCount() + c.requestCount(), "another backend would refuse it too: no fallback");

        for (int status : new int[]{413, 422}) {
            a.setResponder(StubOpenAiServer.alwaysStatus(status));
            HttpResponse<String> refused = post(gw, "/v1/chat/completions", chat("zooter", "q @a"));
            assertEquals(status, refused.statusCode(), refused.body());
            openAiError(refused);
        }
        assertEquals(0, b.requestCount() + c.requestCount());
        Map<String, Double> m = parseMetrics(get(gw, "/metrics").body());
        assertEquals(0, sum(m, "zooter_fallbacks_total"));

        a.setResponder(StubOpenAiServer.alwaysStatus(401));
        HttpResponse<String> badKey = post(gw, "/v1/chat/completions", chat("zooter", "q @a"));
        assertEquals(200, badKey.statusCode(), "a 401 is the gateway's key for a: the next model answers");
        assertEquals("b", badKey.headers().firstValue("X-Zooter-Model").orElseThrow());

        a.setResponder(StubOpenAiServer.alwaysStatus(404));
        HttpResponse<String> misconfigured = post(gw, "/v1/chat/completions", chat("zooter", "q @a"));
        assertEquals(200, misconfigured.statusCode(), "a 404 is a wrong baseUrl or model id for a: the next model answers");
        assertEquals("b", misconfigured.headers().firstValue("X-Zooter-Model").orElseThrow());
    }

    @Test
    void aNamedBackendsClientErrorKeepsItsStatus() throws Exception {
        a.setResponder((req, n) -> Reply.error(422).withErrorBody(CONTEXT_TOO_LONG));
        HttpResponse<String> r = post(gw, "/v1/chat/completions", chat("a", "q"));
        assertEquals(422, r.statusCode(), r.body());
        assertEquals("context_length_exceeded", openAiError(r).path("code").asText());

        a.setResponder(StubOpenAiServer.alwaysStatus(409));
        assertEquals(409, post(gw, "/v1/chat/completions", chat("a", "q")).statusCode());

        a.setResponder((req, n) -> Reply.error(401).withErrorBody(
                "{\"error\": {\"message\": \"Incorrect API key provided: sk-abc***wxyz\"}}"));
        HttpResponse<String> badKey = post(gw, "/v1/chat/completions", chat("a", "q"));
        assertEquals(502, badKey.statusCode(), "the gateway's key is not the client's: " + badKey.body());
        assertFalse(badKey.body().contains("sk-abc"), badKey.body());
        assertEquals(401, openAiError(badKey).path("failures").path(0).path("status").asInt());
    }

    @Test
    void whenEveryModelIsBusyTheClientIsToldToComeBackLater() throws Exception {
        a.setResponder((req, n) -> Reply.error(429).withRetryAfter("7"));
        b.setResponder((req, n) -> Reply.error(503).withRetryAfter("2"));
        c.setResponder((req, n) -> Reply.error(429));
        HttpResponse<String> r = post(gw, "/v1/chat/completions", chat("zooter", "q @a"));
        assertEquals(503, r.statusCode(), r.body());
        assertEquals("7", r.headers().firstValue("Retry-After").orElseThrow(), "the longest wait asked for");
        assertEquals(3, openAiError(r).path("failures").size());

        b.setResponder((req, n) -> Reply.error(429).withRetryAfter("2.5"));
        a.setResponder((req, n) -> Reply.error(429));
        HttpResponse<String> limited = post(gw, "/v1/chat/completions", chat("zooter", "q @a"));
        assertEquals(429, limited.statusCode(), limited.body());
        assertEquals("3", limited.headers().firstValue("Retry-After").orElseThrow(), "2.5 s, rounded up");
        assertEquals("rate_limit_error", openAiError(limited).path("type").asText());

        c.setResponder(StubOpenAiServer.alwaysStatus(500));
        assertEquals(502, post(gw, "/v1/chat/completions", chat("zooter", "q @a")).statusCode(),
                "one failure that is not busy: a plain 502");
    }

    @Test
    void errorsTellTheClientWhatFailedButNotTheBackendsUrlsOrWords() throws Exception {
        gw.stop(Duration.ZERO);
        Backend gone = Backend.of("gone", "http://127.0.0.1:1/internal-cluster/v1", "gone-model");
        router = new KeywordRouter("a", "gone");
        gw = gateway(List.of(backend(a), gone), GatewayConfig.defaults().withPort(0));
        a.setResponder((req, n) -> Reply.error(500).withErrorBody(
                "{\"error\": {\"message\": \"CUDA OOM on node gpu-17.internal at /srv/models/x\"}}"));
        HttpResponse<String> r = post(gw, "/v1/chat/completions", chat("zooter", "q @a"));
        assertEquals(502, r.statusCode(), r.body());
        for (String secret : List.of("127.0.0.1", "internal-cluster", "gpu-17", "/srv/models", "CUDA", "http")) {
            assertFalse(r.body().contains(secret), "leaks '" + secret + "': " + r.body());
        }
        JsonNode e = openAiError(r);
        assertEquals("all 2 models tried failed: a (status 500), gone (connection)", e.path("message").asText());
        assertEquals("{\"model\":\"gone\",\"kind\":\"connection\"}", e.path("failures").path(1).toString());
    }

    @Test
    void trailingContentAfterTheJsonBodyIs400() throws Exception {
        HttpResponse<String> r = post(gw, "/v1/chat/completions",
                "{\"model\": \"a\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]} }x");
        assertEquals(400, r.statusCode(), r.body());
        String why = openAiError(r).path("message").asText();
        assertTrue(why.startsWith("the request body is not valid JSON") && why.endsWith("(line 1, column 65)")
                && !why.contains("Source"), why);
        HttpResponse<String> second = post(gw, "/route", "{\"query\": \"x\"} {}");
        assertEquals(400, second.statusCode());
        assertEquals("the request body is not valid JSON: more content follows the JSON object (line 1, column 16)",
                openAiError(second).path("message").asText());
        assertEquals(0, a.requestCount());
    }
}
