package dev.zooterj.bench.report;

/**
 * Renders a {@link ReportDocument} as one self-contained HTML page: CSS inline, no scripts, images by relative
 * file name (they sit next to the page).
 */
final class HtmlFormat {
    private static final String CSS = """
            body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
                   max-width: 1080px; margin: 2em auto; padding: 0 1.2em; color: #222; line-height: 1.45; }
            h1 { font-size: 1.7em; margin-bottom: .4em; }
            h2 { font-size: 1.3em; margin-top: 1.8em; border-bottom: 1px solid #ddd; padding-bottom: .2em; }
            h3 { font-size: 1.1em; }
            .warning { background: #fdecea; border: 2px solid #d93025; color: #8a1c12; padding: .7em 1em;
                       border-radius: 4px; font-size: 1.1em; }
            .table-wrap { overflow-x: auto; }
            table { border-collapse: collapse; margin: .6em 0; font-size: .92em; }
            th, td { border: 1px solid #d0d0d0; padding: .25em .6em; vertical-align: top; }
            th { background: #f0f2f5; text-align: left; }
            tbody tr:nth-child(even) { background: #fafafa; }
            td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
            .caption { color: #555; font-size: .9em; margin-top: .2em; }
            pre { background: #f6f8fa; border: 1px solid #ddd; padding: .8em; overflow-x: auto;
                  white-space: pre-wrap; word-break: break-all; }
            figure { margin: 1em 0; }
            figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
            figcaption { color: #555; font-size: .9em; }
            """;

    private HtmlFormat() {
    }

    static String render(ReportDocument doc) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(escape(doc.title())).append("</title>\n<style>\n").append(CSS)
                .append("</style>\n</head>\n<body>\n<h1>").append(escape(doc.title())).append("</h1>\n");
        for (ReportDocument.Block block : doc.blocks()) {
            block(sb, block);
        }
        return sb.append("</body>\n</html>\n").toString();
    }

    private static void block(StringBuilder sb, ReportDocument.Block block) {
        if (block instanceof ReportDocument.Heading h) {
            sb.append("<h").append(h.level()).append('>').append(escape(h.text())).append("</h").append(h.level()).append(">\n");
        } else if (block instanceof ReportDocument.Paragraph p) {
            sb.append("<p>").append(escape(p.text().strip())).append("</p>\n");
        } else if (block instanceof ReportDocument.Warning w) {
            sb.append("<p class=\"warning\"><strong>").append(escape(w.lead())).append("</strong> ")
                    .append(escape(w.text())).append("</p>\n");
        } else if (block instanceof ReportDocument.Table t) {
            table(sb, t);
        } else if (block instanceof ReportDocument.Code c) {
            sb.append("<pre><code>").append(escape(c.text().strip())).append("</code></pre>\n");
        } else if (block instanceof ReportDocument.Figure f) {
            sb.append("<figure><img src=\"").append(escape(f.file())).append("\" alt=\"").append(escape(f.alt()))
                    .append("\"><figcaption>").append(escape(f.caption())).append("</figcaption></figure>\n");
        }
    }

    private static void table(StringBuilder sb, ReportDocument.Table t) {
        String[] cellClass = new String[t.header().size()];
        for (int c = 0; c < cellClass.length; c++) {
            cellClass[c] = t.numeric(c) ? " class=\"num\"" : "";
        }
        sb.append("<div class=\"table-wrap\"><table>\n<thead><tr>");
        for (int c = 0; c < cellClass.length; c++) {
            sb.append("<th").append(cellClass[c]).append('>').append(escape(t.header().get(c))).append("</th>");
        }
        sb.append("</tr></thead>\n<tbody>\n");
        for (var row : t.rows()) {
            sb.append("<tr>");
            for (int c = 0; c < row.size(); c++) {
                sb.append("<td").append(cellClass[c]).append('>').append(escape(row.get(c))).append("</td>");
            }
            sb.append("</tr>\n");
        }
        sb.append("</tbody></table></div>\n");
        if (!t.caption().isBlank()) {
            sb.append("<p class=\"caption\">").append(escape(t.caption().strip())).append("</p>\n");
        }
    }

    static String escape(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (char ch : text.toCharArray()) {
            switch (ch) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(ch);
            }
        }
        return sb.toString();
    }
}
