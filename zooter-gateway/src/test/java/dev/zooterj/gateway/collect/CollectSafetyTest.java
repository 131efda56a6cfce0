package dev.zooterj.gateway.collect;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.data.RewardDatasetReader;
import dev.zooterj.gateway.StubOpenAiServer;
import dev.zooterj.gateway.StubOpenAiServer.Reply;
import dev.zooterj.gateway.http.BackendClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Collect against backends that echo the key, and command lines that would destroy files, and corrupted journals:
 * real stub servers on loopback, real files.
 */
class CollectSafetyTest {
    private static final String KEY_ENV = "ZOOTER_TEST_LEAKY_KEY";
    private static final String KEY = System.getenv(KEY_ENV);
    private static final CollectConfig FAST = CollectConfig.paper()
            .withRetry(new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(5), 42));

    @TempDir
    Path dir;

    private static String echoOf(String key) {
        return "Incorrect API key provided: " + key + " (" + key.substring(0, 8) + "****" + key.substring(key.length() - 4)
                + ")";
    }

    private static void assertNoKey(String where, String text) {
        assertFalse(text.contains(KEY), where + " holds the key: " + text);
        assertFalse(text.contains(KEY.substring(6, 16)), where + " holds part of the key: " + text);
        assertFalse(text.contains(KEY.substring(KEY.length() - 6)), where + " holds the key's end: " + text);
    }

    private static String keyOf(StubOpenAiServer.Request r) {
        return r.authorization() == null ? "none" : r.authorization().substring("Bearer ".length());
    }

    @Test
    void noKeyInTheJournalFailuresDatasetAnswersOrReportsWhenEveryServerEchoesIt() throws Exception {
        assumeTrue(KEY != null && KEY.length() > 20, KEY_ENV + " is not set (the build sets it for the tests)");
        try (StubZoo zoo = new StubZoo(dir, "a", "b");
             StubOpenAiServer tagger = StubOpenAiServer.start("tagger", (r, n) ->
                     Reply.ok("[\"topic\", \"" + keyOf(r) + "\"]"))) {
            // a answers with the key in its text; b refuses the key, echoing it; the judge scores and echoes it
            zoo.candidates.get("a").setResponder((r, n) -> Reply.ok("a says: " + echoOf(keyOf(r))));
            zoo.candidates.get("b").setResponder((r, n) -> Reply.error(401).withErrorBody(
                    "{\"error\": {\"message\": \"" + echoOf(keyOf(r)) + "\", \"code\": \"invalid_api_key\"}}"));
            zoo.judge.setResponder((r, n) -> Reply.ok("Rating: [[7]] -- judged with key " + keyOf(r)));
            for (String b : List.of("a", "b")) {
                zoo.backend(b).put("apiKeyEnv", KEY_ENV);
            }
            ((ObjectNode) zoo.config.get("judge")).put("apiKeyEnv", KEY_ENV);
            zoo.config.putObject("tagger").put("baseUrl", tagger.baseUrl()).put("model", "tagger-m")
                    .put("apiKeyEnv", KEY_ENV);
            List<String> heard = new CopyOnWriteArrayList<>();
            CollectListener listener = new CollectListener() {
                @Override
                public void failed(CollectFailure f) {
                    heard.add(f.toString());
                }

                @Override
                public void retrying(String step, int failedAttempt, Duration delay, String reason) {
                    heard.add(step + ": " + reason);
                }
            };
            CollectResult result = new Collector(zoo.setup(new BackendClient()), new BackendClient(), FAST)
                    .listener(listener).run(StubZoo.queries(2), zoo.paths());

            assertFalse(result.complete(), "b refused every request");
            assertEquals(2, result.failures().size(), result.failures().toString());
            assertTrue(zoo.judge.requests().stream().allMatch(r -> ("Bearer " + KEY).equals(r.authorization())),
                    "the key was in play");
            assertTrue(zoo.judge.requests().stream().noneMatch(r -> r.userMessage().contains(KEY)),
                    "the judge is not shown the key a candidate echoed either");
            assertTrue(Files.readString(zoo.paths().failures()).contains("HTTP 401: Incorrect API key provided: [REDACTED]"));
            assertNoKey("the listener's messages", String.join("\n", heard));
            assertNoKey("the result", result.toString() + result.failures());
            for (Path p : List.of(zoo.paths().journal(), zoo.paths().failures(), zoo.paths().answers())) {
                assertTrue(Files.size(p) > 0, p + " was written");
                assertNoKey(p.getFileName().toString(), Files.readString(p));
            }
            assertFalse(Files.exists(zoo.paths().dataset()), "no query is complete (b failed), so no dataset");

            // Now b works and a rerun completes: the dataset (with the tagger's tags) holds no key either.
            zoo.candidates.get("b").setResponder(StubOpenAiServer.echo("b"));
            CollectResult second = new Collector(zoo.setup(new BackendClient()), new BackendClient(), FAST)
                    .run(StubZoo.queries(2), zoo.paths());
            assertTrue(second.complete(), second.toString());
            assertEquals(2, second.generated(), "a's journaled answers are reused, only b's are generated");
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : files.filter(Files::isRegularFile).toList()) {
                    assertNoKey(p.getFileName().toString(), Files.readString(p));
                }
            }
            RewardDataset data = RewardDatasetReader.read(zoo.paths().dataset());
            assertEquals(List.of("topic", "[redacted]"), data.records().get(0).tags(), "tags are lowercased");
        }
    }

    // ---- item 4: outputs that would destroy files ----

    private void collectTo(StubZoo zoo, CollectPaths paths) throws Exception {
        new Collector(zoo.setup(new BackendClient()), new BackendClient(), FAST).run(StubZoo.queries(1), paths);
    }

    @Test
    void outputsThatAreOneFileAreRefusedBeforeAnythingIsWritten() throws Exception {
        try (StubZoo zoo = new StubZoo(dir, "a")) {
            Path data = dir.resolve("data.jsonl");
            Path journal = dir.resolve("j.jsonl");
            CollectPaths sameAnswers = new CollectPaths(data, data, journal, dir.resolve("f.jsonl"));
            String msg = assertThrows(IllegalArgumentException.class, () -> collectTo(zoo, sameAnswers)).getMessage();
            assertTrue(msg.startsWith("--out and --answers name the same file"), msg);
            CollectPaths sameJournal = new CollectPaths(data, dir.resolve("a.jsonl"), data, dir.resolve("f.jsonl"));
            msg = assertThrows(IllegalArgumentException.class, () -> collectTo(zoo, sameJournal)).getMessage();
            assertTrue(msg.startsWith("--out and --journal name the same file"), msg);
            assertEquals(0, zoo.candidates.get("a").requestCount(), "nothing was asked of a backend");
            assertFalse(Files.exists(data) || Files.exists(journal), "nothing was written");
        }
    }

    @Test
    void aSymlinkOrASymlinkedDirectoryDoesNotHideThatTwoOutputsAreOneFile() throws Exception {
        try (StubZoo zoo = new StubZoo(dir, "a")) {
            Path journal = dir.resolve("run.journal.jsonl");
            Files.writeString(journal, "");
            Path link = Files.createSymbolicLink(dir.resolve("answers-link.jsonl"), journal);
            CollectPaths viaLink = new CollectPaths(dir.resolve("d.jsonl"), link, journal, dir.resolve("f.jsonl"));
            String msg = assertThrows(IllegalArgumentException.class, () -> collectTo(zoo, viaLink)).getMessage();
            assertTrue(msg.contains("--answers and --journal name the same file"), msg);

            Path sub = Files.createDirectories(dir.resolve("sub"));
            Path alias = Files.createSymbolicLink(dir.resolve("alias"), sub);
            CollectPaths viaDir = new CollectPaths(sub.resolve("new.jsonl"), dir.resolve("x.jsonl"),
                    alias.resolve("new.jsonl"), dir.resolve("f.jsonl"));
            msg = assertThrows(IllegalArgumentException.class, () -> collectTo(zoo, viaDir)).getMessage();
            assertTrue(msg.contains("--out and --journal name the same file (" + sub.toRealPath().resolve("new.jsonl")),
                    msg);
        }
    }

    @Test
    void anUnrelatedFileIsNeitherReplacedAsTheDatasetNorTruncatedAsATornJournalLine() throws Exception {
        try (StubZoo zoo = new StubZoo(dir, "a")) {
            Path notes = dir.resolve("notes.txt");
            Files.writeString(notes, "my notes, not a dataset\n");
            CollectPaths intoNotes = CollectPaths.nextTo(dir.resolve("data.jsonl")).withAnswers(notes);
            String msg = assertThrows(IllegalArgumentException.class, () -> collectTo(zoo, intoNotes)).getMessage();
            assertTrue(msg.contains("--answers " + notes + " exists and is not an answers file"), msg);
            assertEquals("my notes, not a dataset\n", Files.readString(notes));

            // A one-line JSON file without a newline looks like a torn last line; it used to be cut to nothing.
            Path config = dir.resolve("settings.json");
            byte[] original = "{\"theme\": \"dark\", \"fontSize\": 12}".getBytes();
            Files.write(config, original);
            CollectPaths intoConfig = CollectPaths.nextTo(dir.resolve("data.jsonl")).withJournal(config);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> collectTo(zoo, intoConfig));
            assertTrue(e.getMessage().startsWith(config + ":1: not a collect journal"), e.getMessage());
            assertArrayEquals(original, Files.readAllBytes(config), "the file is untouched");
        }
    }

    // ---- item 5: corrupted journals ----

    private Path run;

    /** A finished run's journal (in a directory of its own, {@link #run}), edited, then a rerun: its error. */
    private String rerunAfter(java.util.function.UnaryOperator<List<String>> edit) throws Exception {
        run = Files.createTempDirectory(dir, "run");
        try (StubZoo zoo = new StubZoo(run, "a", "b")) {
            collectTo(zoo, zoo.paths());
            Path journal = zoo.paths().journal();
            Files.write(journal, edit.apply(new ArrayList<>(Files.readAllLines(journal))));
            return assertThrows(IllegalStateException.class, () -> collectTo(zoo, zoo.paths())).getMessage();
        }
    }

    private static int lineOf(List<String> lines, String type) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("\"type\":\"" + type + "\"")) {
                return i;
            }
        }
        throw new AssertionError("no " + type + " line");
    }

    @Test
    void entriesMissingFieldsOrWithNullsAreReportedWithFileLineAndField() throws Exception {
        int[] at = new int[1];
        String msg = rerunAfter(lines -> {
            at[0] = lineOf(lines, "answer");
            lines.set(at[0], lines.get(at[0]).replaceFirst(",\"query\":\"[^\"]*\"", ""));
            return lines;
        });
        assertEquals(run.resolve("data.journal.jsonl") + ":" + (at[0] + 1) + ": field 'query': missing (answer entry)", msg);

        msg = rerunAfter(lines -> {
            at[0] = lineOf(lines, "reward");
            lines.set(at[0], lines.get(at[0]).replaceFirst("\"backend\":\"[^\"]*\"", "\"backend\":null"));
            return lines;
        });
        assertEquals(run.resolve("data.journal.jsonl") + ":" + (at[0] + 1) + ": field 'backend': null, expected a string (reward entry)", msg);

        msg = rerunAfter(lines -> {
            lines.set(0, lines.get(0).replaceFirst("\"backends\":\\{[^}]*}", "\"backends\":null"));
            return lines;
        });
        assertEquals(run.resolve("data.journal.jsonl") + ":1: field 'backends': null, expected an object of strings (header entry)", msg);

        msg = rerunAfter(lines -> {
            at[0] = lineOf(lines, "reward");
            lines.set(at[0], lines.get(at[0]).replaceFirst("\"reward\":[0-9.]+", "\"reward\":\"high\""));
            return lines;
        });
        assertEquals(run.resolve("data.journal.jsonl") + ":" + (at[0] + 1) + ": field 'reward': expected a number, got \"high\" (reward entry)", msg);
    }

    @Test
    void aRewardOutsideTheJudgesRangeIsReportedAndNeverUsed() throws Exception {
        int[] at = new int[1];
        String msg = rerunAfter(lines -> {
            at[0] = lineOf(lines, "reward");
            lines.set(at[0], lines.get(at[0]).replaceFirst("\"reward\":[0-9.]+", "\"reward\":42.0"));
            return lines;
        });
        assertEquals(run.resolve("data.journal.jsonl") + ":" + (at[0] + 1) + ": field 'reward': 42 is outside the "
                + "judge's range [1, 10], so it is not used; delete this line (the answer is then scored again) or "
                + "correct it", msg);
        RewardDataset kept = RewardDatasetReader.read(run.resolve("data.jsonl"));  // the first run's dataset stays
        assertTrue(kept.records().stream().flatMapToDouble(r -> java.util.Arrays.stream(r.rewards())).allMatch(v -> v <= 10),
                "and never gets the bad reward");
    }

    @Test
    void anOutputThatIsAnInputIsRefusedAndTheInputKept() throws IOException {
        Path queries = dir.resolve("queries.jsonl");
        Files.writeString(queries, "{\"id\": \"q1\", \"query\": \"hi\"}\n");
        CollectPaths paths = CollectPaths.nextTo(dir.resolve("out.jsonl")).withAnswers(queries);
        String msg = assertThrows(IllegalArgumentException.class,
                () -> paths.checkSafe(Map.of("--data", queries))).getMessage();
        assertTrue(msg.startsWith("--answers names the input --data (" + queries.toRealPath() + ")"), msg);
        assertEquals("{\"id\": \"q1\", \"query\": \"hi\"}\n", Files.readString(queries));
    }
}
