package dev.zooterj.gateway.serve;

import dev.zooterj.gateway.KeywordRouter;
import dev.zooterj.gateway.StubOpenAiServer;
import dev.zooterj.gateway.StubOpenAiServer.Reply;
import dev.zooterj.gateway.client.RoutingChatClient;
import dev.zooterj.gateway.http.BackendClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static dev.zooterj.gateway.serve.GatewayTestSupport.backend;
import static dev.zooterj.gateway.serve.GatewayTestSupport.chat;
import static dev.zooterj.gateway.serve.GatewayTestSupport.get;
import static dev.zooterj.gateway.serve.GatewayTestSupport.json;
import static dev.zooterj.gateway.serve.GatewayTestSupport.openAiError;
import static dev.zooterj.gateway.serve.GatewayTestSupport.parseMetrics;
import static dev.zooterj.gateway.serve.GatewayTestSupport.post;
import static dev.zooterj.gateway.serve.GatewayTestSupport.sum;
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

    @Test
    void aClientSlowToSendItsBodyHoldsNoSlotAndIsCutOff() throws Exception {
        slow = StubOpenAiServer.start("slow", (r, n) -> Reply.ok("done: " + r.userMessage()));
        gw = GatewayServer.start(new RoutingChatClient(new KeywordRouter("slow"), List.of(backend(slow)),
                new BackendClient(), 1), GatewayConfig.defaults().withPort(0).withMaxInFlight(1)
                .withBodyReadTimeout(Duration.ofMillis(600)));
        List<Socket> trickles = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Socket s = new Socket(InetAddress.getLoopbackAddress(), gw.port());
                s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"messages\": [")
                        .getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                trickles.add(s);
            }
            Thread.sleep(300);  // their handlers are reading by now
            HttpResponse<String> r = post(gw, "/v1/chat/completions", chat("zooter", "meanwhile"));
            assertEquals(200, r.statusCode(), "bodies still arriving hold none of the in-flight slots: " + r.body());
            long t0 = System.nanoTime();
            for (Socket s : trickles) {
                s.setSoTimeout(5000);
                int read;
                try {
                    read = s.getInputStream().read();
                } catch (SocketTimeoutException e) {
                    throw e;
                } catch (IOException e) {
                    read = -1;  // reset: closed all the same
                }
                assertEquals(-1, read, "closed without an answer");
            }
            assertTrue(System.nanoTime() - t0 < 3_000_000_000L, "cut off at the body read timeout");
            long deadline = System.nanoTime() + 3_000_000_000L;
            double timedOut = 0;
            while (timedOut < 3 && System.nanoTime() < deadline) {
                timedOut = sum(parseMetrics(get(gw, "/metrics").body()), "zooter_http_requests_total", "status=\"408\"");
                Thread.sleep(20);
            }
            assertEquals(3, timedOut, "counted as 408");
            assertEquals(0, json(get(gw, "/health")).path("in_flight").asInt());
        } finally {
            for (Socket s : trickles) {
                s.close();
            }
        }
    }
}
