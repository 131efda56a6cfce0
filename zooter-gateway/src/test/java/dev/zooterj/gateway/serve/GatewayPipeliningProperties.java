package dev.zooterj.gateway.serve;

import dev.zooterj.gateway.KeywordRouter;
import dev.zooterj.gateway.StubOpenAiServer;
import dev.zooterj.gateway.client.RoutingChatClient;
import dev.zooterj.gateway.http.BackendClient;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static dev.zooterj.gateway.serve.GatewayTestSupport.JSON;
import static dev.zooterj.gateway.serve.GatewayTestSupport.backend;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Whatever way a client cuts its requests into writes (a request in many pieces, several requests in one write, heads
 * and bodies split anywhere), one connection answers every request, in the order sent, with its own answer.
 */
class GatewayPipeliningProperties {
    private static StubOpenAiServer stub;
    private static GatewayServer gw;

    @BeforeContainer
    static void start() throws Exception {
        stub = StubOpenAiServer.start("fast", StubOpenAiServer.echo("fast"));
        gw = GatewayServer.start(new RoutingChatClient(new KeywordRouter("fast"), List.of(backend(stub)),
                new BackendClient(), 1), GatewayConfig.defaults().withPort(0));
    }

    @AfterContainer
    static void stop() {
        gw.stop(Duration.ZERO);
        stub.close();
    }

    /** A request and what its answer must hold: a chat's echo, or health's status. */
    record Req(String text, String expect) {
    }

    @Provide
    Arbitrary<List<Req>> requests() {
        Arbitrary<Req> chat = Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(300).map(q -> {
            String body = "{\"messages\": [{\"role\": \"user\", \"content\": \"" + q + "\"}]}";
            return new Req("POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body, "fast says: " + q);
        });
        Arbitrary<Req> chunked = Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(100).map(q -> {
            String body = "{\"messages\": [{\"role\": \"user\", \"content\": \"" + q + "\"}]}";
            int half = body.length() / 2;
            return new Req("POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(half) + "\r\n" + body.substring(0, half) + "\r\n"
                    + Integer.toHexString(body.length() - half) + "\r\n" + body.substring(half) + "\r\n0\r\n\r\n",
                    "fast says: " + q);
        });
        Arbitrary<Req> health = Arbitraries.just(new Req("GET /health HTTP/1.1\r\nHost: gw\r\n\r\n", "ok"));
        return Arbitraries.oneOf(chat, chunked, health).list().ofMinSize(1).ofMaxSize(6);
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().between(1, 2000).list().ofMinSize(0).ofMaxSize(8);
    }

    @Property(tries = 40)
    void everyRequestIsAnsweredInOrderHoweverItIsCut(@ForAll("requests") List<Req> reqs, @ForAll("cuts") List<Integer> cuts)
            throws Exception {
        StringBuilder all = new StringBuilder();
        reqs.forEach(r -> all.append(r.text()));
        byte[] bytes = all.toString().getBytes(StandardCharsets.US_ASCII);
        List<Integer> at = new ArrayList<>(cuts.stream().map(c -> c % bytes.length).sorted().distinct().toList());
        at.add(bytes.length);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), gw.port())) {
            s.setSoTimeout(5000);
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            int from = 0;
            for (int to : at) {
                if (to > from) {
                    out.write(bytes, from, to - from);
                    out.flush();
                    Thread.sleep(2);  // separate reads on the gateway's side, most of the time
                    from = to;
                }
            }
            for (Req r : reqs) {
                String body = readAnswer(s.getInputStream());
                String got = r.expect().equals("ok") ? JSON.readTree(body).path("status").asText()
                        : JSON.readTree(body).path("choices").path(0).path("message").path("content").asText();
                assertEquals(r.expect(), got, body);
            }
        }
    }

    private static String readAnswer(InputStream in) throws IOException {
        String h = GatewayTestSupport.readHead(in).toLowerCase(Locale.ROOT);
        assertEquals("200", h.substring(9, 12), h);
        int at = h.indexOf("content-length:");
        int length = Integer.parseInt(h.substring(at + 15, h.indexOf("\r\n", at)).strip());
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
