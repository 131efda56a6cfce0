package dev.zooterj.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.zooterj.nn.router.RouterStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code zooter serve} as a user runs it: a tiny trained router, a backends file pointing at a loopback stub that
 * echoes, a real request through the gateway, and a stop.
 */
class ServeCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path router;
    static List<String> models;
    static HttpServer stub;
    static final AtomicInteger stubCalls = new AtomicInteger();

    @BeforeAll
    static void trainARouterAndStartAStub() throws IOException {
        router = ServeFixtures.trainTinyRouter(dir);
        models = ServeFixtures.models(router);
        stub = ServeFixtures.echoBackend(stubCalls);
        stub.start();
    }

    @AfterAll
    static void stopStub() {
        stub.stop(0);
    }

    private static Path backendsFile(List<String> names) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode arr = root.putArray("backends");
        for (String m : names) {
            arr.addObject().put("name", m).put("baseUrl", "http://127.0.0.1:" + stub.getAddress().getPort() + "/v1")
                    .put("model", "id-" + m);
        }
        Path f = Files.createTempFile(dir, "backends", ".json");
        JSON.writeValue(f.toFile(), root);
        return f;
    }

    @Test
    void servesRoutedRequestsUntilStopped() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int[] exit = {-1};
        Path backends = backendsFile(models);
        Thread serve = new Thread(() -> exit[0] = ZooterCli.run(new String[]{"serve", "--router", router.toString(),
                "--backends", backends.toString(), "--port", "0", "--attempts", "2"},
                new PrintWriter(out, true), new PrintWriter(err, true)), "serve-under-test");
        serve.start();
        URI base = awaitListening(out, err, serve);
        assertTrue(out.toString().contains("model \"zooter\" routes between " + models.size() + " backends"), out.toString());

        HttpClient http = HttpClient.newHttpClient();
        String query = "Write a SQL query that joins two tables";
        HttpResponse<String> decision = http.send(HttpRequest.newBuilder(base.resolve("/route"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"query\": \"" + query + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, decision.statusCode(), decision.body());
        String chosen = JSON.readTree(decision.body()).path("model").asText();
        assertEquals(RouterStore.load(router).router().route(query).model(), chosen, "the gateway routes as the router does");

        ObjectNode body = JSON.createObjectNode().put("model", "zooter");
        body.putArray("messages").addObject().put("role", "user").put("content", query);
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(base.resolve("/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body), StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        JsonNode a = JSON.readTree(answer.body());
        assertEquals(chosen, a.path("model").asText());
        assertEquals("id-" + chosen + " says: " + query, a.path("choices").path(0).path("message").path("content").asText());
        assertEquals(chosen, answer.headers().firstValue("X-Zooter-Model").orElseThrow());
        assertEquals(1, stubCalls.get());

        serve.interrupt();
        serve.join(30_000);
        assertFalse(serve.isAlive());
        assertEquals(0, exit[0], err.toString());
        assertTrue(out.toString().strip().endsWith("stopped"), out.toString());
    }

    @Test
    void aBackendsFileMissingRouterModelsIsOneClearError() throws IOException {
        CliRunner r = CliRunner.run("serve", "--router", router.toString(), "--backends",
                backendsFile(models.subList(0, models.size() - 2)).toString(), "--port", "0");
        assertEquals(1, r.exitCode());
        String missing = models.get(models.size() - 2) + ", " + models.get(models.size() - 1);
        assertTrue(r.err().startsWith("zooter serve: error: the router's models " + missing + " have no backend in "),
                r.err());
        assertTrue(r.err().contains("backends there: " + String.join(", ", models.subList(0, models.size() - 2))), r.err());
    }

    private static URI awaitListening(StringWriter out, StringWriter err, Thread serve) throws InterruptedException {
        Pattern listening = Pattern.compile("listening on (http://\\S+)");
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            String printed = out.toString();
            Matcher m = listening.matcher(printed);
            // the banner's last line: the lines the test reads are printed by then
            if (m.find() && printed.contains("Ctrl-C stops")) {
                return URI.create(m.group(1));
            }
            if (!serve.isAlive()) {
                break;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("serve did not start: " + out + err);
    }
}
