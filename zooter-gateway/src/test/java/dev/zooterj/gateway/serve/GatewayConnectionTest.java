package dev.zooterj.gateway.serve;

import dev.zooterj.gateway.KeywordRouter;
import dev.zooterj.gateway.StubOpenAiServer;
import dev.zooterj.gateway.client.RoutingChatClient;
import dev.zooterj.gateway.http.BackendClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import static dev.zooterj.gateway.serve.GatewayTestSupport.JSON;
import static dev.zooterj.gateway.serve.GatewayTestSupport.backend;
import static dev.zooterj.gateway.serve.GatewayTestSupport.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTP/1.1 on the gateway's own connection handling, byte for byte over a raw socket: keep-alive, pipelined requests
 * answered in order, {@code Expect: 100-continue}, HTTP/1.0, and requests the codec cannot read.
 */
class GatewayConnectionTest {
    private StubOpenAiServer stub;
    private GatewayServer gw;

    @BeforeEach
    void start() throws Exception {
        stub = StubOpenAiServer.start("fast", StubOpenAiServer.echo("fast"));
        gw = GatewayServer.start(new RoutingChatClient(new KeywordRouter("fast"), List.of(backend(stub)),
                new BackendClient(), 1), GatewayConfig.defaults().withPort(0));
    }

    @AfterEach
    void stop() {
        gw.stop(Duration.ZERO);
        stub.close();
    }

    /** One answer read off the wire: status, lower-cased head, body. */
    private record Answer(int status, String head, String body) {
    }

    private static Answer read(InputStream in) throws IOException {
        String h = GatewayTestSupport.readHead(in);
        int status = Integer.parseInt(h.substring(9, 12));
        String lower = h.toLowerCase(Locale.ROOT);
        if (status == 100) {
            return new Answer(100, lower, "");
        }
        int at = lower.indexOf("content-length:");
        assertTrue(at >= 0, "a content length: " + h);
        int length = Integer.parseInt(lower.substring(at + 15, lower.indexOf("\r\n", at)).strip());
        return new Answer(status, lower, new String(in.readNBytes(length), StandardCharsets.UTF_8));
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), gw.port());
        s.setSoTimeout(5000);
        return s;
    }

    private static String chatRequest(String content, String extraHeaders) {
        String body = "{\"messages\": [{\"role\": \"user\", \"content\": \"" + content + "\"}]}";
        return "POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n" + extraHeaders
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    private static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
    }

    private static void assertClosed(Socket s) throws IOException {
        try {
            assertEquals(-1, s.getInputStream().read(), "the connection is closed after the answer");
        } catch (java.net.SocketException e) {
            // reset: closed all the same
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderOnOneConnection() throws Exception {
        try (Socket s = connect()) {
            // Three requests in one write: a chat (which waits for its backend), a health check, another chat.
            send(s, chatRequest("first", "") + "GET /health HTTP/1.1\r\nHost: gw\r\n\r\n" + chatRequest("third", ""));
            Answer first = read(s.getInputStream());
            Answer second = read(s.getInputStream());
            Answer third = read(s.getInputStream());
            assertEquals(200, first.status(), first.body());
            assertEquals("fast says: first", JSON.readTree(first.body()).path("choices").path(0).path("message")
                    .path("content").asText());
            assertEquals("ok", JSON.readTree(second.body()).path("status").asText(), second.body());
            assertEquals("fast says: third", JSON.readTree(third.body()).path("choices").path(0).path("message")
                    .path("content").asText());
            // and the connection stays open for a fourth
            send(s, "GET /health HTTP/1.1\r\nHost: gw\r\n\r\n");
            assertEquals(200, read(s.getInputStream()).status());
        }
        assertEquals(2, stub.requestCount());
    }

    @Test
    void manyRequestsOnOneKeptAliveConnection() throws Exception {
        try (Socket s = connect()) {
            for (int i = 0; i < 20; i++) {
                send(s, chatRequest("turn " + i, ""));
                Answer a = read(s.getInputStream());
                assertEquals(200, a.status(), a.body());
                assertTrue(a.body().contains("fast says: turn " + i), a.body());
                assertTrue(a.head().contains("x-zooter-model: fast"), a.head());
            }
        }
    }

    @Test
    void expectContinueIsAnsweredBeforeTheBody() throws Exception {
        try (Socket s = connect()) {
            String request = chatRequest("after continue", "Expect: 100-continue\r\n");
            int split = request.indexOf("\r\n\r\n") + 4;
            send(s, request.substring(0, split));
            Answer go = read(s.getInputStream());
            assertEquals(100, go.status(), go.head());
            send(s, request.substring(split));
            Answer a = read(s.getInputStream());
            assertEquals(200, a.status(), a.body());
            assertTrue(a.body().contains("fast says: after continue"), a.body());
        }
    }

    @Test
    void anHttp10RequestIsAnsweredAndClosedUnlessItAsksToKeepAlive() throws Exception {
        try (Socket s = connect()) {
            send(s, "GET /health HTTP/1.0\r\n\r\n");
            Answer a = read(s.getInputStream());
            assertEquals(200, a.status());
            assertTrue(a.head().contains("connection: close"), a.head());
            assertClosed(s);
        }
        try (Socket s = connect()) {
            send(s, "GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            Answer a = read(s.getInputStream());
            assertTrue(a.head().contains("connection: keep-alive"), "an HTTP/1.0 keep-alive is confirmed: " + a.head());
            send(s, "GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            assertEquals(200, read(s.getInputStream()).status(), "and the connection serves a second request");
        }
    }

    @Test
    void requestsTheCodecCannotReadGetAnErrorAndTheConnectionCloses() throws Exception {
        try (Socket s = connect()) {
            send(s, "GET /health HTTP/1.1\r\nHost: gw\r\nX-Big: " + "y".repeat(10_000) + "\r\n\r\n");
            Answer a = read(s.getInputStream());
            assertEquals(431, a.status(), a.body());
            assertEquals("invalid_request_error", JSON.readTree(a.body()).path("error").path("type").asText(), a.body());
            assertClosed(s);
        }
        try (Socket s = connect()) {
            send(s, "GET /" + "x".repeat(10_000) + " HTTP/1.1\r\nHost: gw\r\n\r\n");
            Answer a = read(s.getInputStream());
            assertEquals(414, a.status(), a.body());
            assertClosed(s);
        }
        try (Socket s = connect()) {
            send(s, "POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nContent-Length: nine\r\n\r\n{}");
            Answer a = read(s.getInputStream());
            assertEquals(400, a.status(), a.body());
            assertClosed(s);
        }
        assertEquals(200, get(gw, "/health").statusCode(), "the gateway serves on");
        assertEquals(0, stub.requestCount());
    }

    @Test
    void aClientThatClosesMidBodyHoldsNothing() throws Exception {
        try (Socket s = connect()) {
            send(s, "POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nContent-Length: 500\r\n\r\n{\"messages\": [");
            Thread.sleep(100);
        }
        long deadline = System.nanoTime() + 3_000_000_000L;
        int inFlight = -1;
        while (System.nanoTime() < deadline) {
            inFlight = JSON.readTree(get(gw, "/health").body()).path("in_flight").asInt();
            if (inFlight == 0) {
                break;
            }
            Thread.sleep(50);
        }
        assertEquals(0, inFlight);
        String metrics = get(gw, "/metrics").body();
        assertTrue(metrics.contains("status=\"499\""), "the cut request is counted as 499:\n" + metrics);
    }

    @Test
    void aMalformedPercentEscapeIs400AndTheConnectionCloses() throws Exception {
        try (Socket s = connect()) {
            send(s, "GET /health%zz HTTP/1.1\r\nHost: gw\r\n\r\n");
            Answer a = read(s.getInputStream());
            assertEquals(400, a.status(), a.body());
            assertTrue(a.body().contains("malformed %-escape"), a.body());
            assertClosed(s);
        }
    }

    @Test
    void aBodyTheGatewayDoesNotReadEndsTheConnectionAfterTheAnswer() throws Exception {
        // A health check announcing a huge body it then trickles must not keep its connection past the answer.
        try (Socket s = connect()) {
            send(s, "GET /health HTTP/1.1\r\nHost: gw\r\nContent-Length: 1000000000\r\n\r\nabc");
            Answer a = read(s.getInputStream());
            assertEquals(200, a.status(), a.body());
            assertTrue(a.head().contains("connection: close"), a.head());
            assertClosed(s);
        }
    }

    @Test
    void aBrokenChunkedBodyIs400AndNothingIsRelayed() throws Exception {
        String json = "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}";
        try (Socket s = connect()) {
            send(s, "POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(json.length()) + "\r\n" + json + "\r\nzz\r\n");
            Answer a = read(s.getInputStream());
            assertEquals(400, a.status(), a.body());
            assertTrue(a.body().contains("the request body cannot be read"), a.body());
            assertClosed(s);
        }
        assertEquals(0, stub.requestCount(), "a body that could not be read reached no backend");
    }

    @Test
    void anHttp10StreamIsSentWithoutChunksAndEndsWithTheConnection() throws Exception {
        String body = "{\"stream\": true, \"messages\": [{\"role\": \"user\", \"content\": \"old client\"}]}";
        try (Socket s = connect()) {
            send(s, "POST /v1/chat/completions HTTP/1.0\r\nContent-Type: application/json\r\nConnection: keep-alive\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body);
            String head = GatewayTestSupport.readHead(s.getInputStream()).toLowerCase(Locale.ROOT);
            assertTrue(head.startsWith("http/1.1 200"), head);
            assertTrue(!head.contains("transfer-encoding"), "no chunks for HTTP/1.0: " + head);
            assertTrue(head.contains("connection: close"), head);
            String events = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);  // to the close
            assertTrue(events.startsWith("data: {"), "events as sent, no chunk sizes: " + events);
            assertTrue(events.endsWith("data: [DONE]\n\n"), events);
        }
    }

    @Test
    void aLongPipelinedBurstBehindASlowRequestIsAnsweredWhole() throws Exception {
        StubOpenAiServer slow = StubOpenAiServer.start("slow", (r, n) -> StubOpenAiServer.Reply.ok("late").delayed(300));
        GatewayServer g = GatewayServer.start(new RoutingChatClient(new KeywordRouter("slow"), List.of(backend(slow)),
                new BackendClient(), 1), GatewayConfig.defaults().withPort(0));
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), g.port())) {
            s.setSoTimeout(10_000);
            int n = 3000;  // more health checks than one read holds, each answered at once once the chat is
            StringBuilder burst = new StringBuilder(chatRequest("slow one", ""));
            for (int i = 0; i < n; i++) {
                burst.append("GET /health HTTP/1.1\r\nHost: gw\r\n\r\n");
            }
            send(s, burst.toString());
            Answer first = read(s.getInputStream());
            assertTrue(first.body().contains("late"), first.body());
            for (int i = 0; i < n; i++) {
                Answer a = read(s.getInputStream());
                assertEquals(200, a.status(), "answer " + i + ": " + a.body());
            }
            send(s, "GET /health HTTP/1.1\r\nHost: gw\r\n\r\n");
            assertEquals(200, read(s.getInputStream()).status(), "the connection serves on");
            assertEquals(0, JSON.readTree(get(g, "/health").body()).path("in_flight").asInt());
        } finally {
            g.stop(Duration.ZERO);
            slow.close();
        }
    }

    @Test
    void anExpectationOfABodyTooLargeGets413AndNoContinue() throws Exception {
        try (Socket s = connect()) {
            send(s, "POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n"
                    + "Expect: 100-continue\r\nContent-Length: 1000000000\r\n\r\n");
            Answer a = read(s.getInputStream());
            assertEquals(413, a.status(), "refused at once, not told to continue: " + a.head());
            assertClosed(s);
        }
    }
}
