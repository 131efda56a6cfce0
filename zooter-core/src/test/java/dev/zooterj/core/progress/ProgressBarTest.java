package dev.zooterj.core.progress;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
                bar.step(1);
            }
        }
        // non-interactive output prints one line per decile reached, not one per step
        long lines = buf.toString(StandardCharsets.UTF_8).lines().count();
        assertEquals(9, lines, buf.toString(StandardCharsets.UTF_8));
    }

    @Test
    void formatsDurations() {
        assertEquals("0m05s", ProgressBar.duration(5));
        assertEquals("2h03m", ProgressBar.duration(2 * 3600 + 3 * 60 + 10));
    }
}
