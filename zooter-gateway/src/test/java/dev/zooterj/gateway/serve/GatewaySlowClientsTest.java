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
    private static final int SLOW_CLIENTS = 400;
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
}
