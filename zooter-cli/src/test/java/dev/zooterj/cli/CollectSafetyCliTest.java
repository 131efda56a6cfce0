package dev.zooterj.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
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
import java.util.concurrent.Executors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code zooter collect} as a careless user and a leaky provider would have it: every server echoes the key it was
 * sent (and the reward endpoint its own secret URL), and output options that name inputs or each other. Nothing the
 * command prints or writes holds a secret, and no file is destroyed.
 */
class CollectSafetyCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY_ENV = "ZOOTER_TEST_LEAKY_KEY";
    private static final String KEY = System.getenv(KEY_ENV);
    /** The reward endpoint's secrets: a path token and a query code. */
    private static final String PATH_TOKEN = "Tk7q2W9e4R1t8Y5u3I6o";
    private static final String CODE = "c0de-Secret-9x8y7z";

    @TempDir
    Path dir;
    private HttpServer server;

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 32);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/v1/chat/completions", ex -> {
            try (ex) {
                JsonNode body = JSON.readTree(ex.getRequestBody().readAllBytes());
                String model = body.get("model").asText();
                String key = String.valueOf(ex.getRequestHeaders().getFirst("Authorization")).replace("Bearer ", "");
                String echo = "Incorrect API key provided: " + key + " (" + key.substring(0, 7) + "..."
                        + key.substring(key.length() - 4) + ")";
                if (model.equals("leaky")) {
                    send(ex, 401, JSON.createObjectNode().set("error", JSON.createObjectNode().put("message", echo)).toString());
                    return;
                }
                String content = model.equals("judge-m") ? "[[5]] and your key is " + key : "echo says: " + echo;
                ObjectNode resp = JSON.createObjectNode();
                resp.putArray("choices").addObject().put("finish_reason", "stop").putObject("message")
                        .put("role", "assistant").put("content", content);
                send(ex, 200, resp.toString());
            }
        });
        server.createContext("/score/", ex -> {
            try (ex) {
                ex.getRequestBody().readAllBytes();
                send(ex, 400, "bad request to " + ex.getRequestURI() + " with key " + ex.getRequestHeaders().getFirst("Authorization"));
            }
        });
        server.start();
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private Path queries() throws IOException {
        Path f = dir.resolve("queries.jsonl");
        Files.writeString(f, "{\"id\": \"q1\", \"query\": \"first\"}\n{\"id\": \"q2\", \"query\": \"second\"}\n");
        return f;
    }

    private Path backends(String reward) throws IOException {
        Files.writeString(dir.resolve("judge.txt"), "QUESTION: {query}\nANSWER: {response}");
        Path f = dir.resolve("backends.json");
        Files.writeString(f, "{\"backends\": ["
                + "{\"name\": \"echo\", \"baseUrl\": \"" + base() + "/v1\", \"model\": \"echo\", \"apiKeyEnv\": \"" + KEY_ENV + "\"},"
                + "{\"name\": \"leaky\", \"baseUrl\": \"" + base() + "/v1\", \"model\": \"leaky\", \"apiKeyEnv\": \"" + KEY_ENV
                + "\"}], " + reward + "}");
        return f;
    }

    private static void assertNoSecret(String where, String text) {
        for (String secret : new String[]{KEY, KEY.substring(7, 17), KEY.substring(KEY.length() - 6), PATH_TOKEN, CODE}) {
            assertFalse(text.contains(secret), where + " holds a secret (" + secret.substring(0, 4) + "...): " + text);
        }
    }

    /** Every file collect wrote (all but the inputs: the backends file names the secret URL itself). */
    private void assertNothingWrittenHoldsASecret() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().equals("backends.json"))
                    .toList()) {
                assertNoSecret(p.getFileName().toString(), Files.readString(p));
            }
        }
    }

    @Test
    void stdoutStderrAndEveryFileAreFreeOfTheKeyWhenTheJudgeAndABackendEchoIt() throws IOException {
        assumeTrue(KEY != null && KEY.length() > 20, KEY_ENV + " is not set (the build sets it for the tests)");
        String judge = "\"judge\": {\"baseUrl\": \"" + base() + "/v1\", \"model\": \"judge-m\", \"apiKeyEnv\": \"" + KEY_ENV
                + "\", \"promptFile\": \"judge.txt\", \"min\": 1, \"max\": 10}";
        CliRunner r = CliRunner.run("collect", "--data", queries().toString(), "--backends", backends(judge).toString(),
                "--out", dir.resolve("data.jsonl").toString(), "--retries", "0");
        assertEquals(3, r.exitCode(), r.err() + r.out());
        assertTrue(r.out().contains("HTTP 401: Incorrect API key provided: [REDACTED] ([REDACTED])"), r.out());
        assertNoSecret("stdout", r.out());
        assertNoSecret("stderr", r.err());
        assertTrue(Files.readString(dir.resolve("data.journal.jsonl")).contains("[[5]] and your key is [REDACTED]"),
                "the judge's reply is journaled, redacted");
        assertNothingWrittenHoldsASecret();

        // --debug prints the stack trace of an error: redacted as well.
        CliRunner debug = CliRunner.run("collect", "--debug", "--data", queries().toString(), "--backends",
                backends(judge).toString(), "--out", dir.resolve("data.jsonl").toString(), "--retries", "0");
        assertNoSecret("stdout with --debug", debug.out());
        assertNoSecret("stderr with --debug", debug.err());
    }

    @Test
    void aRewardEndpointsSecretUrlIsNeverPrintedOrWritten() throws IOException {
        assumeTrue(KEY != null && KEY.length() > 20, KEY_ENV + " is not set (the build sets it for the tests)");
        String endpoint = "\"rewardEndpoint\": {\"url\": \"" + base() + "/score/" + PATH_TOKEN + "?code=" + CODE
                + "\", \"apiKeyEnv\": \"" + KEY_ENV + "\"}";
        CliRunner r = CliRunner.run("collect", "--data", queries().toString(), "--backends", backends(endpoint).toString(),
                "--out", dir.resolve("data.jsonl").toString(), "--retries", "0");
        assertEquals(3, r.exitCode(), r.err() + r.out());
        assertTrue(r.out().contains("reward: reward endpoint " + base() + "/score/[REDACTED]?…"), r.out());
        assertTrue(r.out().contains("score failed after 1 attempt: backend 'rewardEndpoint': HTTP 400: bad request to "
                + "/score/[REDACTED]?code=[REDACTED] with key"), r.out());
        assertNoSecret("stdout", r.out());
        assertNoSecret("stderr", r.err());
        assertNothingWrittenHoldsASecret();
    }

    @Test
    void outputsNamingAnInputOrEachOtherAreRefusedAndNothingIsTouched() throws IOException {
        Path queries = queries();
        String judge = "\"judge\": {\"baseUrl\": \"" + base() + "/v1\", \"model\": \"judge-m\", \"promptFile\": "
                + "\"judge.txt\", \"min\": 1, \"max\": 10}";
        Path backends = backends(judge);
        String queriesBefore = Files.readString(queries);
        String backendsBefore = Files.readString(backends);

        CliRunner r = CliRunner.run("collect", "--data", queries.toString(), "--backends", backends.toString(),
                "--out", queries.toString());
        assertEquals(1, r.exitCode());
        assertEquals("zooter collect: error: --out names the input --data (" + queries.toRealPath() + "); collect would "
                + "overwrite it. Name another output file", r.err().strip());

        r = CliRunner.run("collect", "--data", queries.toString(), "--backends", backends.toString(),
                "--out", dir.resolve("d.jsonl").toString(), "--answers", dir.resolve("judge.txt").toString());
        assertTrue(r.err().contains("--answers names the input judge.promptFile"), r.err());

        Path shared = dir.resolve("shared.jsonl");
        r = CliRunner.run("collect", "--data", queries.toString(), "--backends", backends.toString(),
                "--out", dir.resolve("d.jsonl").toString(), "--answers", shared.toString(), "--journal",
                dir.resolve(".").resolve("shared.jsonl").toString());
        assertTrue(r.err().contains("--answers and --journal name the same file"), r.err());

        r = CliRunner.run("collect", "--data", queries.toString(), "--backends", backends.toString(),
                "--out", dir.resolve("d.jsonl").toString(), "--journal", backends.toString());
        assertTrue(r.err().contains("--journal names the input --backends"), r.err());

        assertEquals(queriesBefore, Files.readString(queries));
        assertEquals(backendsBefore, Files.readString(backends));
        assertFalse(Files.exists(shared) || Files.exists(dir.resolve("d.jsonl")), "nothing was written");
    }
}
