package dev.zooterj.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the serve tests share: a tiny router trained through the CLI and a loopback backend that echoes. */
final class ServeFixtures {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ServeFixtures() {
    }

    /** Simulates 60 rows and trains a tiny scratch Zooter on them with {@code ./zooter train}; returns its directory. */
    static Path trainTinyRouter(Path dir) {
        Path sim = dir.resolve("sim");
        assertEquals(0, CliRunner.run("simulate", "--out", sim.toString(), "--train-size", "60", "--per-subset", "2").exitCode());
        Path router = dir.resolve("router");
        CliRunner r = CliRunner.run("train", "--data", sim.resolve("train.jsonl").toString(), "--out", router.toString(),
                "--encoder", "scratch", "--scratch-hidden", "16", "--scratch-layers", "1", "--max-tokens", "24",
                "--epochs", "1", "--batch", "16", "--seed", "3");
        assertEquals(0, r.exitCode(), r.err());
        return router;
    }

    /** The router's models, in its order. */
    static List<String> models(Path router) throws IOException {
        List<String> models = new ArrayList<>();
        JSON.readTree(router.resolve("router.json").toFile()).path("models").forEach(m -> models.add(m.asText()));
        return models;
    }

    /**
     * A loopback server, not yet started, whose {@code /v1/chat/completions} answers "&lt;model id&gt; says: &lt;first
     * user message&gt;" and counts its calls in {@code calls}; callers may add contexts before starting it.
     */
    static HttpServer echoBackend(AtomicInteger calls) throws IOException {
        HttpServer stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        stub.createContext("/v1/chat/completions", ex -> {
            calls.incrementAndGet();
            JsonNode req = JSON.readTree(ex.getRequestBody());
            ObjectNode resp = JSON.createObjectNode().put("id", "x").put("object", "chat.completion")
                    .put("model", req.path("model").asText());
            resp.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop").putObject("message")
                    .put("role", "assistant").put("content", req.path("model").asText() + " says: "
                            + req.path("messages").path(0).path("content").asText());
            send(ex, 200, JSON.writeValueAsBytes(resp));
        });
        return stub;
    }

    /** Sends {@code body} as JSON with {@code status} and closes the exchange. */
    static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
        ex.close();
    }
}
