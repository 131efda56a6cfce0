package dev.zooterj.bench.report;

import java.math.BigDecimal;
import java.util.Locale;

/** How the reports print numbers: never "NaN", three significant digits whatever the metric's scale. */
final class Numbers {
    /** What a missing or non-finite number prints as. */
    static final String MISSING = "n/a";

    private Numbers() {
    }

    /** Three significant digits for 0–1 win rates, 1–10 judge scores and 0–100 accuracies alike. */
    static String score(double v) {
        if (!Double.isFinite(v)) {
            return MISSING;
        }
        double a = Math.abs(v);
        String pattern = a >= 100 ? "%.1f" : a >= 10 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, pattern, v);
    }

    static String fixed(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : MISSING;
    }

    /** A share in [0, 1] as a percentage with one decimal. */
    static String percent(double share) {
        return Double.isFinite(100 * share) ? String.format(Locale.ROOT, "%.1f%%", 100 * share) : MISSING;
    }

    /** The shortest exact decimal: 0, 0.1, 0.25, 1 (settings such as β). */
    static String plain(double v) {
        return Double.isFinite(v) ? BigDecimal.valueOf(v).stripTrailingZeros().toPlainString() : MISSING;
    }

    /** Whole numbers without decimals (generations per query are usually 1 or N). */
    static String compact(double v) {
        if (!Double.isFinite(v)) {
            return MISSING;
        }
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
