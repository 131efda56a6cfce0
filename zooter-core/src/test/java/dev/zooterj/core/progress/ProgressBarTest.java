package dev.zooterj.core.progress;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressBarTest {
    @Test
    void showsRateAndEtaFromAFakeClock() {
        AtomicLong now = new AtomicLong(0);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (ProgressBar bar = new ProgressBar(new PrintStream(buf, true, StandardCharsets.UTF_8), "train", 100, "ex",
                false, now::get)) {
            now.set(10_000_000_000L); // 10 s
            bar.step(25);
            String line = bar.render(now.get());
            assertTrue(line.contains("25/100 ex"), line);
            assertTrue(line.contains("2.5 ex/s"), line);
            assertTrue(line.contains("ETA 0m30s"), line);
            for (int i = 0; i < 75; i++) {
                now.addAndGet(1_000_000_000L);
                bar.step(1);
            }
        }
        // non-interactive output prints one line per decile reached, not one per step
        long lines = buf.toString(StandardCharsets.UTF_8).lines().count();
        assertEquals(9, lines, buf.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aFastNonInteractiveBarPrintsOnlyItsFirstAndLastLine() {
        AtomicLong now = new AtomicLong(0);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (ProgressBar bar = new ProgressBar(new PrintStream(buf, true, StandardCharsets.UTF_8), "epoch", 10, "steps",
                false, now::get)) {
            for (int i = 0; i < 10; i++) {
                now.addAndGet(10_000_000L); // 10 ms a step: deciles come faster than once a second
                bar.step(1);
            }
        }
        List<String> lines = buf.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains(" 1/10 "), lines.get(0));
        assertTrue(lines.get(1).contains(" 10/10 "), lines.get(1));
    }

    @Test
    void formatsDurations() {
        assertEquals("0m05s", ProgressBar.duration(5));
        assertEquals("2h03m", ProgressBar.duration(2 * 3600 + 3 * 60 + 10));
    }
}
