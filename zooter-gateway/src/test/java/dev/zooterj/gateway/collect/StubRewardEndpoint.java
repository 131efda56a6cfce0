package dev.zooterj.gateway.collect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.BiFunction;

/** A plain HTTP reward model on loopback: POST {query, response}, answered by what the test's function returns. */
final class StubRewardEndpoint implements AutoCloseable {
    /** Status, body and an optional Retry-After. */
    record Reply(int status, String body, String retryAfter) {
        static Reply ok(String body) {
            return new Reply(200, body, null);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    /** The raw query string of each request (null for none). */
    final List<String> queryStrings = new CopyOnWriteArrayList<>();

    /** {@code reply} gets the request ({@code query}, {@code response}) and the 1-based request count. */
    StubRewardEndpoint(BiFunction<JsonNode, Integer, Reply> reply) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "stub-reward");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/score", ex -> {
            try (ex) {
                JsonNode body = JSON.readTree(ex.getRequestBody().readAllBytes());
                queryStrings.add(ex.getRequestURI().getRawQuery());
                int n;
                synchronized (requests) {       // the count this request gets, atomically with its add (two may arrive at once)
                    requests.add(body);
                    n = requests.size();
                }
                Reply r = reply.apply(body, n);
                if (r.retryAfter() != null) {
                    ex.getResponseHeaders().set("Retry-After", r.retryAfter());
                }
                byte[] b = r.body().getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(r.status(), b.length);
                ex.getResponseBody().write(b);
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/score";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
