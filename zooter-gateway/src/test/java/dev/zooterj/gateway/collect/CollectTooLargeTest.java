package dev.zooterj.gateway.collect;

import dev.zooterj.data.RewardDatasetReader;
import dev.zooterj.gateway.StubOpenAiServer.Flood;
import dev.zooterj.gateway.StubOpenAiServer.Reply;
import dev.zooterj.gateway.http.BackendClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A candidate whose answers are far over its {@code maxResponseBytes}: a recorded failure per pair, never retried. */
class CollectTooLargeTest {
    @TempDir
    Path dir;

    @Test
    void anAnswerOverTheLimitIsAFailureThatIsNotRetried() throws Exception {
        try (StubZoo zoo = new StubZoo(dir, "ok", "huge")) {
            zoo.candidates.get("huge").setResponder((r, n) -> r.userMessage().endsWith("topic 1")
                    ? Reply.ok("x").flooding(Flood.hugeAnswer(1L << 30)) : Reply.ok(StubZoo.echo("huge", r.userMessage())));
            zoo.backend("huge").put("maxResponseBytes", 100_000);
            List<CollectQuery> queries = StubZoo.queries(3);
            CollectConfig fiveTries = CollectConfig.paper()
                    .withRetry(new RetryPolicy(5, Duration.ofMillis(1), Duration.ofMillis(5), 1));
            long t0 = System.nanoTime();
            CollectResult result = new Collector(zoo.setup(new BackendClient()), new BackendClient(), fiveTries)
                    .run(queries, zoo.paths());
            assertTrue(System.nanoTime() - t0 < 20_000_000_000L, "no time spent reading floods");

            assertFalse(result.complete());
            assertEquals(List.of("q1"), result.incompleteQueries());
            assertEquals(1, result.failures().size(), result.failures().toString());
            CollectFailure f = result.failures().get(0);
            assertEquals("huge", f.backend());
            assertEquals(CollectFailure.Step.GENERATE, f.step());
            assertEquals(1, f.attempts(), "not retried");
            assertTrue(f.reason().contains("larger than the limit of 100000 bytes"), f.reason());
            assertEquals(1, zoo.generations("huge", queries.get(0).text()));
            assertTrue(zoo.candidates.get("huge").floodBytesSent() < 64L << 20, "read little of the flood");
            assertEquals(2, RewardDatasetReader.read(zoo.paths().dataset()).size());
            assertEquals(1, Files.readAllLines(zoo.paths().failures()).size());
        }
    }
}
