package dev.zooterj.core.progress;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line text progress bar with rate and ETA, redrawn in place with {@code \r} on a terminal and otherwise
 * printed at each further 10% at most once a second, and at the end (so logs and CI output stay readable). Not
 * thread-safe: one owner advances it.
 */
public final class ProgressBar implements AutoCloseable {
    private static final int WIDTH = 30;

    private final PrintStream out;
    private final String label;
    private final long total;
    private final String unit;
    private final boolean interactive;
    private final LongSupplier clock;
    private final long start;
    private long done;
    private long lastDraw;
    private int lastDecile = -1;
    private String suffix = "";

    public ProgressBar(PrintStream out, String label, long total, String unit) {
        this(out, label, total, unit, System.console() != null, System::nanoTime);
    }

    public ProgressBar(PrintStream out, String label, long total, String unit, boolean interactive, LongSupplier nanoClock) {
        this.out = out;
        this.label = label;
        this.total = Math.max(1, total);
        this.unit = unit;
        this.interactive = interactive;
        this.clock = nanoClock;
        this.start = nanoClock.getAsLong();
    }

    /** Text shown after the bar, e.g. the current loss. */
    public void setSuffix(String suffix) {
        this.suffix = suffix == null ? "" : suffix;
    }

    public void step(long n) {
        done = Math.min(total, done + n);
        long now = clock.getAsLong();
        int decile = (int) (10 * done / total);
        boolean draw = interactive ? now - lastDraw > 100_000_000L || done == total
                : decile != lastDecile && (done == total || lastDecile < 0 || now - lastDraw >= 1_000_000_000L);
        if (draw) {
            lastDraw = now;
            lastDecile = decile;
            out.print((interactive ? "\r" : "") + render(now) + (interactive ? "" : "\n"));
            out.flush();
        }
    }

    /** The line as it would be drawn now. */
    public String render(long nowNanos) {
        double seconds = (nowNanos - start) / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        int filled = (int) (WIDTH * done / total);
        String eta = rate > 0 ? duration((total - done) / rate) : "?";
        return String.format(Locale.ROOT, "%s [%s%s] %d/%d %s, %.1f %s/s, %s, ETA %s%s", label, "=".repeat(filled),
                " ".repeat(WIDTH - filled), done, total, unit, rate, unit, duration(seconds), eta,
                suffix.isEmpty() ? "" : " | " + suffix);
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }

    @Override
    public void close() {
        if (interactive) {
            out.println();
        }
        out.flush();
    }
}
