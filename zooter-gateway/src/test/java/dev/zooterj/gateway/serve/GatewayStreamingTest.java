package dev.zooterj.gateway.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zooterj.gateway.KeywordRouter;
import dev.zooterj.gateway.StubOpenAiServer;
import dev.zooterj.gateway.StubOpenAiServer.Reply;
import dev.zooterj.gateway.client.RoutingChatClient;
import dev.zooterj.gateway.http.BackendClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.zooterj.gateway.serve.GatewayTestSupport.HTTP;
import static dev.zooterj.gateway.serve.GatewayTestSupport.JSON;
import static dev.zooterj.gateway.serve.GatewayTestSupport.backend;
import static dev.zooterj.gateway.serve.GatewayTestSupport.chat;
import static dev.zooterj.gateway.serve.GatewayTestSupport.get;
import static dev.zooterj.gateway.serve.GatewayTestSupport.parseMetrics;
import static dev.zooterj.gateway.serve.GatewayTestSupport.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code "stream": true} through the gateway: chunks relayed in order as they come, fallback only before the first. */
class GatewayStreamingTest {
    private static final String ANSWER = "one two three four five six seven eight";

    private StubOpenAiServer a;
    private StubOpenAiServer b;
    private GatewayServer gw;

    @BeforeEach
    void start() throws Exception {
        a = StubOpenAiServer.start("a", (r, n) -> Reply.ok(ANSWER).inChunks(8));
        b = StubOpenAiServer.start("b", (r, n) -> Reply.ok("b: " + r.userMessage()).inChunks(3));
        gw = GatewayServer.start(new RoutingChatClient(new KeywordRouter("a", "b"), List.of(backend(a), backend(b)),
                new BackendClient(), 2), GatewayConfig.defaults().withPort(0));
    }

    @AfterEach
    void stop() {
        gw.stop(Duration.ZERO);
        a.close();
        b.close();
    }

    /** An SSE line and when it arrived. */
    private record Line(String text, long nanos) {
    }

    private record Streamed(HttpResponse<Stream<String>> response, List<Line> lines) {
        List<String> data() {
            return lines.stream().map(Line::text).filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
        }

        String content() throws Exception {
            StringBuilder sb = new StringBuilder();
            for (String d : data()) {
                if (!d.equals("[DONE]")) {
                    sb.append(JSON.readTree(d).path("choices").path(0).path("delta").path("content").asText(""));
                }
            }
            return sb.toString();
        }
    }

    private Streamed stream(String model, String user) throws Exception {
        HttpResponse<Stream<String>> r = HTTP.send(HttpRequest.newBuilder(gw.baseUri().resolve("/v1/chat/completions"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(chat(model, user).put("stream", true))))
                .build(), HttpResponse.BodyHandlers.ofLines());
        List<Line> lines = new ArrayList<>();
        try (Stream<String> s = r.body()) {
            s.forEach(l -> lines.add(new Line(l, System.nanoTime())));
        } catch (java.io.UncheckedIOException e) {
            lines.add(new Line("<broken: " + e.getCause().getMessage() + ">", System.nanoTime()));
        }
        return new Streamed(r, lines);
    }

    @Test
    void relaysTheChunksInOrderAndEndsWithDone() throws Exception {
        Streamed s = stream("zooter", "count @a");
        assertEquals(200, s.response().statusCode());
        assertTrue(s.response().headers().firstValue("Content-Type").orElseThrow().startsWith("text/event-stream"));
        assertEquals("a", s.response().headers().firstValue("X-Zooter-Model").orElseThrow());
        assertEquals("0.6000", s.response().headers().firstValue("X-Zooter-Probability").orElseThrow());
        List<String> data = s.data();
        assertEquals(10, data.size(), "8 content chunks, the finish chunk, [DONE]: " + data);
        assertEquals("[DONE]", data.get(data.size() - 1));
        assertEquals(ANSWER, s.content());
        for (String d : data.subList(0, data.size() - 1)) {
            assertEquals("a", JSON.readTree(d).path("model").asText(), "every chunk names the backend");
        }
        assertTrue(a.requests().get(0).stream(), "the backend was asked to stream");
    }

    @Test
    void chunksArriveAsTheBackendSendsThem() throws Exception {
        a.setResponder((r, n) -> Reply.ok(ANSWER).inChunks(4).chunkDelay(150));
        Streamed s = stream("zooter", "slowly @a");
        assertEquals(ANSWER, s.content());
        List<Line> chunks = s.lines().stream().filter(l -> l.text().startsWith("data: {")).toList();
        long spreadMs = (chunks.get(chunks.size() - 1).nanos() - chunks.get(0).nanos()) / 1_000_000;
        assertTrue(spreadMs >= 300, "the first chunk reached the client well before the last (" + spreadMs
                + " ms apart): relayed, not buffered");
    }

    @Test
    void fallsBackBeforeTheFirstChunk() throws Exception {
        a.setResponder(StubOpenAiServer.alwaysStatus(503));
        Streamed s = stream("zooter", "fallback @a");
        assertEquals(200, s.response().statusCode());
        assertEquals("b", s.response().headers().firstValue("X-Zooter-Model").orElseThrow());
        assertEquals("2", s.response().headers().firstValue("X-Zooter-Attempts").orElseThrow());
        assertEquals("b: fallback @a", s.content());
        assertEquals("[DONE]", s.data().get(s.data().size() - 1));
    }

    @Test
    void aStreamThatBreaksAfterItStartedEndsWithAnErrorEvent() throws Exception {
        a.setResponder((r, n) -> Reply.ok(ANSWER).inChunks(8).breakAfter(3));
        Streamed s = stream("zooter", "break @a");
        assertEquals(200, s.response().statusCode(), "the status went out with the first chunk");
        List<String> data = s.data();
        assertEquals(4, data.size(), "3 chunks, then the error event: " + s.lines());
        JsonNode error = JSON.readTree(data.get(3)).path("error");
        assertEquals("server_error", error.path("type").asText());
        assertTrue(error.path("message").asText().contains("backend 'a'"), error.toString());
        assertFalse(data.contains("[DONE]"));
        assertEquals(0, b.requestCount(), "no fallback once the client has part of an answer");
        Map<String, Double> m = parseMetrics(get(gw, "/metrics").body());
        assertEquals(1, sum(m, "zooter_backend_errors_total", "backend=\"a\"", "kind=\"connection\""));
    }

    @Test
    void whenEveryModelFailsBeforeStreamingTheErrorIsPlainJson() throws Exception {
        a.setResponder(StubOpenAiServer.alwaysStatus(500));
        b.setResponder(StubOpenAiServer.alwaysStatus(502));
        Streamed s = stream("zooter", "x");
        assertEquals(502, s.response().statusCode());
        assertTrue(s.response().headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
        JsonNode e = JSON.readTree(String.join("\n", s.lines().stream().map(Line::text).toList())).path("error");
        assertEquals(2, e.path("failures").size());
    }

    /** The gateway again, with backend a impatient. */
    private void restartWithATimeoutOf(long ms) throws Exception {
        gw.stop(Duration.ZERO);
        gw = GatewayServer.start(new RoutingChatClient(new KeywordRouter("a", "b"),
                List.of(backend(a, Duration.ofMillis(ms)), backend(b)), new BackendClient(), 2),
                GatewayConfig.defaults().withPort(0));
    }

    @Test
    void aBackendThatStallsBeforeItsFirstChunkIsFallenBackFrom() throws Exception {
        restartWithATimeoutOf(300);
        a.setResponder((r, n) -> Reply.ok(ANSWER).inChunks(8).stallAfterHeaders(5000));
        long t0 = System.nanoTime();
        Streamed s = stream("zooter", "stall @a");
        assertEquals(200, s.response().statusCode());
        assertEquals("b", s.response().headers().firstValue("X-Zooter-Model").orElseThrow());
        assertEquals("b: stall @a", s.content());
        assertEquals("[DONE]", s.data().get(s.data().size() - 1));
        assertTrue(System.nanoTime() - t0 < 3_000_000_000L, "a's silence was cut at its timeout");
        Map<String, Double> m = parseMetrics(get(gw, "/metrics").body());
        assertEquals(1, sum(m, "zooter_backend_errors_total", "backend=\"a\"", "kind=\"timeout\""));
    }

    @Test
    void aBackendThatStallsMidStreamEndsItWithAnErrorEvent() throws Exception {
        restartWithATimeoutOf(300);
        a.setResponder((r, n) -> Reply.ok(ANSWER).inChunks(8).stallAfter(3, 5000));
        long t0 = System.nanoTime();
        Streamed s = stream("zooter", "stall later @a");
        assertTrue(System.nanoTime() - t0 < 3_000_000_000L, "the stream did not wait out the stall");
        List<String> data = s.data();
        assertEquals(4, data.size(), "3 chunks, then the error event: " + s.lines());
        assertEquals("server_error", JSON.readTree(data.get(3)).path("error").path("type").asText());
        assertFalse(data.contains("[DONE]"));
        assertEquals(0, b.requestCount());
    }

    @Test
    void aStreamCutShortByTheBackendIsNotPassedOffAsComplete() throws Exception {
        a.setResponder((r, n) -> Reply.ok(ANSWER).inChunks(8).endAfter(3));
        Streamed s = stream("zooter", "truncated @a");
        List<String> data = s.data();
        assertEquals(4, data.size(), "3 chunks, then the error event: " + s.lines());
        JsonNode error = JSON.readTree(data.get(3)).path("error");
        assertTrue(error.path("message").asText().contains("backend 'a'"), error.toString());
        assertEquals("connection", error.path("failures").path(0).path("kind").asText());
        assertFalse(data.contains("[DONE]"), "no [DONE] after a cut-short answer");
    }

    @Test
    void aPlainAnswerToAStreamedRequestIsRelayedAsOneChunk() throws Exception {
        a.setResponder((r, n) -> Reply.ok(ANSWER).ignoringStream());
        Streamed s = stream("zooter", "plain @a");
        assertEquals(200, s.response().statusCode());
        assertTrue(s.response().headers().firstValue("Content-Type").orElseThrow().startsWith("text/event-stream"));
        List<String> data = s.data();
        assertEquals(2, data.size(), "the answer as one chunk, then [DONE]: " + data);
        assertEquals(ANSWER, s.content());
        assertEquals("a", JSON.readTree(data.get(0)).path("model").asText());
        assertEquals("stop", JSON.readTree(data.get(0)).path("choices").path(0).path("finish_reason").asText());
        assertEquals("[DONE]", data.get(1));
    }
}
