package dev.zooterj.gateway.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zooterj.gateway.StubOpenAiServer;
import dev.zooterj.gateway.backend.Backend;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Real HTTP against a gateway on loopback: requests, bodies, and a strict reader of the Prometheus text. */
final class GatewayTestSupport {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private GatewayTestSupport() {
    }

    /** A backend on a stub, named as the stub, with the stub's name suffixed "-model" as its model id. */
    static Backend backend(StubOpenAiServer stub) {
        return Backend.of(stub.name(), stub.baseUrl(), stub.name() + "-model");
    }

    static Backend backend(StubOpenAiServer stub, Duration timeout) {
        return new Backend(stub.name(), URI.create(stub.baseUrl()), stub.name() + "-model", null, timeout, 64, null, null);
    }

    static ObjectNode chat(String model, String user) {
        ObjectNode b = JSON.createObjectNode();
        if (model != null) {
            b.put("model", model);
        }
        b.putArray("messages").addObject().put("role", "user").put("content", user);
        return b;
    }

    static HttpResponse<String> post(GatewayServer gw, String path, String body) throws IOException, InterruptedException {
        return post(gw, path, body, Duration.ofSeconds(30));
    }

    static HttpResponse<String> post(GatewayServer gw, String path, JsonNode body, Duration timeout)
            throws IOException, InterruptedException {
        return post(gw, path, JSON.writeValueAsString(body), timeout);
    }

    static HttpResponse<String> post(GatewayServer gw, String path, String body, Duration timeout)
            throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(gw.baseUri().resolve(path)).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(GatewayServer gw, String path, JsonNode body) throws IOException, InterruptedException {
        return post(gw, path, JSON.writeValueAsString(body));
    }

    static HttpResponse<String> get(GatewayServer gw, String path) throws IOException, InterruptedException {
        return get(gw, path, Duration.ofSeconds(30));
    }

    static HttpResponse<String> get(GatewayServer gw, String path, Duration timeout) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(gw.baseUri().resolve(path)).timeout(timeout).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    /** Asserts an OpenAI error object and returns its {@code error} member. */
    static JsonNode openAiError(HttpResponse<String> r) throws IOException {
        JsonNode e = json(r).path("error");
        assertTrue(e.path("message").isTextual() && e.path("type").isTextual() && e.has("code") && e.has("param"),
                "not an OpenAI error object: " + r.body());
        return e;
    }

    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*})? (-?[0-9.]+(?:[eE][-+]?[0-9]+)?|NaN|\\+Inf)");

    /**
     * Parses Prometheus text: every sample line must be well-formed and belong to a family declared by {@code # HELP}
     * and {@code # TYPE} before it. Returns series ({@code name{labels}}) to value.
     */
    static Map<String, Double> parseMetrics(String text) {
        Map<String, Double> out = new LinkedHashMap<>();
        Map<String, String> types = new LinkedHashMap<>();
        String helped = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("# HELP ")) {
                helped = line.split(" ")[2];
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] p = line.split(" ");
                assertTrue(p[2].equals(helped), "TYPE without HELP: " + line);
                types.put(p[2], p[3]);
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                fail("malformed metrics line: '" + line + "'");
            }
            String family = m.group(1).replaceAll("_(bucket|sum|count)$", "");
            if (!types.containsKey(m.group(1)) && !"histogram".equals(types.get(family))) {
                fail("sample of an undeclared family: " + line);
            }
            out.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3).replace("+Inf", "Infinity")));
        }
        return out;
    }

    /** Sum of the series of {@code name} whose labels contain every given {@code key="value"}. */
    static double sum(Map<String, Double> metrics, String name, String... labels) {
        double s = 0;
        for (Map.Entry<String, Double> e : metrics.entrySet()) {
            String k = e.getKey();
            if (!(k.equals(name) || k.startsWith(name + "{"))) {
                continue;
            }
            boolean all = true;
            for (String l : labels) {
                all &= k.contains(l);
            }
            if (all) {
                s += e.getValue();
            }
        }
        return s;
    }

    /** An answer's head read off a raw socket, up to and including its blank line; fails if the connection closes first. */
    static String readHead(java.io.InputStream in) throws IOException {
        java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
        while (!head.toString(java.nio.charset.StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before a whole head: "
                        + head.toString(java.nio.charset.StandardCharsets.US_ASCII));
            }
            head.write(b);
        }
        return head.toString(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
