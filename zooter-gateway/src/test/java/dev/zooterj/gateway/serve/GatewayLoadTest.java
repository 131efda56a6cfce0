package dev.zooterj.gateway.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zooterj.gateway.KeywordRouter;
import dev.zooterj.gateway.StubOpenAiServer;
import dev.zooterj.gateway.client.RoutingChatClient;
import dev.zooterj.gateway.http.BackendClient;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.zooterj.gateway.serve.GatewayTestSupport.chat;
import static dev.zooterj.gateway.serve.GatewayTestSupport.get;
import static dev.zooterj.gateway.serve.GatewayTestSupport.json;
import static dev.zooterj.gateway.serve.GatewayTestSupport.parseMetrics;
import static dev.zooterj.gateway.serve.GatewayTestSupport.post;
import static dev.zooterj.gateway.serve.GatewayTestSupport.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A bounded load test: 2,000 requests, 32 at a time, through the gateway to three echo stubs. Every request carries a
 * unique message, so a lost, duplicated or crossed answer shows. Timing is measured by {@code GatewayLoadHarness}, not
 * asserted here.
 */
class GatewayLoadTest {
    private static final int REQUESTS = 2000;
    private static final int CONCURRENCY = 32;
    private static final List<String> MODELS = List.of("a", "b", "c");

    @Test
    void twoThousandConcurrentRequestsGetTheirOwnAnswersExactlyOnce() throws Exception {
        List<StubOpenAiServer> stubs = MODELS.stream().map(m -> StubOpenAiServer.start(m, StubOpenAiServer.echo(m))).toList();
        GatewayServer gw = GatewayServer.start(new RoutingChatClient(new KeywordRouter("a", "b", "c"),
                stubs.stream().map(GatewayTestSupport::backend).toList(), new BackendClient(), 3),
                GatewayConfig.defaults().withPort(0));
        ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
        try {
            List<Future<HttpResponse<String>>> futures = new ArrayList<>(REQUESTS);
            for (int i = 0; i < REQUESTS; i++) {
                String message = "request " + i + " @" + MODELS.get(i % 3);
                futures.add(pool.submit(() -> post(gw, "/v1/chat/completions", chat("zooter", message))));
            }
            for (int i = 0; i < REQUESTS; i++) {
                HttpResponse<String> r = futures.get(i).get();
                assertEquals(200, r.statusCode(), r.body());
                String model = MODELS.get(i % 3);
                JsonNode answer = json(r);
                assertEquals(model, answer.path("model").asText());
                assertEquals(model + " says: request " + i + " @" + model,
                        answer.path("choices").path(0).path("message").path("content").asText(), "answer " + i);
            }
            for (int i = 0; i < REQUESTS; i++) {
                String message = "request " + i + " @" + MODELS.get(i % 3);
                assertEquals(1, stubs.get(i % 3).requestsFor(message), "exactly one backend call for " + message);
            }
            assertEquals(REQUESTS, stubs.stream().mapToInt(StubOpenAiServer::requestCount).sum());
            Map<String, Double> m = parseMetrics(get(gw, "/metrics").body());
            assertEquals(REQUESTS, sum(m, "zooter_http_requests_total", "path=\"/v1/chat/completions\"", "status=\"200\""));
            for (String model : MODELS) {
                assertEquals(Math.ceil((REQUESTS - MODELS.indexOf(model)) / 3.0),
                        sum(m, "zooter_routing_decisions_total", "model=\"" + model + "\""), model);
            }
        } finally {
            pool.shutdownNow();
            gw.stop(Duration.ZERO);
            stubs.forEach(StubOpenAiServer::close);
        }
    }
}
