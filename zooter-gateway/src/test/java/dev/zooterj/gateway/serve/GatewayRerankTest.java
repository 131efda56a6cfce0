package dev.zooterj.gateway.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.zooterj.core.routing.Estimate;
import dev.zooterj.core.routing.EstimatingRouter;
import dev.zooterj.core.routing.Estimator;
import dev.zooterj.core.routing.RerankPolicy;
import dev.zooterj.core.routing.RerankRule;
import dev.zooterj.gateway.StubOpenAiServer;
import dev.zooterj.gateway.StubOpenAiServer.Reply;
import dev.zooterj.gateway.backend.Backend;
import dev.zooterj.gateway.client.RerankingChatClient;
import dev.zooterj.gateway.client.RoutingChatClient;
import dev.zooterj.gateway.collect.HttpRewardScorer;
import dev.zooterj.gateway.http.BackendClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.zooterj.gateway.serve.GatewayTestSupport.HTTP;
import static dev.zooterj.gateway.serve.GatewayTestSupport.JSON;
import static dev.zooterj.gateway.serve.GatewayTestSupport.chat;
import static dev.zooterj.gateway.serve.GatewayTestSupport.get;
import static dev.zooterj.gateway.serve.GatewayTestSupport.json;
import static dev.zooterj.gateway.serve.GatewayTestSupport.openAiError;
import static dev.zooterj.gateway.serve.GatewayTestSupport.parseMetrics;
import static dev.zooterj.gateway.serve.GatewayTestSupport.post;
import static dev.zooterj.gateway.serve.GatewayTestSupport.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway in rerank mode over real loopback HTTP: three stub backends (a, b, c), a stub reward endpoint, and a
 * router that generates with all three unless it is sure (a query with "sure" puts 0.8 on b: one generation).
 */
class GatewayRerankTest {
    private final List<AutoCloseable> open = new ArrayList<>();
    private final AtomicInteger rewardCalls = new AtomicInteger();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /** Ranks a, b, c (0.5, 0.3, 0.2); a query with "sure" gets (0.1, 0.8, 0.1). Top-3 unless p1 > 0.6. */
    static EstimatingRouter router() {
        List<String> models = List.of("a", "b", "c");
        Estimator e = new Estimator() {
            @Override
            public List<String> models() {
                return models;
            }

            @Override
            public List<Estimate> estimate(List<String> queries) {
                return queries.stream().map(q -> Estimate.distribution(models, q.contains("sure")
                        ? new double[] {0.1, 0.8, 0.1} : new double[] {0.5, 0.3, 0.2})).toList();
            }
        };
        return new EstimatingRouter(e, new RerankPolicy(new RerankRule(RerankRule.Rule.TOP1, 0.6, 3)));
    }

    /**
     * A reward endpoint: {query, response} → {"reward": r} where r is given for the backend whose answer it is ("a
     * says: ..."), after {@code delayMs}, or the given error status.
     */
    HttpServer rewardEndpoint(Map<String, Double> byBackend, int status, long delayMs) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        s.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "stub-reward");
            t.setDaemon(true);
            return t;
        }));
        s.createContext("/score", ex -> {
            try (ex) {
                rewardCalls.incrementAndGet();
                JsonNode body = JSON.readTree(ex.getRequestBody().readAllBytes());
                String response = body.path("response").asText();
                double r = byBackend.entrySet().stream().filter(x -> response.startsWith(x.getKey() + " says"))
                        .mapToDouble(Map.Entry::getValue).findFirst().orElse(0);
                if (delayMs > 0) {
                    try {
                        Thread.sleep(delayMs);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                byte[] b = (status == 200 ? "{\"reward\": " + r + "}" : "{\"error\": \"down\"}").getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(status, b.length);
                ex.getResponseBody().write(b);
            } catch (IOException e) {
                // the gateway gave up on this score
            }
        });
        s.start();
        open.add(() -> s.stop(0));
        return s;
    }

    StubOpenAiServer stub(String name, StubOpenAiServer.Responder r) {
        StubOpenAiServer s = StubOpenAiServer.start(name, r);
        open.add(s);
        return s;
    }

    static Backend backend(StubOpenAiServer s, long timeoutMs) {
        return new Backend(s.name(), URI.create(s.baseUrl()), s.name() + "-model", null, Duration.ofMillis(timeoutMs), 8, null, null);
    }

    GatewayServer gateway(List<Backend> backends, HttpServer reward, Duration scoreTimeout) throws IOException {
        EstimatingRouter router = router();
        BackendClient http = new BackendClient();
        HttpRewardScorer scorer = new HttpRewardScorer(URI.create("http://127.0.0.1:" + reward.getAddress().getPort()
                + "/score"), null, Duration.ofSeconds(10), 8);
        RerankingChatClient reranker = new RerankingChatClient(router, backends, http, scorer, scoreTimeout);
        open.add(reranker);
        GatewayServer gw = GatewayServer.start(new RoutingChatClient(router, backends, http, 3), reranker,
                GatewayConfig.defaults().withPort(0));
        open.add(() -> gw.stop(Duration.ZERO));
        return gw;
    }

    List<Backend> echoing(long timeoutMs) {
        return List.of(backend(stub("a", StubOpenAiServer.echo("a")), timeoutMs),
                backend(stub("b", StubOpenAiServer.echo("b")), timeoutMs),
                backend(stub("c", StubOpenAiServer.echo("c")), timeoutMs));
    }

    static String content(HttpResponse<String> r) throws IOException {
        return json(r).path("choices").path(0).path("message").path("content").asText();
    }

    static String header(HttpResponse<String> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }

    @Test
    void theHighestRewardedAnswerWinsWithHeadersAndMetrics() throws Exception {
        List<Backend> bs = echoing(5000);
        GatewayServer gw = gateway(bs, rewardEndpoint(Map.of("a", 0.2, "b", 0.9, "c", 0.5), 200, 0), Duration.ofSeconds(5));
        assertTrue(gw.reranking());
        HttpResponse<String> r = post(gw, "/v1/chat/completions", chat("zooter", "hello"));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("b says: hello", content(r));
        assertEquals("b", json(r).path("model").asText(), "the answer names the backend that won");
        assertEquals("b", header(r, "X-Zooter-Model"));
        assertEquals("a", header(r, "X-Zooter-Router-Choice"), "the router's first choice");
        assertEquals("router", header(r, "X-Zooter-Route"));
        assertEquals("3", header(r, "X-Zooter-Generations"));
        assertEquals("a,b,c", header(r, "X-Zooter-Answered"));
        assertEquals("a=0.200000,b=0.900000,c=0.500000", header(r, "X-Zooter-Rewards"));
        assertEquals("reward", header(r, "X-Zooter-Rerank"));
        assertEquals("0.3000", header(r, "X-Zooter-Probability"), "the router's probability for the winner");
        assertEquals(3, rewardCalls.get(), "every answer was scored");

        // A sure router generates once: no scoring, the plain routed answer.
        HttpResponse<String> sure = post(gw, "/v1/chat/completions", chat("zooter", "I am sure"));
        assertEquals(200, sure.statusCode(), sure.body());
        assertEquals("b says: I am sure", content(sure));
        assertEquals(null, header(sure, "X-Zooter-Generations"));
        assertEquals(3, rewardCalls.get());

        // A named backend is called alone.
        HttpResponse<String> named = post(gw, "/v1/chat/completions", chat("c", "just you"));
        assertEquals("c says: just you", content(named));
        assertEquals(3, rewardCalls.get());

        Map<String, Double> m = parseMetrics(get(gw, "/metrics").body());
        assertEquals(5.0, m.get("zooter_generations_total"), "3 + 1 + 1");
        assertEquals(3.0, m.get("zooter_generations_per_request_count"));
        assertEquals(5.0, m.get("zooter_generations_per_request_sum"));
        assertEquals(2.0, m.get("zooter_generations_per_request_bucket{le=\"1.0\"}"));
        assertEquals(3.0, m.get("zooter_generations_per_request_bucket{le=\"3.0\"}"));
        assertEquals(1.0, m.get("zooter_rerank_requests_total{outcome=\"reward\"}"));
        assertEquals(0.0, m.get("zooter_rerank_requests_total{outcome=\"fallback\"}"));
        assertEquals(0.0, m.get("zooter_reward_errors_total"));
        assertEquals(2.0, m.get("zooter_backend_answers_total{backend=\"b\"}"), "the rerank winner and the sure route");
        assertEquals(0.0, m.get("zooter_backend_answers_total{backend=\"a\"}"), "a answered but did not win");
        assertEquals(2.0, sum(m, "zooter_routing_decisions_total"), "two routed requests");
    }

    @Test
    void aFailingRewardEndpointFallsBackToTheRoutersFirstChoice() throws Exception {
        GatewayServer gw = gateway(echoing(5000), rewardEndpoint(Map.of("b", 0.9), 500, 0), Duration.ofSeconds(5));
        HttpResponse<String> r = post(gw, "/v1/chat/completions", chat("zooter", "hello"));
        assertEquals(200, r.statusCode(), "a reward failure is never an error: " + r.body());
        assertEquals("a says: hello", content(r));
        assertEquals("a", header(r, "X-Zooter-Model"));
        assertEquals("fallback", header(r, "X-Zooter-Rerank"));
        assertEquals("a,b,c", header(r, "X-Zooter-Answered"));
        assertEquals(null, header(r, "X-Zooter-Rewards"));
        Map<String, Double> m = parseMetrics(get(gw, "/metrics").body());
        assertEquals(1.0, m.get("zooter_rerank_requests_total{outcome=\"fallback\"}"));
        assertEquals(3.0, m.get("zooter_reward_errors_total"));
    }

    @Test
    void aRewardEndpointThatTimesOutFallsBackToTheFirstChoice() throws Exception {
        GatewayServer gw = gateway(echoing(5000), rewardEndpoint(Map.of("b", 0.9), 200, 5000), Duration.ofMillis(300));
        long t0 = System.nanoTime();
        HttpResponse<String> r = post(gw, "/v1/chat/completions", chat("zooter", "hello"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("a says: hello", content(r));
        assertEquals("fallback", header(r, "X-Zooter-Rerank"));
        assertTrue(ms < 3000, "the gateway did not wait for the slow reward endpoint: " + ms + " ms");
    }

    @Test
    void aSlowCandidateIsCutAtItsTimeoutAndTheRestCompete() throws Exception {
        AtomicInteger slowCalls = new AtomicInteger();
        StubOpenAiServer slow = stub("b", (req, n) -> {
            slowCalls.incrementAndGet();
            return Reply.ok("b says: late").delayed(3000);
        });
        List<Backend> bs = List.of(backend(stub("a", StubOpenAiServer.echo("a")), 5000), backend(slow, 300),
                backend(stub("c", StubOpenAiServer.echo("c")), 5000));
        GatewayServer gw = gateway(bs, rewardEndpoint(Map.of("a", 0.1, "b", 0.99, "c", 0.7), 200, 0), Duration.ofSeconds(5));
        long t0 = System.nanoTime();
        HttpResponse<String> r = post(gw, "/v1/chat/completions", chat("zooter", "hello"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("c says: hello", content(r), "b would win but is cut off");
        assertEquals("c", header(r, "X-Zooter-Model"));
        assertEquals("a,c", header(r, "X-Zooter-Answered"));
        assertEquals("b=timeout", header(r, "X-Zooter-Failed"));
        assertEquals("3", header(r, "X-Zooter-Generations"));
        assertEquals(1, slowCalls.get());
        assertTrue(ms < 2500, "the request did not wait for the slow candidate: " + ms + " ms");
        Map<String, Double> m = parseMetrics(get(gw, "/metrics").body());
        assertEquals(1.0, m.get("zooter_backend_errors_total{backend=\"b\",kind=\"timeout\"}"));
        assertEquals(3.0, m.get("zooter_generations_total"));
    }

    @Test
    void whenEveryCandidateFailsTheClientGetsTheUsualUpstreamError() throws Exception {
        List<Backend> bs = List.of(backend(stub("a", StubOpenAiServer.alwaysStatus(500)), 5000),
                backend(stub("b", StubOpenAiServer.alwaysStatus(502)), 5000),
                backend(stub("c", StubOpenAiServer.alwaysStatus(500)), 5000));
        GatewayServer gw = gateway(bs, rewardEndpoint(Map.of(), 200, 0), Duration.ofSeconds(5));
        HttpResponse<String> r = post(gw, "/v1/chat/completions", chat("zooter", "hello"));
        assertEquals(502, r.statusCode(), r.body());
        JsonNode e = openAiError(r);
        assertTrue(e.path("message").asText().contains("all 3 models tried failed"), e.toString());
        assertEquals(0, rewardCalls.get());
    }

    @Test
    void aStreamingRequestGoesToOneModel() throws Exception {
        List<StubOpenAiServer> stubs = List.of(stub("a", StubOpenAiServer.echo("a")), stub("b", StubOpenAiServer.echo("b")),
                stub("c", StubOpenAiServer.echo("c")));
        GatewayServer gw = gateway(stubs.stream().map(s -> backend(s, 5000)).toList(),
                rewardEndpoint(Map.of("b", 0.9), 200, 0), Duration.ofSeconds(5));
        ObjectNode body = chat("zooter", "stream it");
        body.put("stream", true);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(gw.baseUri().resolve("/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(header(r, "Content-Type").startsWith("text/event-stream"));
        assertEquals("a", header(r, "X-Zooter-Model"), "the router's first choice streams");
        assertEquals(null, header(r, "X-Zooter-Generations"));
        assertTrue(r.body().contains("\"model\":\"a\"") && r.body().strip().endsWith("data: [DONE]"), r.body());
        assertEquals(List.of(1, 0, 0), stubs.stream().map(StubOpenAiServer::requestCount).toList(),
                "only the first choice was asked");
        assertEquals(0, rewardCalls.get());
        Map<String, Double> m = parseMetrics(get(gw, "/metrics").body());
        assertEquals(1.0, m.get("zooter_generations_total"));
    }

    @Test
    void keysEchoedByCandidatesAreRedactedInTheRerankedAnswer() throws Exception {
        String env = GatewaySafetyTest.KEY_ENV;
        String key = GatewaySafetyTest.KEY;
        org.junit.jupiter.api.Assumptions.assumeTrue(key != null && key.length() > 20, env + " is not set (the build sets it)");
        List<Backend> bs = new ArrayList<>();
        for (String name : List.of("a", "b", "c")) {
            StubOpenAiServer s = stub(name, (req, n) -> Reply.ok(name + " says: you sent "
                    + GatewaySafetyTest.echoOf(req.authorization().substring("Bearer ".length()))));
            bs.add(new Backend(name, URI.create(s.baseUrl()), name + "-model", env, Duration.ofSeconds(5), 8, null, null));
        }
        GatewayServer gw = gateway(bs, rewardEndpoint(Map.of("a", 0.1, "b", 0.2, "c", 0.9), 200, 0), Duration.ofSeconds(5));
        HttpResponse<String> r = post(gw, "/v1/chat/completions", chat("zooter", "hello"));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("c", header(r, "X-Zooter-Model"));
        assertTrue(r.body().contains("c says: you sent Incorrect API key provided: [REDACTED]"), r.body());
        GatewaySafetyTest.assertNoKey("the reranked answer", r.body() + r.headers().map());
        assertFalse(r.body().contains(key));
    }
}
