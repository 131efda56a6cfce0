package dev.zooterj.bench.report;

import java.util.List;

/** Renders a {@link ReportDocument} as GitHub-flavoured Markdown. */
final class MarkdownFormat {
    private MarkdownFormat() {
    }

    static String render(ReportDocument doc) {
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(line(doc.title())).append("\n\n");
        for (ReportDocument.Block block : doc.blocks()) {
            block(sb, block);
            sb.append("\n\n");
        }
        return sb.toString().stripTrailing() + "\n";
    }

    private static void block(StringBuilder sb, ReportDocument.Block block) {
        if (block instanceof ReportDocument.Heading h) {
            sb.append("#".repeat(h.level())).append(' ').append(line(h.text()));
        } else if (block instanceof ReportDocument.Paragraph p) {
            sb.append(p.text().strip());
        } else if (block instanceof ReportDocument.Warning w) {
            sb.append("> **").append(line(w.lead())).append("** ").append(line(w.text()));
        } else if (block instanceof ReportDocument.Table t) {
            table(sb, t);
        } else if (block instanceof ReportDocument.Code c) {
            String fence = fence(c.text());
            sb.append(fence).append("sh\n").append(c.text().strip()).append('\n').append(fence);
        } else if (block instanceof ReportDocument.Figure f) {
            sb.append("![").append(line(f.alt())).append("](").append(f.file()).append(")\n\n*")
                    .append(line(f.caption())).append('*');
        }
    }

    private static void table(StringBuilder sb, ReportDocument.Table t) {
        row(sb, t.header());
        sb.append('|');
        for (int c = 0; c < t.header().size(); c++) {
            sb.append(t.numeric(c) ? " ---: |" : " --- |");
        }
        sb.append('\n');
        t.rows().forEach(r -> row(sb, r));
        if (!t.caption().isBlank()) {
            sb.append('\n').append(t.caption().strip()).append('\n');
        }
        sb.setLength(sb.length() - 1);
    }

    private static void row(StringBuilder sb, List<String> cells) {
        sb.append('|');
        for (String cell : cells) {
            sb.append(' ').append(line(cell).replace("|", "\\|")).append(" |");
        }
        sb.append('\n');
    }

    /** Text that must stay on one line (a heading, a table cell). */
    private static String line(String text) {
        return text.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /** A code fence longer than any run of backticks inside the text. */
    private static String fence(String text) {
        int longest = 0;
        int run = 0;
        for (char ch : text.toCharArray()) {
            run = ch == '`' ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        return "`".repeat(Math.max(3, longest + 1));
    }
}
