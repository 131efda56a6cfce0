package dev.zooterj.bench;

import java.util.List;
import java.util.Locale;

/** The paper's Table 1 as text: methods × groups (average and MTR), then All MTR and %Uplift. */
public final class ResultTable {
    private ResultTable() {
    }

    public static String format(List<String> groups, List<MethodResult> results) {
        int nameWidth = Math.max(12, results.stream().mapToInt(r -> label(r).length()).max().orElse(0));
        StringBuilder sb = new StringBuilder();
        StringBuilder head1 = new StringBuilder(pad("", nameWidth));
        StringBuilder head2 = new StringBuilder(pad("method", nameWidth));
        for (String g : groups) {
            head1.append(" | ").append(center(g, 15));
            head2.append(" | ").append(String.format(Locale.ROOT, "%7s %7s", "avg", "MTR"));
        }
        head1.append(" | ").append(center("All", 15)).append(" | ").append(center("gen/q", 5));
        head2.append(" | ").append(String.format(Locale.ROOT, "%7s %7s", "MTR", "%Upl")).append(" | ").append(center("", 5));
        sb.append(head1).append('\n').append(head2).append('\n');
        sb.append("-".repeat(head2.length())).append('\n');
        for (MethodResult r : results) {
            sb.append(pad(label(r), nameWidth));
            for (String g : groups) {
                MethodResult.GroupResult gr = r.groups().get(g);
                sb.append(" | ").append(gr == null ? pad("", 15)
                        : String.format(Locale.ROOT, "%7s %7.2f", number(gr.average()), gr.mtr()));
            }
            sb.append(" | ").append(String.format(Locale.ROOT, "%7.2f %7.2f", r.mtr(), r.uplift()))
                    .append(" | ").append(String.format(Locale.ROOT, "%5s", trim(r.generationsPerQuery())))
                    .append('\n');
        }
        return sb.toString();
    }

    private static String label(MethodResult r) {
        return r.candidate() != null && !r.candidate().equals(r.method()) ? r.method() + " (" + r.candidate() + ")" : r.method();
    }

    /** Three significant digits whatever the scale (0–1 win rates, 0–10 judge scores, 0–100 accuracies). */
    static String number(double v) {
        double a = Math.abs(v);
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String pad(String s, int w) {
        return s.length() >= w ? s : s + " ".repeat(w - s.length());
    }

    private static String center(String s, int w) {
        if (s.length() >= w) {
            return s.substring(0, w);
        }
        int left = (w - s.length()) / 2;
        return " ".repeat(left) + s + " ".repeat(w - s.length() - left);
    }
}
