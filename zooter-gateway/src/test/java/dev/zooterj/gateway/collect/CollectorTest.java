package dev.zooterj.gateway.collect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.data.RewardDatasetReader;
import dev.zooterj.gateway.StubOpenAiServer;
import dev.zooterj.gateway.StubOpenAiServer.Reply;
import dev.zooterj.gateway.http.BackendClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CollectorTest {
    private static final CollectConfig FAST = CollectConfig.paper()
            .withRetry(new RetryPolicy(5, Duration.ofMillis(1), Duration.ofMillis(10), 42));

    @TempDir
    Path dir;

    private CollectResult collect(StubZoo zoo, CollectConfig config, List<CollectQuery> queries) throws Exception {
        return new Collector(zoo.setup(new BackendClient()), new BackendClient(), config).run(queries, zoo.paths());
    }

    /** The dataset's reward of every pair equals the judge's score of that pair's (echo) answer. */
    private static void assertRewardsAreTheJudges(RewardDataset data) {
        for (RewardRecord r : data.records()) {
            for (int b = 0; b < data.models().size(); b++) {
                String answer = StubZoo.echo(data.models().get(b), r.query());
                assertEquals(StubZoo.score(answer), r.rewards()[b], r.id() + " × " + data.models().get(b));
            }
        }
    }

    @Test
    void collectsEveryPairAndWritesTheDatasetAndTheAnswers() throws Exception {
        try (StubZoo zoo = new StubZoo(dir, "a", "b", "c")) {
            List<CollectQuery> queries = new ArrayList<>(StubZoo.queries(4));
            queries.set(0, new CollectQuery("q1", queries.get(0).text(), null, List.of("math"), "sub-x", "train"));
            CollectResult result = collect(zoo, FAST, queries);

            assertTrue(result.complete(), result.toString());
            assertEquals(4, result.rowsWritten());
            assertEquals(12, result.generated());
            assertEquals(12, result.scored());
            assertEquals(0, result.retries());
            assertEquals(List.of(), result.notes());
            RewardDataset data = RewardDatasetReader.read(zoo.paths().dataset());
            assertEquals(List.of("a", "b", "c"), data.models());
            assertEquals(List.of("q1", "q2", "q3", "q4"), data.records().stream().map(RewardRecord::id).toList());
            assertRewardsAreTheJudges(data);
            RewardRecord q1 = data.records().get(0);
            assertEquals(List.of("math"), q1.tags());
            assertEquals("sub-x", q1.subset());
            assertEquals("train", q1.split());
            // cost = usage × price: the stub counts words; a is priced 1.0/1k out, b 2.0, c 3.0, all 0.5/1k in
            for (RewardRecord r : data.records()) {
                int promptTokens = r.query().split("\\s+").length;
                for (int b = 0; b < 3; b++) {
                    int completionTokens = StubZoo.echo(data.models().get(b), r.query()).split("\\s+").length;
                    assertEquals((1.0 + b) * completionTokens / 1000 + 0.5 * promptTokens / 1000, r.cost()[b], 1e-12);
                }
            }
            List<String> answers = Files.readAllLines(zoo.paths().answers());
            assertEquals(12, answers.size());
            JsonNode first = StubZoo.JSON.readTree(answers.get(1));
            assertEquals("q1", first.get("id").asText());
            assertEquals("b", first.get("model").asText());
            assertEquals(StubZoo.echo("b", queries.get(0).text()), first.get("answer").asText());
            assertEquals(StubZoo.score(first.get("answer").asText()), first.get("reward").asDouble());
            assertTrue(first.path("usage").path("completion_tokens").asInt() > 0);
            for (var e : zoo.candidates.entrySet()) {
                for (CollectQuery q : queries) {
                    assertEquals(1, zoo.generations(e.getKey(), q.text()), e.getKey() + " " + q.id());
                }
                JsonNode body = e.getValue().requests().get(0).body();
                assertEquals(0.7, body.get("temperature").asDouble());
                assertEquals(2048, body.get("max_tokens").asInt());
                assertEquals("model-" + e.getKey(), body.get("model").asText());
            }
            assertEquals(12, zoo.judge.requestCount());
            assertEquals("judge-model", zoo.judge.requests().get(0).model());
            assertFalse(Files.exists(zoo.paths().failures()));
            assertEquals(1 + 12 + 12, Files.readAllLines(zoo.paths().journal()).size());

            CollectResult again = collect(zoo, FAST, queries);
            assertTrue(again.complete());
            assertEquals(12, again.plan().pairsDone());
            assertEquals(0, again.generated() + again.scored(), "a finished run has nothing left to do");
            assertEquals(12, zoo.judge.requestCount());
        }
    }

    @Test
    void stoppedMidwayWithATornJournalLineAndRestartedPaysForNothingTwice() throws Exception {
        try (StubZoo zoo = new StubZoo(dir, "a", "b", "c")) {
            zoo.candidates.forEach((name, s) -> s.setResponder((r, n) -> Reply.ok(StubZoo.echo(name, r.userMessage())).delayed(40)));
            List<CollectQuery> queries = StubZoo.queries(10);
            AtomicInteger finished = new AtomicInteger();
            Collector first = new Collector(zoo.setup(new BackendClient()), new BackendClient(), FAST);
            first.listener(new CollectListener() {
                @Override
                public void pairFinished(String queryId, String backend, double reward) {
                    if (finished.incrementAndGet() == 6) {
                        first.stop();
                    }
                }
            });
            CollectResult stopped = first.run(queries, zoo.paths());
            assertTrue(stopped.stopped());
            assertFalse(stopped.complete());
            assertFalse(Files.exists(zoo.paths().dataset()), "a stopped run writes only the journal");

            // A crash in the middle of writing the last entry.
            Path journal = zoo.paths().journal();
            byte[] all = Files.readAllBytes(journal);
            String text = new String(all, StandardCharsets.UTF_8);
            int lastStart = text.lastIndexOf('\n', text.length() - 2) + 1;
            JsonNode torn = StubZoo.JSON.readTree(text.substring(lastStart));
            Files.write(journal, java.util.Arrays.copyOf(all, lastStart + (all.length - lastStart) / 2));
            Set<String> journaled = new HashSet<>();
            for (String line : Files.readAllLines(journal).subList(1, Files.readAllLines(journal).size() - 1)) {
                JsonNode e = StubZoo.JSON.readTree(line);
                if (e.get("type").asText().equals("answer")) {
                    journaled.add(e.get("id").asText() + "/" + e.get("backend").asText());
                }
            }
            assertTrue(journaled.size() >= 5 && journaled.size() < 30, "stopped midway: " + journaled.size());

            CollectResult resumed = collect(zoo, FAST, queries);
            assertTrue(resumed.complete(), resumed.failures().toString());
            assertEquals(1, resumed.plan().journal().tornLines());
            assertEquals(journaled.size(), resumed.plan().pairsDone() + resumed.plan().toScore());
            assertEquals(30 - journaled.size(), resumed.generated());
            RewardDataset data = RewardDatasetReader.read(zoo.paths().dataset());
            assertEquals(queries.stream().map(CollectQuery::id).toList(), data.records().stream().map(RewardRecord::id).toList(),
                    "every row exactly once, in query order");
            assertRewardsAreTheJudges(data);
            String tornPair = torn.get("id").asText() + "/" + torn.get("backend").asText();
            boolean tornWasAnswer = torn.get("type").asText().equals("answer");
            int total = 0;
            for (CollectQuery q : queries) {
                for (String b : zoo.candidates.keySet()) {
                    int n = zoo.generations(b, q.text());
                    total += n;
                    String pair = q.id() + "/" + b;
                    if (journaled.contains(pair)) {
                        assertEquals(1, n, "finished pair " + pair + " was generated again");
                    } else if (!(tornWasAnswer && pair.equals(tornPair))) {
                        assertEquals(1, n, pair);
                    }
                }
            }
            assertEquals(30 + (tornWasAnswer ? 1 : 0), total, "only the torn answer, never journaled, was paid twice");
            assertEquals(30 + (tornWasAnswer ? 0 : 1), zoo.judge.requestCount());
            assertEquals(30, Files.readAllLines(zoo.paths().answers()).size());
        }
    }

    /** Replies {@code failure} to the first {@code k} requests carrying each message, then echoes. */
    private static StubOpenAiServer.Responder failingFirst(String name, int k, Reply failure, Map<String, List<Long>> times) {
        Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        return (r, n) -> {
            times.computeIfAbsent(r.userMessage(), m -> java.util.Collections.synchronizedList(new ArrayList<>()))
                    .add(System.nanoTime());
            return seen.computeIfAbsent(r.userMessage(), m -> new AtomicInteger()).incrementAndGet() <= k ? failure
                    : Reply.ok(StubZoo.echo(name, r.userMessage()));
        };
    }

    @Test
    void retriesServerErrorsRateLimitsTimeoutsAndMalformedBodies() throws Exception {
        try (StubZoo zoo = new StubZoo(dir, "flaky", "limited", "slow", "broken")) {
            Map<String, List<Long>> times = new ConcurrentHashMap<>();
            zoo.candidates.get("flaky").setResponder(failingFirst("flaky", 2, Reply.error(500), new ConcurrentHashMap<>()));
            zoo.candidates.get("limited").setResponder(failingFirst("limited", 1, Reply.error(429).withRetryAfter("0.3"), times));
            zoo.candidates.get("slow").setResponder(failingFirst("slow", 1, Reply.ok("too late").delayed(2000), new ConcurrentHashMap<>()));
            zoo.backend("slow").put("timeoutSeconds", 0.3);
            zoo.candidates.get("broken").setResponder(failingFirst("broken", 1, Reply.malformedJson(), new ConcurrentHashMap<>()));
            List<CollectQuery> queries = StubZoo.queries(3);
            List<String> retried = new java.util.concurrent.CopyOnWriteArrayList<>();
            CollectResult result = new Collector(zoo.setup(new BackendClient()), new BackendClient(), FAST)
                    .listener(new CollectListener() {
                        @Override
                        public void retrying(String step, int failedAttempt, Duration delay, String reason) {
                            retried.add(step + ": " + reason);
                        }
                    }).run(queries, zoo.paths());

            assertTrue(result.complete(), result.failures().toString());
            assertEquals(3 * (2 + 1 + 1 + 1), result.retries());
            assertRewardsAreTheJudges(RewardDatasetReader.read(zoo.paths().dataset()));
            for (CollectQuery q : queries) {
                assertEquals(3, zoo.generations("flaky", q.text()));
                assertEquals(2, zoo.generations("limited", q.text()));
                assertEquals(2, zoo.generations("slow", q.text()));
                assertEquals(2, zoo.generations("broken", q.text()));
                List<Long> t = times.get(q.text());
                assertTrue(t.get(1) - t.get(0) >= 290_000_000L, "Retry-After 0.3 s honoured: " + (t.get(1) - t.get(0)) / 1e6 + " ms");
            }
            assertTrue(retried.stream().anyMatch(s -> s.contains("HTTP 500")), retried.toString());
            assertTrue(retried.stream().anyMatch(s -> s.contains("HTTP 429")), retried.toString());
            assertTrue(retried.stream().anyMatch(s -> s.contains("answer within 300 ms")), retried.toString());
            assertTrue(retried.stream().anyMatch(s -> s.contains("not JSON")), retried.toString());
        }
    }

    @Test
    void permanentFailuresAreReportedNotDroppedAndARerunRetriesOnlyThem() throws Exception {
        try (StubZoo zoo = new StubZoo(dir, "ok", "down", "picky")) {
            // "down" fails every query about topic 1 (q1, q4) with 500s; "picky" rejects q2 with a 400 (not retryable).
            zoo.candidates.get("down").setResponder((r, n) -> r.userMessage().endsWith("topic 1") ? Reply.error(500)
                    : Reply.ok(StubZoo.echo("down", r.userMessage())));
            zoo.candidates.get("picky").setResponder((r, n) -> r.userMessage().startsWith("question number 2 ")
                    ? Reply.error(400) : Reply.ok(StubZoo.echo("picky", r.userMessage())));
            List<CollectQuery> queries = StubZoo.queries(5);
            CollectConfig threeTries = FAST.withRetry(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5), 1));
            CollectResult result = collect(zoo, threeTries, queries);

            assertFalse(result.complete());
            assertEquals(List.of("q1", "q2", "q4"), result.incompleteQueries());
            assertEquals(3, result.failures().size(), result.failures().toString());
            CollectFailure f1 = result.failures().get(0);
            assertEquals("q1", f1.queryId());
            assertEquals("down", f1.backend());
            assertEquals(CollectFailure.Step.GENERATE, f1.step());
            assertEquals(3, f1.attempts());
            assertTrue(f1.reason().contains("HTTP 500"), f1.reason());
            CollectFailure f2 = result.failures().get(1);
            assertEquals("q2", f2.queryId());
            assertEquals(1, f2.attempts(), "a 400 is not retried");
            assertTrue(f2.toString().startsWith("q2 × picky: generate failed after 1 attempt: backend 'picky': HTTP 400"), f2.toString());
            assertEquals(2, result.rowsWritten());
            assertEquals(List.of("q3", "q5"), RewardDatasetReader.read(zoo.paths().dataset()).records().stream()
                    .map(RewardRecord::id).toList());
            assertEquals(12, Files.readAllLines(zoo.paths().answers()).size(), "answers of the failed queries' other pairs too");
            List<String> failuresFile = Files.readAllLines(zoo.paths().failures());
            assertEquals(3, failuresFile.size());
            assertEquals("generate", StubZoo.JSON.readTree(failuresFile.get(0)).get("step").asText());

            zoo.candidates.get("down").setResponder(StubOpenAiServer.echo("down"));
            zoo.candidates.get("picky").setResponder(StubOpenAiServer.echo("picky"));
            CollectResult rerun = collect(zoo, threeTries, queries);
            assertTrue(rerun.complete());
            assertEquals(3, rerun.generated(), "only the three failed pairs");
            assertEquals(5, RewardDatasetReader.read(zoo.paths().dataset()).size());
            assertEquals(4, zoo.generations("down", queries.get(0).text()), "3 failed attempts, then 1");
            assertEquals(1, zoo.generations("down", queries.get(1).text()));
            assertEquals(2, zoo.generations("picky", queries.get(1).text()));
            assertEquals(1, zoo.generations("ok", queries.get(0).text()));
            assertFalse(Files.exists(zoo.paths().failures()), "no stale failures file after a complete run");
        }
    }

    @Test
    void judgeRepliesWithoutAValidScoreAreCountedAndRescoredWithoutRegenerating() throws Exception {
        try (StubZoo zoo = new StubZoo(dir, "a", "b")) {
            zoo.judge.setResponder((r, n) -> {
                String answer = StubZoo.answerIn(r.userMessage());
                if (answer.startsWith("b says")) {
                    return Reply.ok("This answer is quite good.");
                }
                return Reply.ok(answer.contains("number 1 ") ? "[[11]]" : "Rating: [[" + StubZoo.score(answer) + "]]");
            });
            List<CollectQuery> queries = StubZoo.queries(3);
            CollectConfig twoTries = FAST.withRetry(new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(5), 1));
            CollectResult result = collect(zoo, twoTries, queries);

            assertEquals(List.of("q1", "q2", "q3"), result.incompleteQueries());
            assertEquals(2 * (3 + 1), result.invalidOutputs(), "b's three answers and a's q1, two tries each");
            assertEquals(4, result.failures().size());
            assertTrue(result.failures().stream().allMatch(f -> f.step() == CollectFailure.Step.SCORE));
            assertTrue(result.failures().get(0).reason().contains("judge score 11 is outside [1, 10]"), result.failures().toString());
            assertTrue(result.failures().get(1).reason().contains("judge reply has no score"), result.failures().toString());
            assertEquals(0, result.rowsWritten());
            assertFalse(Files.exists(zoo.paths().dataset()));
            assertTrue(result.notes().get(0).startsWith("no query is complete"), result.notes().toString());
            assertEquals(6, Files.readAllLines(zoo.paths().answers()).size(), "the answers were kept");

            zoo.judge.setResponder((r, n) -> Reply.ok("[[" + StubZoo.score(StubZoo.answerIn(r.userMessage())) + "]]"));
            CollectResult rerun = collect(zoo, twoTries, queries);
            assertTrue(rerun.complete());
            assertEquals(0, rerun.generated(), "journaled answers are scored, not generated again");
            assertEquals(4, rerun.scored());
            for (CollectQuery q : queries) {
                assertEquals(1, zoo.generations("a", q.text()));
                assertEquals(1, zoo.generations("b", q.text()));
            }
            assertRewardsAreTheJudges(RewardDatasetReader.read(zoo.paths().dataset()));
        }
    }

    @Test
    void aJournalForOtherModelsIsRefusedAndReuseRedoesOnlyWhatChanged() throws Exception {
        try (StubZoo zoo = new StubZoo(dir, "a", "b", "c")) {
            List<CollectQuery> queries = StubZoo.queries(3);
            assertTrue(collect(zoo, FAST, queries).complete());
            zoo.backend("b").put("model", "model-b2");
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> collect(zoo, FAST, queries));
            assertTrue(e.getMessage().contains("backend 'b' was model model-b, now model-b2"), e.getMessage());

            CollectResult reused = collect(zoo, FAST.withReuseJournal(true), queries);
            assertTrue(reused.complete());
            assertEquals(3, reused.generated(), "b's answers only");
            assertEquals(6, reused.plan().staleEntries(), "b's old answers and rewards");
            assertEquals(List.of("backend 'b' was model model-b, now model-b2"), reused.plan().journal().differences());
            for (CollectQuery q : queries) {
                assertEquals(1, zoo.generations("a", q.text()));
                assertEquals(2, zoo.generations("b", q.text()));
            }

            // Another judge prompt makes other rewards: every answer is scored again, none is generated again.
            Files.writeString(dir.resolve("judge.txt"), StubZoo.JUDGE_PROMPT + " Be strict.");
            assertTrue(assertThrows(IllegalStateException.class, () -> collect(zoo, FAST, queries)).getMessage()
                    .contains("reward scorer was judge model=judge-model prompt="));
            CollectResult rescored = collect(zoo, FAST.withReuseJournal(true), queries);
            assertTrue(rescored.complete());
            assertEquals(0, rescored.generated());
            assertEquals(9, rescored.scored());
        }
    }

    @Test
    void theTaggerAddsValidatedTagsToTheInputTags() throws Exception {
        try (StubZoo zoo = new StubZoo(dir, "a", "b");
             StubOpenAiServer tagger = StubOpenAiServer.start("tagger", StubOpenAiServer.echo("tagger"))) {
            Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
            tagger.setResponder((r, n) -> {
                boolean q2 = r.userMessage().contains("question number 2 ");
                if (q2 && calls.computeIfAbsent("q2", k -> new AtomicInteger()).incrementAndGet() == 1) {
                    return Reply.ok("I would tag this as maths.");
                }
                return Reply.ok("Sure:\n```json\n[{\"tag\": \"Math  Problem\", \"explanation\": \"...\"}, {\"tag\": \"topic\"},"
                        + " {\"tag\": \"math problem\"}]\n```");
            });
            zoo.config.putObject("tagger").put("baseUrl", tagger.baseUrl()).put("model", "instagger").put("maxTags", 5);
            List<CollectQuery> queries = new ArrayList<>(StubZoo.queries(2));
            queries.set(0, new CollectQuery("q1", queries.get(0).text(), null, List.of("input", "topic"), null, null));
            CollectResult result = collect(zoo, FAST, queries);

            assertTrue(result.complete(), result.failures().toString());
            assertEquals(2, result.tagged());
            assertEquals(1, result.invalidOutputs());
            RewardDataset data = RewardDatasetReader.read(zoo.paths().dataset());
            assertEquals(List.of("input", "topic", "math problem"), data.records().get(0).tags());
            assertEquals(List.of("math problem", "topic"), data.records().get(1).tags());
            assertEquals("instagger", tagger.requests().get(0).model());
            assertTrue(tagger.requests().stream().anyMatch(r -> r.userMessage().contains("\n" + queries.get(0).text() + "\n")),
                    "the default prompt carries the query");

            CollectResult again = collect(zoo, FAST, queries);
            assertEquals(0, again.plan().toTag(), "tags are journaled too");
            assertEquals(3, tagger.requestCount());
        }
    }

    @Test
    void anHttpRewardEndpointScoresThePairs() throws Exception {
        AtomicInteger served = new AtomicInteger();
        try (StubZoo zoo = new StubZoo(dir, "a", "b");
             StubRewardEndpoint rm = new StubRewardEndpoint((req, n) -> {
                 if (n == 1) {
                     return new StubRewardEndpoint.Reply(503, "busy", "0.05");
                 }
                 double reward = req.get("response").asText().length() / 10.0;
                 return StubRewardEndpoint.Reply.ok(served.incrementAndGet() % 2 == 0 ? String.valueOf(reward)
                         : "{\"reward\": " + reward + ", \"model\": \"rm\"}");
             })) {
            zoo.config.remove("judge");
            zoo.config.putObject("rewardEndpoint").put("url", rm.url()).put("maxConcurrent", 2);
            List<CollectQuery> queries = StubZoo.queries(3);
            CollectResult result = collect(zoo, FAST, queries);

            assertTrue(result.complete(), result.failures().toString());
            assertEquals(1, result.retries());
            RewardDataset data = RewardDatasetReader.read(zoo.paths().dataset());
            for (RewardRecord r : data.records()) {
                for (int b = 0; b < 2; b++) {
                    assertEquals(StubZoo.echo(data.models().get(b), r.query()).length() / 10.0, r.rewards()[b], 1e-12);
                }
            }
            assertEquals(7, rm.requests.size());
            JsonNode req = rm.requests.get(1);
            assertNotNull(req.get("query"));
            assertTrue(req.get("response").asText().contains(" says: "));
            assertEquals(0, zoo.judge.requestCount());
        }
    }

    @Test
    void missingPricesLeaveCostOutWithANote() throws Exception {
        try (StubZoo zoo = new StubZoo(dir, "a", "b")) {
            zoo.backend("b").remove("pricePer1kOutputTokens");
            zoo.backend("b").remove("pricePer1kInputTokens");
            CollectResult result = collect(zoo, FAST, StubZoo.queries(1));
            assertTrue(result.notes().get(0).startsWith("cost left out: no price for b"), result.notes().toString());
            assertNull(RewardDatasetReader.read(zoo.paths().dataset()).records().get(0).cost());
        }
    }

    @Test
    void anUnsetApiKeyVariableFailsBeforeAnyRequest() throws Exception {
        try (StubZoo zoo = new StubZoo(dir, "a")) {
            zoo.backend("a").put("apiKeyEnv", "ZOOTER_TEST_SURELY_UNSET_KEY");
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> collect(zoo, FAST, StubZoo.queries(1)));
            assertTrue(e.getMessage().contains("ZOOTER_TEST_SURELY_UNSET_KEY"), e.getMessage());
            assertEquals(0, zoo.candidates.get("a").requestCount());
            assertFalse(Files.exists(zoo.paths().journal()));
        }
    }

    @Test
    void abortInterruptsRequestsInFlight() throws Exception {
        try (StubZoo zoo = new StubZoo(dir, "a")) {
            zoo.candidates.get("a").setResponder((r, n) -> Reply.ok("slow").delayed(30_000));
            Collector c = new Collector(zoo.setup(new BackendClient()), new BackendClient(), FAST);
            Thread aborter = new Thread(() -> {
                try {
                    while (zoo.candidates.get("a").requestCount() == 0) {
                        Thread.sleep(10);
                    }
                } catch (InterruptedException ignored) {
                    return;
                }
                c.abort();
            });
            aborter.start();
            long t0 = System.nanoTime();
            CollectResult r = c.run(StubZoo.queries(2), zoo.paths());
            aborter.join();
            assertTrue(r.stopped());
            assertEquals(List.of("q1", "q2"), r.incompleteQueries());
            assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "did not wait for the 30 s answers");
        }
    }

    @Test
    void answersAreJournaledBeforeScoring() throws Exception {
        try (StubZoo zoo = new StubZoo(dir, "a")) {
            List<String> journalAtJudge = new java.util.concurrent.CopyOnWriteArrayList<>();
            zoo.judge.setResponder((r, n) -> {
                try {
                    journalAtJudge.add(Files.readString(zoo.paths().journal()));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return Reply.ok("[[5]]");
            });
            assertTrue(collect(zoo, FAST, StubZoo.queries(1)).complete());
            assertEquals(1, journalAtJudge.size());
            assertTrue(journalAtJudge.get(0).contains("\"type\":\"answer\""), "the answer was on disk when the judge was asked");
        }
    }

    @Test
    void concurrencyCapsABackendAcrossGeneratingJudgingAndTagging() throws Exception {
        try (StubZoo zoo = new StubZoo(dir, "a", "b")) {
            // "a" is a candidate (maxConcurrent 3), the judge and the tagger: all its requests count against one cap.
            StubZoo.PeakCounter atA = new StubZoo.PeakCounter();
            zoo.candidates.get("a").setResponder(atA.around((r, n) -> {
                String m = r.userMessage();
                if (m.contains("\nANSWER: ")) {
                    return Reply.ok("[[" + StubZoo.score(StubZoo.answerIn(m)) + "]]");
                }
                return Reply.ok(m.contains("[end of query]") ? "[\"topic\"]" : StubZoo.echo("a", m));
            }, 20));
            zoo.config.putObject("judge").put("backend", "a").put("promptFile", "judge.txt").put("min", 1).put("max", 10);
            zoo.config.putObject("tagger").put("backend", "a");
            BackendClient client = new BackendClient();
            CollectResult result = new Collector(zoo.setup(client), client, FAST.withConcurrency(2))
                    .run(StubZoo.queries(6), zoo.paths());

            assertTrue(result.complete(), result.failures().toString());
            assertEquals(6 + 12 + 6, zoo.candidates.get("a").requestCount(), "6 answers, 12 scores, 6 tag lists");
            assertEquals(2, atA.peak(), "--concurrency 2 holds for generating, judging and tagging together");
        }
    }

    @Test
    void aKeyInTheRewardEndpointUrlIsSentButNeverJournaledAndAnotherKeyIsAnotherScorer() throws Exception {
        try (StubZoo zoo = new StubZoo(dir, "a");
             StubRewardEndpoint rm = new StubRewardEndpoint((req, n) -> StubRewardEndpoint.Reply.ok("2.5"))) {
            zoo.config.remove("judge");
            zoo.config.putObject("rewardEndpoint").put("url", rm.url() + "?code=S3CRET-ONE");
            CollectResult result = collect(zoo, FAST, StubZoo.queries(2));

            assertTrue(result.complete(), result.failures().toString());
            assertEquals(List.of("code=S3CRET-ONE", "code=S3CRET-ONE"), rm.queryStrings, "the key is sent");
            String journal = Files.readString(zoo.paths().journal());
            assertFalse(journal.contains("S3CRET"), journal);
            assertTrue(journal.contains("\"scorer\":\"endpoint " + rm.url() + "?… sha256="), journal);

            ((com.fasterxml.jackson.databind.node.ObjectNode) zoo.config.get("rewardEndpoint"))
                    .put("url", rm.url() + "?code=S3CRET-TWO");
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> collect(zoo, FAST, StubZoo.queries(2)));
            assertTrue(e.getMessage().contains("written for other settings: reward scorer was endpoint " + rm.url()), e.getMessage());
            assertFalse(e.getMessage().contains("S3CRET"), e.getMessage());
            assertEquals(2, rm.requests.size(), "nothing scored again");
        }
    }
}
