package dev.zooterj.gateway.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.zooterj.gateway.KeywordRouter;
import dev.zooterj.gateway.backend.Backend;
import dev.zooterj.gateway.client.RoutingChatClient;
import dev.zooterj.gateway.http.BackendClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static dev.zooterj.gateway.serve.GatewayTestSupport.JSON;
import static dev.zooterj.gateway.serve.GatewayTestSupport.chat;
import static dev.zooterj.gateway.serve.GatewayTestSupport.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A backend's answer is relayed as its bytes, only {@code model} changed; with an API key in play, an answer that spells
 * the key through JSON escapes is still redacted. The backends are raw loopback servers that send exactly the bytes
 * each test gives them.
 */
class GatewayRelayTest {
    private final AtomicReference<String> body = new AtomicReference<>();
    private HttpServer raw;
    private GatewayServer gw;

    @AfterEach
    void stop() {
        if (gw != null) {
            gw.stop(Duration.ZERO);
        }
        if (raw != null) {
            raw.stop(0);
        }
    }

    private GatewayServer gateway(String apiKeyEnv) throws IOException {
        raw = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        raw.createContext("/v1/chat/completions", ex -> {
            try (ex) {
                ex.getRequestBody().readAllBytes();
                byte[] b = body.get().getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(200, b.length);
                ex.getResponseBody().write(b);
            }
        });
        raw.start();
        String base = "http://127.0.0.1:" + raw.getAddress().getPort() + "/v1";
        List<Backend> backends = List.of(
                new Backend("a", URI.create(base), "a-model", apiKeyEnv, Duration.ofSeconds(5), 8, null, null),
                new Backend("b", URI.create(base), "b-model", apiKeyEnv, Duration.ofSeconds(5), 8, null, null));
        gw = GatewayServer.start(new RoutingChatClient(new KeywordRouter("a", "b"), backends, new BackendClient(), 2),
                GatewayConfig.defaults().withPort(0));
        return gw;
    }

    @Test
    void theAnswerIsTheBackendsBytesButForTheModel() throws Exception {
        gateway(null);
        String answer = "{\n  \"id\" : \"chatcmpl-1\",\n  \"model\" : \"a-model\",\n  \"created\": 1.0e9,\n"
                + "  \"choices\" : [ {\"index\":0, \"message\": {\"role\":\"assistant\", \"content\": \"caf\u00e9 \\n \\\"ok\\\" \\\\ done\","
                + " \"model\": \"inner\"}, \"finish_reason\": \"stop\"} ],\n  \"x_vendor\": {\"a\": [1, 2.50]}\n}\n";
        body.set(answer);
        HttpResponse<String> r = post(gw, "/v1/chat/completions", chat("zooter", "hello @a"));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(answer.replace("\"model\" : \"a-model\"", "\"model\" : \"a\""), r.body(),
                "spacing, number spelling, escapes, non-ASCII and vendor fields are the backend's own");
        assertEquals("a", r.headers().firstValue("X-Zooter-Model").orElseThrow());

        body.set("{\"choices\":[{\"message\":{\"content\":\"no model field\"}}]}");
        JsonNode noModel = JSON.readTree(post(gw, "/v1/chat/completions", chat("zooter", "hello @b")).body());
        assertEquals("b", noModel.path("model").asText(), "an answer without model gets the backend's name");
    }

    @Test
    void contentAfterTheAnswerIsAMalformedAnswer() throws Exception {
        gateway(null);
        body.set("{\"model\":\"a-model\",\"choices\":[]} {\"injected\": true}");
        HttpResponse<String> r = post(gw, "/v1/chat/completions", chat("zooter", "hello @a"));
        assertEquals(502, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"kind\":\"malformed\""), r.body());
        assertFalse(r.body().contains("injected"), r.body());
    }

    @Test
    void aKeySpelledWithEscapesIsStillRedacted() throws Exception {
        String key = GatewaySafetyTest.KEY;
        assumeTrue(key != null && key.length() > 20, GatewaySafetyTest.KEY_ENV + " is not set (the build sets it)");
        gateway(GatewaySafetyTest.KEY_ENV);
        StringBuilder escaped = new StringBuilder();
        for (char c : key.toCharArray()) {
            escaped.append(String.format("\\u%04x", (int) c));   // every character as a unicode escape
        }
        String[] answers = {
            "{\"model\":\"a-model\",\"choices\":[{\"message\":{\"content\":\"your key: " + escaped + "\"}}]}",
            "{\"model\":\"a-model\",\"choices\":[{\"message\":{\"content\":\"your key: " + key + " and a\\/b\"}}]}",
            "{\"model\":\"a-model\",\"choices\":[{\"message\":{\"content\":\"plain: " + key + "\"}}]}",
            "{\"model\":\"a-model\",\"choices\":[{\"message\":{\"content\":\"short: " + key.substring(0, 8) + "\\u2026"
                    + key.substring(key.length() - 4) + "\"}}]}",
        };
        for (String a : answers) {
            body.set(a);
            HttpResponse<String> r = post(gw, "/v1/chat/completions", chat("zooter", "hello @a"));
            assertEquals(200, r.statusCode(), r.body());
            GatewaySafetyTest.assertNoKey("the relayed answer", JSON.readTree(r.body()).toString() + r.body());
            assertTrue(JSON.readTree(r.body()).at("/choices/0/message/content").asText().contains("[REDACTED]"), r.body());
        }
    }
}
