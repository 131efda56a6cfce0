package dev.zooterj.gateway.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.zooterj.core.routing.Estimate;
import dev.zooterj.core.routing.EstimatingRouter;
import dev.zooterj.core.routing.Estimator;
import dev.zooterj.core.routing.RerankPolicy;
import dev.zooterj.core.routing.RerankRule;
import dev.zooterj.gateway.StubOpenAiServer;
import dev.zooterj.gateway.StubOpenAiServer.Reply;
import dev.zooterj.gateway.backend.Backend;
import dev.zooterj.gateway.collect.HttpRewardScorer;
import dev.zooterj.gateway.http.BackendClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Route-or-rerank against three stub backends and a stub reward endpoint on loopback. */
class RerankingChatClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    /** The router ranks a, b, c in that order and generates with all three. */
    static EstimatingRouter topThree() {
        List<String> models = List.of("a", "b", "c");
        Estimator e = new Estimator() {
            @Override
            public List<String> models() {
                return models;
            }

            @Override
            public List<Estimate> estimate(List<String> queries) {
                return queries.stream().map(q -> Estimate.distribution(models, new double[] {0.5, 0.3, 0.2})).toList();
            }
        };
        return new EstimatingRouter(e, new RerankPolicy(RerankRule.fixed(3)));
    }

    /** A reward endpoint: {query, response} → {"reward": f(response)}, or the given status. */
    HttpServer rewardEndpoint(Map<String, Double> byBackend, int status) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        s.createContext("/score", ex -> {
            try (ex) {
                JsonNode body = JSON.readTree(ex.getRequestBody().readAllBytes());
                String response = body.path("response").asText();
                double r = byBackend.entrySet().stream().filter(x -> response.startsWith(x.getKey() + " says"))
                        .mapToDouble(Map.Entry::getValue).findFirst().orElse(0);
                byte[] b = (status == 200 ? "{\"reward\": " + r + "}" : "{\"error\": \"down\"}").getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(status, b.length);
                ex.getResponseBody().write(b);
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

    RerankingChatClient client(List<Backend> backends, HttpServer reward) {
        HttpRewardScorer scorer = new HttpRewardScorer(URI.create("http://127.0.0.1:" + reward.getAddress().getPort() + "/score"),
                null, Duration.ofSeconds(5), 8);
        RerankingChatClient c = new RerankingChatClient(topThree(), backends, new BackendClient(), scorer, Duration.ofSeconds(5));
        open.add(c);
        return c;
    }

    @Test
    void theHighestRewardedAnswerWins() throws Exception {
        List<Backend> bs = List.of(backend(stub("a", StubOpenAiServer.echo("a")), 5000),
                backend(stub("b", StubOpenAiServer.echo("b")), 5000), backend(stub("c", StubOpenAiServer.echo("c")), 5000));
        RerankingChatClient c = client(bs, rewardEndpoint(Map.of("a", 0.2, "b", 0.9, "c", 0.5), 200));
        RerankingChatClient.Result r = c.complete("hello", ChatBodies.user("hello"));
        assertEquals("b", r.winner());
        assertEquals("b says: hello", r.completion().content());
        assertEquals(List.of("a", "b", "c"), r.answered());
        assertEquals(Map.of("a", 0.2, "b", 0.9, "c", 0.5), r.rewards());
        assertEquals(3, r.generations());
        assertFalse(r.fellBack());
    }

    @Test
    void aFailingRewardSourceFallsBackToTheRoutersFirstChoice() throws Exception {
        List<Backend> bs = List.of(backend(stub("a", StubOpenAiServer.echo("a")), 5000),
                backend(stub("b", StubOpenAiServer.echo("b")), 5000), backend(stub("c", StubOpenAiServer.echo("c")), 5000));
        RerankingChatClient c = client(bs, rewardEndpoint(Map.of("b", 0.9), 500));
        RerankingChatClient.Result r = c.complete("hello", ChatBodies.user("hello"));
        assertEquals("a", r.winner(), "the router ranks a first");
        assertEquals("a says: hello", r.completion().content());
        assertTrue(r.fellBack());
        assertTrue(r.rewards().isEmpty());
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
        RerankingChatClient c = client(bs, rewardEndpoint(Map.of("a", 0.1, "b", 0.99, "c", 0.7), 200));
        long t0 = System.nanoTime();
        RerankingChatClient.Result r = c.complete("hello", ChatBodies.user("hello"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals("c", r.winner(), "b would win but is cut off");
        assertEquals(List.of("a", "c"), r.answered());
        assertEquals(Map.of("b", "timeout"), r.failed());
        assertEquals(1, slowCalls.get());
        assertTrue(ms < 2500, "the request does not wait for the slow candidate: " + ms + " ms");
    }
}
