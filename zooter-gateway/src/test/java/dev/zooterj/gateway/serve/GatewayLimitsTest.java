package dev.zooterj.gateway.serve;

import dev.zooterj.gateway.KeywordRouter;
import dev.zooterj.gateway.StubOpenAiServer;
import dev.zooterj.gateway.StubOpenAiServer.Reply;
import dev.zooterj.gateway.client.RoutingChatClient;
import dev.zooterj.gateway.http.BackendClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static dev.zooterj.gateway.serve.GatewayTestSupport.backend;
import static dev.zooterj.gateway.serve.GatewayTestSupport.chat;
import static dev.zooterj.gateway.serve.GatewayTestSupport.get;
import static dev.zooterj.gateway.serve.GatewayTestSupport.json;
import static dev.zooterj.gateway.serve.GatewayTestSupport.openAiError;
import static dev.zooterj.gateway.serve.GatewayTestSupport.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The in-flight limit and graceful shutdown, with a slow stub backend. */
class GatewayLimitsTest {
    private StubOpenAiServer slow;
    private GatewayServer gw;

    private void start(int maxInFlight, long delayMs) throws Exception {
        slow = StubOpenAiServer.start("slow", (r, n) -> Reply.ok("done: " + r.userMessage()).delayed(delayMs));
        gw = GatewayServer.start(new RoutingChatClient(new KeywordRouter("slow"), List.of(backend(slow)),
                new BackendClient(), 1), GatewayConfig.defaults().withPort(0).withMaxInFlight(maxInFlight));
    }

    @AfterEach
    void stop() {
        gw.stop(Duration.ZERO);
        slow.close();
    }

    private CompletableFuture<HttpResponse<String>> postAsync(String user) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return post(gw, "/v1/chat/completions", chat("zooter", user));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private void awaitStubRequests(int n) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (slow.requestCount() < n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(n, slow.requestCount());
    }

    @Test
    void beyondTheInFlightLimitRequestsAreRefusedWith503AndRetryAfter() throws Exception {
        start(2, 1500);
        CompletableFuture<HttpResponse<String>> first = postAsync("one");
        CompletableFuture<HttpResponse<String>> second = postAsync("two");
        awaitStubRequests(2);
        HttpResponse<String> third = post(gw, "/v1/chat/completions", chat("zooter", "three"));
        assertEquals(503, third.statusCode(), third.body());
        assertEquals("1", third.headers().firstValue("Retry-After").orElseThrow());
        assertEquals("overloaded", openAiError(third).path("code").asText());
        assertEquals(200, get(gw, "/health").statusCode(), "health is not subject to the limit");
        assertEquals(2, json(get(gw, "/health")).path("in_flight").asInt());
        assertEquals(200, first.get().statusCode());
        assertEquals(200, second.get().statusCode());
        assertEquals(200, post(gw, "/v1/chat/completions", chat("zooter", "four")).statusCode(), "permits come back");
        assertEquals(3, slow.requestCount());
    }

    @Test
    void aGracefulStopLetsTheRequestInFlightFinish() throws Exception {
        start(8, 1200);
        CompletableFuture<HttpResponse<String>> inFlight = postAsync("finish me");
        awaitStubRequests(1);
        long t0 = System.nanoTime();
        gw.stop(Duration.ofSeconds(20));
        long stopMs = (System.nanoTime() - t0) / 1_000_000;
        HttpResponse<String> r = inFlight.get();
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("done: finish me", json(r).path("choices").path(0).path("message").path("content").asText());
        assertTrue(stopMs < 10_000, "stop returned once the request finished, not at the end of the grace (" + stopMs + " ms)");
        HttpClient fresh = HttpClient.newHttpClient();
        assertThrows(ConnectException.class, () -> fresh.send(HttpRequest.newBuilder(gw.baseUri().resolve("/health"))
                .build(), HttpResponse.BodyHandlers.ofString()), "no new connections after stop");
    }

    @Test
    void aStopWithNothingInFlightIsImmediate() throws Exception {
        start(8, 0);
        assertEquals(200, post(gw, "/v1/chat/completions", chat("zooter", "x")).statusCode());
        long t0 = System.nanoTime();
        gw.stop(Duration.ofSeconds(20));
        assertTrue(System.nanoTime() - t0 < 3_000_000_000L, "an idle keep-alive connection does not hold the stop up");
    }
}
