package dev.zooterj.gateway.serve;

import dev.zooterj.gateway.KeywordRouter;
import dev.zooterj.gateway.StubOpenAiServer;
import dev.zooterj.gateway.client.RoutingChatClient;
import dev.zooterj.gateway.http.BackendClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.zooterj.gateway.serve.GatewayTestSupport.backend;
import static dev.zooterj.gateway.serve.GatewayTestSupport.chat;
import static dev.zooterj.gateway.serve.GatewayTestSupport.get;
import static dev.zooterj.gateway.serve.GatewayTestSupport.json;
import static dev.zooterj.gateway.serve.GatewayTestSupport.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hundreds of clients that trickle their request line, headers or body a byte at a time must not keep the gateway from
 * answering everyone else. They connect from other loopback addresses (127.0.0.2 and up) than the probing client, in
 * groups that stay under the per-address connection cap, so what is tested is that they hold no thread, not that they
 * are refused.
 */
class GatewaySlowClientsTest {
    private static final int SLOW_CLIENTS = 500;
    private static final int ADDRESSES = 8;

    private StubOpenAiServer stub;
    private GatewayServer gw;
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void stop() {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing is all that is wanted
            }
        }
        if (gw != null) {
            gw.stop(Duration.ZERO);
        }
        if (stub != null) {
            stub.close();
        }
    }

    @Test
    void healthAndChatsAnswerWithinASecondWhileHundredsOfClientsTrickle() throws Exception {
        stub = StubOpenAiServer.start("fast", StubOpenAiServer.echo("fast"));
        gw = GatewayServer.start(new RoutingChatClient(new KeywordRouter("fast"), List.of(backend(stub)),
                new BackendClient(), 1), GatewayConfig.defaults().withPort(0));
        assertEquals(200, get(gw, "/health").statusCode());
        for (int i = 0; i < SLOW_CLIENTS; i++) {
            Socket s = new Socket();
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0." + (2 + i % ADDRESSES)), 0));
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), gw.port()), 5000);
            sockets.add(s);
        }
        // A third trickle the request line, a third their headers, a third their body; each gets one byte per round.
        List<byte[]> requests = new ArrayList<>();
        for (int i = 0; i < SLOW_CLIENTS; i++) {
            String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100000\r\n\r\n";
            String req = switch (i % 3) {
                case 0 -> "POST /v1/chat/completions?" + "x".repeat(200) + " HTTP/1.1\r\n";
                case 1 -> "POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nX-Slow: " + "y".repeat(400) + "\r\n";
                default -> head + "{\"messages\": [{\"role\": \"user\", \"content\": \"" + "z".repeat(2000);
            };
            requests.add(req.getBytes(StandardCharsets.US_ASCII));
        }
        // The bodies' headers go out whole, so those handlers are reading bodies; the others send byte by byte.
        for (int i = 2; i < SLOW_CLIENTS; i += 3) {
            byte[] r = requests.get(i);
            int headLen = new String(r, StandardCharsets.US_ASCII).indexOf("\r\n\r\n") + 4;
            sockets.get(i).getOutputStream().write(r, 0, headLen);
        }
        AtomicBoolean trickling = new AtomicBoolean(true);
        AtomicInteger rounds = new AtomicInteger();
        Thread trickler = new Thread(() -> {
            int[] sent = new int[SLOW_CLIENTS];
            for (int i = 2; i < SLOW_CLIENTS; i += 3) {
                sent[i] = new String(requests.get(i), StandardCharsets.US_ASCII).indexOf("\r\n\r\n") + 4;
            }
            while (trickling.get()) {
                for (int i = 0; i < SLOW_CLIENTS && trickling.get(); i++) {
                    byte[] r = requests.get(i);
                    if (sent[i] >= r.length) {
                        continue;
                    }
                    try {
                        OutputStream out = sockets.get(i).getOutputStream();
                        out.write(r[sent[i]++]);
                        out.flush();
                    } catch (IOException e) {
                        sent[i] = r.length;  // closed by the gateway: nothing more to trickle
                    }
                }
                rounds.incrementAndGet();
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "trickler");
        trickler.setDaemon(true);
        trickler.start();
        try {
            Thread.sleep(500);  // every slow connection has been read from by now
            for (int probe = 0; probe < 4; probe++) {
                long t0 = System.nanoTime();
                HttpResponse<String> health = get(gw, "/health", Duration.ofSeconds(1));
                long healthMs = (System.nanoTime() - t0) / 1_000_000;
                assertEquals(200, health.statusCode(), health.body());
                assertTrue(healthMs < 1000, "/health took " + healthMs + " ms");
                t0 = System.nanoTime();
                HttpResponse<String> answer = post(gw, "/v1/chat/completions", chat("zooter", "probe " + probe),
                        Duration.ofSeconds(1));
                long chatMs = (System.nanoTime() - t0) / 1_000_000;
                assertEquals(200, answer.statusCode(), answer.body());
                assertEquals("fast says: probe " + probe,
                        json(answer).path("choices").path(0).path("message").path("content").asText());
                assertTrue(chatMs < 1000, "a chat took " + chatMs + " ms");
                Thread.sleep(250);
            }
            assertTrue(rounds.get() >= 10, "the slow clients kept trickling meanwhile (" + rounds.get() + " rounds)");
        } finally {
            trickling.set(false);
            trickler.join(5000);
        }
    }

    private void startGateway(StubOpenAiServer.Responder responder, GatewayConfig config) throws Exception {
        stub = StubOpenAiServer.start("fast", responder);
        gw = GatewayServer.start(new RoutingChatClient(new KeywordRouter("fast"), List.of(backend(stub)),
                new BackendClient(), 1), config.withPort(0));
    }

    private Socket connectFrom(String address) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), gw.port()), 5000);
        sockets.add(s);
        return s;
    }

    /** Reads until the gateway closes the connection; fails if it is still open after {@code withinMs}. */
    private static void assertClosedWithin(Socket s, long withinMs, String what) throws IOException {
        s.setSoTimeout((int) withinMs);
        long t0 = System.nanoTime();
        try {
            while (s.getInputStream().read() != -1) {
                // an answer, if any, then the close
            }
        } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError(what + ": still open after " + withinMs + " ms", e);
        } catch (IOException e) {
            // reset: closed all the same
        }
        assertTrue(System.nanoTime() - t0 < withinMs * 1_000_000L, what);
    }

    @Test
    void oneAddressGetsAtMostItsConnectionsAndOthersAreServed() throws Exception {
        startGateway(StubOpenAiServer.echo("fast"), GatewayConfig.defaults().withMaxConnectionsPerAddress(4));
        for (int i = 0; i < 4; i++) {
            connectFrom("127.0.0.2");
        }
        Thread.sleep(200);
        Socket fifth = connectFrom("127.0.0.2");
        assertClosedWithin(fifth, 2000, "the fifth connection from 127.0.0.2 is closed at once");
        assertEquals(1, gw.connectionsRefused());
        assertEquals(200, post(gw, "/v1/chat/completions", chat("zooter", "other address")).statusCode(),
                "127.0.0.1 has its own allowance");
        sockets.get(0).close();
        Thread.sleep(200);
        Socket again = connectFrom("127.0.0.2");
        again.getOutputStream().write("GET /health HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        String answer = new String(again.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(answer.startsWith("HTTP/1.1 200"), "a closed connection frees its place: " + answer);
    }

    @Test
    void aRequestHeadThatTricklesIsCutOffAtTheHeaderDeadline() throws Exception {
        startGateway(StubOpenAiServer.echo("fast"), GatewayConfig.defaults()
                .withHeaderReadTimeout(Duration.ofMillis(500)).withIdleTimeout(Duration.ofSeconds(30)));
        Socket s = connectFrom("127.0.0.1");
        byte[] head = ("GET /health HTTP/1.1\r\nHost: gw\r\nX-Slow: " + "y".repeat(100) + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        AtomicBoolean cut = new AtomicBoolean();
        Thread trickler = new Thread(() -> {
            try {
                for (byte b : head) {
                    s.getOutputStream().write(b);
                    s.getOutputStream().flush();
                    Thread.sleep(50);  // well within the idle timeout: only the head deadline can end it
                }
            } catch (IOException e) {
                cut.set(true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        trickler.setDaemon(true);
        trickler.start();
        long t0 = System.nanoTime();
        assertClosedWithin(s, 3000, "closed before the head was whole");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 300, "not before the deadline (" + ms + " ms)");
        assertEquals(1, gw.headerTimeouts());
        trickler.interrupt();
        HttpResponse<String> health = get(gw, "/health");
        assertEquals(200, health.statusCode(), "a prompt client on a fresh connection is served");
    }

    @Test
    void theHeadDeadlineRunsFromTheEndOfTheLastResponseOnAKeptAliveConnection() throws Exception {
        // The deadline is a time stamp checked by a timer armed when the connection opened: a request answered in
        // between moves it, so that timer must re-arm for what is left, not close the connection when it first fires.
        startGateway(StubOpenAiServer.echo("fast"), GatewayConfig.defaults()
                .withHeaderReadTimeout(Duration.ofMillis(800)).withIdleTimeout(Duration.ofSeconds(30)));
        Socket s = connectFrom("127.0.0.1");
        long opened = System.nanoTime();
        Thread.sleep(500);
        s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: gw\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        java.io.InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            assertTrue(b >= 0, "the connection closed before the answer: " + head);
            head.append((char) b);
        }
        long answered = System.nanoTime();
        assertTrue(head.toString().startsWith("HTTP/1.1 200"), head.toString());
        int length = Integer.parseInt(head.toString().replaceAll("(?is).*content-length: *(\\d+).*", "$1").strip());
        assertEquals(length, in.readNBytes(length).length);
        // The timer armed at the open fires ~800 ms after it, while this connection is idle since ~500 ms: it must
        // leave it open until ~800 ms after the answer.
        assertClosedWithin(s, 3000, "closed at the header deadline");
        long closedAfterAnswer = (System.nanoTime() - answered) / 1_000_000;
        assertTrue(closedAfterAnswer >= 700, "closed " + closedAfterAnswer + " ms after the answer, "
                + (System.nanoTime() - opened) / 1_000_000 + " ms after the open: the deadline runs from the answer");
        assertEquals(1, gw.headerTimeouts());
    }

    @Test
    void aStreamingClientThatStopsReadingIsDisconnectedAtTheIdleTimeoutAndFreesItsSlot() throws Exception {
        startGateway((r, n) -> r.stream() ? StubOpenAiServer.Reply.ok("x").flooding(StubOpenAiServer.Flood.endlessStream())
                        : StubOpenAiServer.Reply.ok("served"),
                GatewayConfig.defaults().withIdleTimeout(Duration.ofMillis(500)).withMaxInFlight(1));
        Socket s = connectFrom("127.0.0.1");
        s.setReceiveBufferSize(4096);
        byte[] body = "{\"stream\": true, \"messages\": [{\"role\": \"user\", \"content\": \"go on forever\"}]}"
                .getBytes(StandardCharsets.US_ASCII);
        s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().write(body);
        s.getOutputStream().flush();
        // The client reads nothing: socket buffers fill, the gateway's write stalls, the idle timeout ends it.
        long deadline = System.nanoTime() + 15_000_000_000L;
        int inFlight = 1;
        Thread.sleep(300);
        while (System.nanoTime() < deadline) {
            inFlight = json(get(gw, "/health")).path("in_flight").asInt();
            if (inFlight == 0) {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals(0, inFlight, "the stalled stream let go of its in-flight slot");
        assertTrue(stub.floodBytesSent() > 0, "the backend did stream");
        HttpResponse<String> next = post(gw, "/v1/chat/completions", chat("fast", "next"), Duration.ofSeconds(5));
        assertEquals(200, next.statusCode(), "the slot serves the next client");
    }

    @Test
    void aBackendSlowerThanTheIdleAndHeaderTimeoutsIsStillAnswered() throws Exception {
        // Neither deadline concerns a request being handled: no bytes are due from the client, none are ready for it.
        startGateway((r, n) -> StubOpenAiServer.Reply.ok("late but fine").delayed(1200),
                GatewayConfig.defaults().withIdleTimeout(Duration.ofMillis(400))
                        .withHeaderReadTimeout(Duration.ofMillis(300)));
        HttpResponse<String> r = post(gw, "/v1/chat/completions", chat("zooter", "take your time"));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("late but fine", json(r).path("choices").path(0).path("message").path("content").asText());
    }
}
