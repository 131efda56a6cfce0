package dev.zooterj.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.zooterj.core.routing.RoutingDecision;
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
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code zooter serve} in rerank mode as a user runs it: a tiny trained router, a backends file whose backends echo
 * from a loopback stub and whose {@code rewardEndpoint} scores an answer by the model that wrote it, and real requests.
 * Also {@code calibrate --generations} storing the rule that {@code serve} then applies, and {@code serve --cost-weight}.
 */
class ServeRerankCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path router;
    static List<String> models;
    static HttpServer stub;
    static final AtomicInteger chatCalls = new AtomicInteger();
    static final AtomicInteger rewardCalls = new AtomicInteger();

    @BeforeAll
    static void trainARouterAndStartAStub() throws IOException {
        router = ServeFixtures.trainTinyRouter(dir);
        models = ServeFixtures.models(router);
        stub = ServeFixtures.echoBackend(chatCalls);
        // A reward model that prefers models late in the router's list: reward = the index of the answer's model.
        stub.createContext("/score", ex -> {
            rewardCalls.incrementAndGet();
            String response = JSON.readTree(ex.getRequestBody()).path("response").asText();
            ServeFixtures.send(ex, 200, ("{\"reward\": " + rewardOf(response) + "}").getBytes(StandardCharsets.UTF_8));
        });
        stub.createContext("/broken-score", ex -> ServeFixtures.send(ex, 500, "{}".getBytes(StandardCharsets.UTF_8)));
        stub.start();
    }

    static int rewardOf(String answer) {
        for (int i = 0; i < models.size(); i++) {
            if (answer.startsWith("id-" + models.get(i) + " says")) {
                return i;
            }
        }
        return -1;
    }

    @AfterAll
    static void stopStub() {
        stub.stop(0);
    }

    private static Path backendsFile(String rewardPath) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode arr = root.putArray("backends");
        String base = "http://127.0.0.1:" + stub.getAddress().getPort();
        for (String m : models) {
            arr.addObject().put("name", m).put("baseUrl", base + "/v1").put("model", "id-" + m);
        }
        if (rewardPath != null) {
            root.putObject("rewardEndpoint").put("url", base + rewardPath).put("timeoutSeconds", 5);
        }
        Path f = Files.createTempFile(dir, "backends", ".json");
        JSON.writeValue(f.toFile(), root);
        return f;
    }

    /** A running {@code zooter serve}. */
    record Serving(Thread thread, StringWriter out, StringWriter err, int[] exit, URI base) {
        int stop() throws InterruptedException {
            thread.interrupt();
            thread.join(30_000);
            assertFalse(thread.isAlive());
            return exit[0];
        }
    }

    private static Serving serve(String... args) throws InterruptedException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int[] exit = {-1};
        String[] all = Stream.concat(Stream.of("serve", "--port", "0"), Stream.of(args)).toArray(String[]::new);
        Thread t = new Thread(() -> exit[0] = ZooterCli.run(all, new PrintWriter(out, true), new PrintWriter(err, true)),
                "serve-under-test");
        t.start();
        Pattern listening = Pattern.compile("listening on (http://\\S+)");
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            String printed = out.toString();
            Matcher m = listening.matcher(printed);
            // the banner's last line: the lines between it and "listening on" are printed by then (the tests read them)
            if (m.find() && printed.contains("Ctrl-C stops")) {
                return new Serving(t, out, err, exit, URI.create(m.group(1)));
            }
            if (!t.isAlive()) {
                break;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("serve did not start: " + out + err);
    }

    private static HttpResponse<String> chat(URI base, String query) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("model", "zooter");
        body.putArray("messages").addObject().put("role", "user").put("content", query);
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve("/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body), StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String metrics(URI base) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve("/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void servesTheBestRewardedOfTheTopThree() throws Exception {
        Serving s = serve("--router", router.toString(), "--backends", backendsFile("/score").toString(), "--generations", "3");
        assertTrue(s.out().toString().contains("rerank mode: fixed top-3 generate per routed request; the reward source (endpoint http://127.0.0.1:"),
                s.out().toString());
        String query = "Write a SQL query that joins two tables";
        RoutingDecision d = RouterStore.load(router).router().route(query);
        List<String> top3 = d.ranking().subList(0, 3);
        String best = top3.stream().max(java.util.Comparator.comparingInt(models::indexOf)).orElseThrow();
        int chats = chatCalls.get();
        int rewards = rewardCalls.get();

        HttpResponse<String> answer = chat(s.base(), query);
        assertEquals(200, answer.statusCode(), answer.body());
        JsonNode a = JSON.readTree(answer.body());
        assertEquals(best, a.path("model").asText(), "the reward endpoint prefers the latest model of " + top3);
        assertEquals("id-" + best + " says: " + query, a.path("choices").path(0).path("message").path("content").asText());
        assertEquals(best, answer.headers().firstValue("X-Zooter-Model").orElseThrow());
        assertEquals(d.model(), answer.headers().firstValue("X-Zooter-Router-Choice").orElseThrow());
        assertEquals(String.join(",", top3), answer.headers().firstValue("X-Zooter-Answered").orElseThrow());
        assertEquals("3", answer.headers().firstValue("X-Zooter-Generations").orElseThrow());
        assertEquals("reward", answer.headers().firstValue("X-Zooter-Rerank").orElseThrow());
        assertEquals(3, chatCalls.get() - chats);
        assertEquals(3, rewardCalls.get() - rewards);
        String m = metrics(s.base());
        assertTrue(m.contains("zooter_generations_total 3\n"), m);
        assertTrue(m.contains("zooter_rerank_requests_total{outcome=\"reward\"} 1\n"), m);
        assertEquals(0, s.stop(), s.err().toString());
    }

    @Test
    void aBrokenRewardEndpointAnswersWithTheRoutersFirstChoice() throws Exception {
        Serving s = serve("--router", router.toString(), "--backends", backendsFile("/broken-score").toString(),
                "--generations", "2");
        String query = "Prove that the square root of two is irrational";
        String first = RouterStore.load(router).router().route(query).model();
        HttpResponse<String> answer = chat(s.base(), query);
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals(first, JSON.readTree(answer.body()).path("model").asText());
        assertEquals("fallback", answer.headers().firstValue("X-Zooter-Rerank").orElseThrow());
        assertEquals(0, s.stop(), s.err().toString());
    }

    @Test
    void rerankModeWithoutARewardSourceIsOneClearError() throws IOException {
        CliRunner r = CliRunner.run("serve", "--router", router.toString(), "--backends", backendsFile(null).toString(),
                "--port", "0", "--generations", "3");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().startsWith("zooter serve: error: rerank mode (fixed top-3) needs a reward source: "), r.err());
        assertTrue(r.err().contains("no reward model: add a 'judge' section"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());

        CliRunner both = CliRunner.run("serve", "--router", router.toString(), "--backends", backendsFile("/score").toString(),
                "--port", "0", "--generations", "2", "--cost-weight", "0.1", "--costs", "x=1");
        assertEquals(1, both.exitCode());
        assertTrue(both.err().contains("--cost-weight picks one model per request; it cannot be combined with rerank mode"),
                both.err());
    }

    @Test
    void calibrateGenerationsStoresARuleThatServeApplies() throws Exception {
        Path copy = dir.resolve("router-rerank");
        try (Stream<Path> files = Files.list(router)) {
            Files.createDirectories(copy);
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        Path queries = dir.resolve("sim").resolve("test.jsonl");
        if (!Files.exists(queries)) {
            queries = dir.resolve("sim").resolve("train.jsonl");
        }
        CliRunner c = CliRunner.run("calibrate", "--router", copy.toString(), "--data", queries.toString(),
                "--generations", "1.5", "--rerank-rule", "margin", "--max-k", "3");
        assertEquals(0, c.exitCode(), c.err());
        JsonNode stored = JSON.readTree(copy.resolve("rerank.json").toFile());
        assertEquals("margin", stored.path("rule").asText());
        assertEquals(3, stored.path("max_k").asInt());
        assertTrue(stored.path("measured_generations").asDouble() <= 1.5 && stored.path("measured_generations").asDouble() >= 1,
                stored.toString());
        assertEquals(stored, JSON.readTree(copy.resolve("router.json").toFile()).path("rerank"), "recorded in router.json");
        assertTrue(c.out().contains("route-or-rerank: top-3 when p1 - p2 <= "), c.out());

        CliRunner bad = CliRunner.run("calibrate", "--router", copy.toString(), "--data", queries.toString(),
                "--generations", "2", "--rerank-rule", "best");
        assertEquals(1, bad.exitCode());
        assertTrue(bad.err().contains("--rerank-rule: expected one of [fixed, top1, margin, entropy, mass, ratio], got 'best'"),
                bad.err());

        Serving s = serve("--router", copy.toString(), "--backends", backendsFile("/score").toString());
        assertTrue(s.out().toString().contains("rerank mode: top-3 when p1 - p2 <= "), s.out().toString());
        assertEquals(0, s.stop(), s.err().toString());
        Serving off = serve("--router", copy.toString(), "--backends", backendsFile(null).toString(), "--generations", "1");
        assertFalse(off.out().toString().contains("rerank mode"), off.out().toString());
        assertEquals(0, off.stop(), off.err().toString());
    }

    @Test
    void aLargeCostWeightSendsEveryQueryToTheCheapestModel() throws Exception {
        List<String> qs = List.of("Write a SQL query that joins two tables", "Translate 'good morning' into French");
        String routed = RouterStore.load(router).router().route(qs.get(0)).model();
        String free = models.stream().filter(m -> !m.equals(routed)).findFirst().orElseThrow();  // not the router's pick
        StringBuilder costs = new StringBuilder();
        for (int i = 0; i < models.size(); i++) {
            costs.append(i == 0 ? "" : ",").append(models.get(i)).append('=').append(models.get(i).equals(free) ? 0 : 10);
        }
        Serving s = serve("--router", router.toString(), "--backends", backendsFile(null).toString(),
                "--cost-weight", "100", "--costs", costs.toString());
        assertTrue(s.out().toString().contains("cost weight 100.0"), s.out().toString());
        for (String q : qs) {
            HttpResponse<String> answer = chat(s.base(), q);
            assertEquals(200, answer.statusCode(), answer.body());
            assertEquals(free, JSON.readTree(answer.body()).path("model").asText(), "the only free model");
        }
        assertEquals(0, s.stop(), s.err().toString());
    }
}
