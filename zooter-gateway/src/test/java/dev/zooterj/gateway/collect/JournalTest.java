package dev.zooterj.gateway.collect;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalTest {
    @TempDir
    Path dir;

    private static final Journal.Header HEADER = new Journal.Header(Journal.VERSION, "fp", 2,
            Map.of("a", "model-a"), "judge x", null, "temperature=0.7,max_tokens=2048");

    private static Journal.Answer answer(String id, String text) {
        return new Journal.Answer(id, "h" + id, "a", "model-a", "gen", text, "stop", 3, 5, 12, 1);
    }

    private record Seen(Journal.Entry entry, long offset) {
    }

    private Journal open(Path file, Journal.Header h, boolean reuse, List<Seen> seen) throws IOException {
        return Journal.open(file, h, reuse, (e, at) -> seen.add(new Seen(e, at)));
    }

    @Test
    void replaysEntriesWithTheirOffsetsAndReadsAnswersBack() throws Exception {
        Path f = dir.resolve("j.jsonl");
        long second;
        try (Journal j = open(f, HEADER, false, new ArrayList<>())) {
            assertTrue(j.replay().created());
            j.append(answer("q1", "first \"quoted\"\nanswer"));
            j.append(new Journal.Reward("q1", "a", "abc", "judge x", 7.5, "[[7.5]]"));
            second = j.append(answer("q2", "ünïcödé ".repeat(3000)));
            j.append(new Journal.Tags("q2", "hq2", "tagger t", List.of("sql", "coding")));
        }
        List<Seen> seen = new ArrayList<>();
        try (Journal j = open(f, HEADER, false, seen)) {
            assertEquals(4, j.replay().entries());
            assertEquals(0, j.replay().tornLines());
            assertEquals(answer("q1", "first \"quoted\"\nanswer"), seen.get(0).entry());
            assertEquals(7.5, ((Journal.Reward) seen.get(1).entry()).reward());
            assertEquals(List.of("sql", "coding"), ((Journal.Tags) seen.get(3).entry()).tags());
            assertEquals(second, seen.get(2).offset());
            try (Journal.AnswerReader r = j.answers()) {
                assertEquals("ünïcödé ".repeat(3000), r.at(second).answer());
                assertEquals("q1", r.at(seen.get(0).offset()).id());
            }
        }
        assertEquals(5, Files.readAllLines(f).size(), "a header and four entries, one per line");
    }

    @Test
    void aTornLastLineIsDroppedCountedAndOverwritten() throws Exception {
        Path f = dir.resolve("j.jsonl");
        try (Journal j = open(f, HEADER, false, new ArrayList<>())) {
            j.append(answer("q1", "one"));
            j.append(answer("q2", "two"));
        }
        byte[] all = Files.readAllBytes(f);
        String text = new String(all, StandardCharsets.UTF_8);
        int lastStart = text.lastIndexOf('\n', text.length() - 2) + 1;
        Files.write(f, java.util.Arrays.copyOf(all, lastStart + (all.length - lastStart) / 2)); // a crash mid-write
        List<Seen> seen = new ArrayList<>();
        try (Journal j = open(f, HEADER, false, seen)) {
            assertEquals(1, j.replay().tornLines());
            assertEquals(1, j.replay().entries());
            j.append(answer("q3", "three"));
        }
        seen.clear();
        try (Journal j = open(f, HEADER, false, seen)) {
            assertEquals(0, j.replay().tornLines());
            assertEquals(List.of("q1", "q3"), seen.stream().map(s -> ((Journal.Answer) s.entry()).id()).toList());
        }
    }

    @Test
    void aCompleteLastEntryWithoutItsNewlineIsKept() throws Exception {
        Path f = dir.resolve("j.jsonl");
        try (Journal j = open(f, HEADER, false, new ArrayList<>())) {
            j.append(answer("q1", "one"));
        }
        byte[] all = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(all, all.length - 1));
        try (Journal j = open(f, HEADER, false, new ArrayList<>())) {
            assertEquals(0, j.replay().tornLines());
            j.append(answer("q2", "two"));
        }
        List<Seen> seen = new ArrayList<>();
        try (Journal j = open(f, HEADER, false, seen)) {
            assertEquals(2, seen.size());
        }
    }

    @Test
    void aBadLineBeforeTheEndIsCorruptionNamedByLine() throws Exception {
        Path f = dir.resolve("j.jsonl");
        try (Journal j = open(f, HEADER, false, new ArrayList<>())) {
            j.append(answer("q1", "one"));
            j.append(answer("q2", "two"));
        }
        List<String> lines = new ArrayList<>(Files.readAllLines(f));
        lines.set(1, "{\"type\": \"answer\", \"id\": ");
        Files.write(f, lines);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> open(f, HEADER, false, new ArrayList<>()));
        assertTrue(e.getMessage().startsWith(f + ":2: not a journal entry"), e.getMessage());
    }

    @Test
    void aJournalForOtherSettingsIsRefusedUnlessReused() throws Exception {
        Path f = dir.resolve("j.jsonl");
        try (Journal j = open(f, HEADER, false, new ArrayList<>())) {
            j.append(answer("q1", "one"));
        }
        Journal.Header other = new Journal.Header(Journal.VERSION, "fp2", 3, Map.of("a", "model-a2", "b", "model-b"),
                "judge x", "tagger t", "temperature=0.7,max_tokens=2048");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> open(f, other, false, new ArrayList<>()));
        for (String part : List.of("the queries differ (journal: 2 queries, now 3)", "backend 'a' was model model-a, now model-a2",
                "backend 'b' is new", "tagger was none, now tagger t", "--reuse-journal")) {
            assertTrue(e.getMessage().contains(part), part + " in " + e.getMessage());
        }
        List<Seen> seen = new ArrayList<>();
        try (Journal j = open(f, other, true, seen)) {
            assertEquals(1, seen.size(), "reuse replays the old entries; the caller decides what still matches");
            assertEquals(4, j.replay().differences().size(), j.replay().differences().toString());
        }
        try (Journal j = open(f, other, false, new ArrayList<>())) {
            assertTrue(j.replay().differences().isEmpty(), "the appended header is the journal's settings now");
        }
    }

    @Test
    void oneRunAtATime() throws Exception {
        Path f = dir.resolve("j.jsonl");
        try (Journal j = open(f, HEADER, false, new ArrayList<>())) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> open(f, HEADER, false, new ArrayList<>()));
            assertTrue(e.getMessage().contains("in use by another collect run"), e.getMessage());
        }
        try (Journal j = open(f, HEADER, false, new ArrayList<>())) {
            assertEquals(0, j.replay().entries(), "the lock is released on close");
        }
    }

    @Test
    void appendsRacingACloseNeverHang() {
        String text = "x".repeat(50_000); // a slow enough serialization to land appends right on the close
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            for (int round = 0; round < 40; round++) {
                Path f = dir.resolve("race-" + round + ".jsonl");
                Journal j = open(f, HEADER, false, new ArrayList<>());
                ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
                    Thread t = new Thread(r, "appender");
                    t.setDaemon(true);
                    return t;
                });
                CountDownLatch go = new CountDownLatch(1);
                AtomicInteger written = new AtomicInteger();
                List<Future<?>> appenders = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int tt = t;
                    appenders.add(pool.submit(() -> {
                        go.await();
                        for (int i = 0; ; i++) {
                            try {
                                j.append(answer("t" + tt + "-" + i, text));
                                written.incrementAndGet();
                            } catch (IOException e) {
                                assertTrue(e.getMessage().contains("closed"), e.getMessage());
                                return null;
                            }
                        }
                    }));
                }
                go.countDown();
                long until = System.nanoTime() + (round % 8) * 50_000L;
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                j.close();
                for (Future<?> a : appenders) {
                    a.get(); // before the fix, an append that slipped in after the close waited here forever
                }
                pool.shutdown();
                List<Seen> seen = new ArrayList<>();
                try (Journal again = open(f, HEADER, false, seen)) {
                    assertEquals(written.get(), seen.size(), "every append that returned is on disk, and only those");
                }
            }
        });
    }
}
