package dev.zooterj.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.data.RewardDatasetReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code zooter collect} end to end against a real OpenAI-compatible server on loopback. (The gateway's
 * StubOpenAiServer lives in that module's tests, out of reach here, so this test serves the few answers it needs
 * itself: candidates echo, the judge scores by answer length, the model "down" always fails.)
 */
class CollectCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private HttpServer server;
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final List<String> scoreQueryStrings = new CopyOnWriteArrayList<>();

    static int score(String answer) {
        return answer.length() % 10 + 1;
    }

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 32);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/v1/chat/completions", ex -> {
            try (ex) {
                JsonNode body = JSON.readTree(ex.getRequestBody().readAllBytes());
                String model = body.get("model").asText();
                String user = body.get("messages").get(body.get("messages").size() - 1).get("content").asText();
                requests.computeIfAbsent(model + "|" + user, k -> new AtomicInteger()).incrementAndGet();
                int status = model.equals("down") ? 500 : 200;
                String content = model.equals("judge-m")
                        ? "[[" + score(user.substring(user.indexOf("ANSWER: ") + 8)) + "]]" : model + " says: " + user;
                ObjectNode resp = JSON.createObjectNode();
                resp.putArray("choices").addObject().put("finish_reason", "stop").putObject("message")
                        .put("role", "assistant").put("content", content);
                resp.putObject("usage").put("prompt_tokens", 10).put("completion_tokens", 20);
                byte[] b = (status == 200 ? resp.toString() : "{\"error\": {\"message\": \"down for good\"}}")
                        .getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(status, b.length);
                ex.getResponseBody().write(b);
            }
        });
        server.createContext("/score", ex -> {
            try (ex) {
                scoreQueryStrings.add(String.valueOf(ex.getRequestURI().getRawQuery()));
                JsonNode body = JSON.readTree(ex.getRequestBody().readAllBytes());
                byte[] b = ("{\"reward\": " + score(body.get("response").asText()) + "}").getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, b.length);
                ex.getResponseBody().write(b);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private Path backends(String... models) throws IOException {
        String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
        Files.writeString(dir.resolve("judge.txt"), "QUESTION: {query}\nANSWER: {response}");
        StringBuilder sb = new StringBuilder("{\"backends\": [");
        for (int i = 0; i < models.length; i++) {
            sb.append(i == 0 ? "" : ", ").append("{\"name\": \"").append(models[i]).append("\", \"baseUrl\": \"").append(base)
                    .append("\", \"model\": \"").append(models[i]).append("\", \"pricePer1kOutputTokens\": 1}");
        }
        sb.append("], \"judge\": {\"baseUrl\": \"").append(base)
                .append("\", \"model\": \"judge-m\", \"promptFile\": \"judge.txt\", \"min\": 1, \"max\": 10}}");
        Path f = dir.resolve("backends.json");
        Files.writeString(f, sb.toString());
        return f;
    }

    private Path queries(int n) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            sb.append("{\"id\": \"q").append(i).append("\", \"query\": \"question ").append(i).append("\", \"tags\": [\"t")
                    .append(i % 2).append("\"]}\n");
        }
        Path f = dir.resolve("queries.jsonl");
        Files.writeString(f, sb.toString());
        return f;
    }

    @Test
    void collectsEndToEndAndAResumedRunHasNothingToDo() throws IOException {
        Path out = dir.resolve("data.jsonl");
        String[] args = {"collect", "--data", queries(3).toString(), "--backends", backends("alpha", "beta").toString(),
                "--out", out.toString(), "--backoff", "0.001"};
        CliRunner r = CliRunner.run(args);
        assertEquals(0, r.exitCode(), r.err() + r.out());
        assertTrue(r.out().contains("collect: 3 queries × 2 candidates (alpha, beta); reward: judge judge (judge-m, scores 1..10)"), r.out());
        assertTrue(r.out().contains("journal " + dir.resolve("data.journal.jsonl") + ": new, 6 pairs to generate"), r.out());
        assertTrue(r.out().contains("wrote 3 rows × 2 models to " + out), r.out());
        RewardDataset data = RewardDatasetReader.read(out);
        assertEquals(List.of("alpha", "beta"), data.models());
        for (RewardRecord rec : data.records()) {
            for (int b = 0; b < 2; b++) {
                assertEquals(score(data.models().get(b) + " says: " + rec.query()), rec.rewards()[b]);
                assertEquals(0.02, rec.cost()[b], 1e-12, "20 completion tokens at 1 per 1k");
            }
        }
        assertEquals(List.of("t1"), data.records().get(0).tags());
        assertEquals(6, Files.readAllLines(dir.resolve("data.answers.jsonl")).size());

        CliRunner again = CliRunner.run(args);
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().contains(": 6 pairs done, 0 pairs to generate"), again.out());
        assertTrue(requests.values().stream().allMatch(c -> c.get() == 1), "no request twice: " + requests);
    }

    @Test
    void aFailingBackendExitsWith3AndListsTheIncompletePairs() throws IOException {
        Path out = dir.resolve("data.jsonl");
        CliRunner r = CliRunner.run("collect", "--data", queries(2).toString(), "--backends", backends("alpha", "down").toString(),
                "--out", out.toString(), "--retries", "1", "--backoff", "0.001");
        assertEquals(CollectCommand.INCOMPLETE, r.exitCode(), r.err() + r.out());
        assertTrue(r.out().contains("incomplete: 2 of 2 queries are not in the dataset (2 failed steps)"), r.out());
        assertTrue(r.out().contains("  q1 × down: generate failed after 2 attempts: backend 'down': HTTP 500: down for good"), r.out());
        assertTrue(r.out().contains("all failures: " + dir.resolve("data.failures.jsonl")), r.out());
        assertTrue(r.out().contains("no query is complete: " + out + " not written"), r.out());
        assertFalse(Files.exists(out));
    }

    @Test
    void badInputIsOneLineOnStderrNamingTheFileAndField() throws IOException {
        Path q = queries(2);
        CliRunner missing = CliRunner.run("collect", "--data", q.toString(), "--backends", dir.resolve("nope.json").toString(),
                "--out", dir.resolve("d.jsonl").toString());
        assertEquals(1, missing.exitCode());
        assertEquals("zooter collect: error: " + dir.resolve("nope.json") + ": no such file", missing.err().strip());

        Path b = backends("alpha");
        Files.writeString(b, Files.readString(b).replace(", \"min\": 1", ""));
        CliRunner badSection = CliRunner.run("collect", "--data", q.toString(), "--backends", b.toString(),
                "--out", dir.resolve("d.jsonl").toString());
        assertEquals(1, badSection.exitCode());
        assertEquals("zooter collect: error: " + b + ": judge.min: missing (required): expected a number", badSection.err().strip());

        Files.writeString(q, "{\"id\": \"q1\", \"query\": \"a\"}\n{\"id\": \"q2\"}\n");
        CliRunner badQuery = CliRunner.run("collect", "--data", q.toString(), "--backends", backends("alpha").toString(),
                "--out", dir.resolve("d.jsonl").toString());
        assertEquals(1, badQuery.exitCode());
        assertEquals(1, badQuery.err().strip().lines().count(), badQuery.err());
        assertTrue(badQuery.err().contains(q + ":2: field 'query'"), badQuery.err());
        assertFalse(Files.exists(dir.resolve("d.journal.jsonl")), "nothing started");
        assertTrue(requests.isEmpty());
    }

    @Test
    void aKeyInTheRewardEndpointUrlIsSentButNeitherPrintedNorJournaled() throws IOException {
        Path b = backends("alpha");
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/score";
        ObjectNode config = (ObjectNode) JSON.readTree(b.toFile());
        config.remove("judge");
        config.putObject("rewardEndpoint").put("url", url + "?code=S3CRET-ONE");
        Files.writeString(b, config.toString());
        Path out = dir.resolve("data.jsonl");
        String[] args = {"collect", "--data", queries(2).toString(), "--backends", b.toString(), "--out", out.toString()};
        CliRunner r = CliRunner.run(args);
        assertEquals(0, r.exitCode(), r.err() + r.out());
        assertEquals(List.of("code=S3CRET-ONE", "code=S3CRET-ONE"), scoreQueryStrings, "the key is sent");
        assertTrue(r.out().contains("reward: reward endpoint " + url + "?…; tagger: none"), r.out());
        for (Path written : List.of(dir.resolve("data.journal.jsonl"), out, dir.resolve("data.answers.jsonl"))) {
            assertFalse(Files.readString(written).contains("S3CRET"), written.toString());
        }
        assertFalse((r.out() + r.err()).contains("S3CRET"), r.out() + r.err());

        config.putObject("rewardEndpoint").put("url", url + "?code=S3CRET-TWO");
        Files.writeString(b, config.toString());
        CliRunner other = CliRunner.run(args);
        assertEquals(1, other.exitCode(), other.err() + other.out());
        assertTrue(other.err().contains("reward scorer was endpoint " + url + "?… sha256="), other.err());
        assertFalse((other.out() + other.err()).contains("S3CRET"), other.out() + other.err());
    }

    @Test
    void helpDocumentsTheBackendsFileAndExitCodes() {
        CliRunner r = CliRunner.run("collect", "--help");
        assertEquals(0, r.exitCode());
        for (String s : List.of("Usage: zooter collect", "--data", "--backends", "--journal", "--reuse-journal", "\"judge\"",
                "rewardEndpoint", "\"tagger\"", "[[N]]", "130")) {
            assertTrue(r.out().contains(s), s + " in\n" + r.out());
        }
    }
}
