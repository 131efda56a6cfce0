package dev.zooterj.gateway.collect;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zooterj.gateway.StubOpenAiServer;
import dev.zooterj.gateway.backend.BackendsFile;
import dev.zooterj.gateway.http.BackendClient;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Candidate stubs that echo ({@code "<name> says: <query>"}) and a judge stub whose score is a deterministic function
 * of the answer it is shown, all real HTTP servers on loopback, plus the backends file that points at them.
 */
final class StubZoo implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String JUDGE_PROMPT = "QUESTION: {query}\nANSWER: {response}\nRate the answer from 1 to 10.";

    final Path dir;
    final Map<String, StubOpenAiServer> candidates = new LinkedHashMap<>();
    final StubOpenAiServer judge;
    /** The backends file as a tree: tests change it before {@link #setup()}. */
    final ObjectNode config = JSON.createObjectNode();

    StubZoo(Path dir, String... names) throws IOException {
        this.dir = dir;
        ArrayNode backends = config.putArray("backends");
        for (int i = 0; i < names.length; i++) {
            StubOpenAiServer s = StubOpenAiServer.start(names[i], StubOpenAiServer.echo(names[i]));
            candidates.put(names[i], s);
            backends.addObject().put("name", names[i]).put("baseUrl", s.baseUrl()).put("model", "model-" + names[i])
                    .put("timeoutSeconds", 5).put("maxConcurrent", 3)
                    .put("pricePer1kOutputTokens", 1.0 + i).put("pricePer1kInputTokens", 0.5);
        }
        judge = StubOpenAiServer.start("judge", (r, n) -> StubOpenAiServer.Reply.ok("Rating: [[" + score(answerIn(r.userMessage())) + "]]"));
        Files.writeString(dir.resolve("judge.txt"), JUDGE_PROMPT);
        config.putObject("judge").put("baseUrl", judge.baseUrl()).put("model", "judge-model").put("maxConcurrent", 4)
                .put("promptFile", "judge.txt").put("min", 1).put("max", 10);
    }

    /**
     * Counts the requests a stub is working on at once (each takes {@code ms}) and keeps the most seen, so a test can
     * check a concurrency limit from the server's side.
     */
    static final class PeakCounter {
        private final AtomicInteger now = new AtomicInteger();
        private final AtomicInteger peak = new AtomicInteger();

        StubOpenAiServer.Responder around(StubOpenAiServer.Responder inner, long ms) {
            return (r, n) -> {
                peak.accumulateAndGet(now.incrementAndGet(), Math::max);
                try {
                    Thread.sleep(ms);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    now.decrementAndGet();
                }
                return inner.reply(r, n);
            };
        }

        int peak() {
            return peak.get();
        }
    }

    /** The judge's score for an answer: 1..10, a function of the text. */
    static int score(String answer) {
        return Math.floorMod(answer.hashCode(), 10) + 1;
    }

    /** The answer inside a rendered judge prompt. */
    static String answerIn(String judgePrompt) {
        int a = judgePrompt.indexOf("\nANSWER: ") + "\nANSWER: ".length();
        return judgePrompt.substring(a, judgePrompt.indexOf("\nRate the answer"));
    }

    static String judgePrompt(String query, String answer) {
        return JUDGE_PROMPT.replace("{query}", query).replace("{response}", answer);
    }

    static String echo(String backend, String query) {
        return backend + " says: " + query;
    }

    static List<CollectQuery> queries(int n) {
        List<CollectQuery> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(CollectQuery.of("q" + i, "question number " + i + " about topic " + (i % 3)));
        }
        return out;
    }

    ObjectNode backend(String name) {
        for (var b : config.get("backends")) {
            if (b.get("name").asText().equals(name)) {
                return (ObjectNode) b;
            }
        }
        throw new IllegalArgumentException(name);
    }

    Path writeConfig() throws IOException {
        Path f = dir.resolve("backends.json");
        Files.writeString(f, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config));
        return f;
    }

    CollectSetup setup(BackendClient client) throws IOException {
        return CollectSetup.from(BackendsFile.load(writeConfig()), client);
    }

    CollectPaths paths() {
        return CollectPaths.nextTo(dir.resolve("data.jsonl"));
    }

    /** Generation requests the named candidate received for a query text. */
    int generations(String backend, String query) {
        return candidates.get(backend).requestsFor(query);
    }

    @Override
    public void close() {
        candidates.values().forEach(StubOpenAiServer::close);
        judge.close();
    }
}
