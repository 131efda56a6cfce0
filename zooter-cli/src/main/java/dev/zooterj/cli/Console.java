package dev.zooterj.cli;

import java.util.Locale;

/** Small formatting helpers shared by the commands' text output. */
final class Console {
    private Console() {
    }

    static String f(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    static String pct(double share) {
        return String.format(Locale.ROOT, "%5.1f%%", 100 * share);
    }

    static String bar(double share, int width) {
        int n = (int) Math.round(share * width);
        return "#".repeat(Math.max(0, Math.min(width, n)));
    }

    static String pad(String s, int w) {
        return s.length() >= w ? s : s + " ".repeat(w - s.length());
    }
}
