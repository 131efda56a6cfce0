package dev.zooterj.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A report as a sequence of plain blocks (headings, paragraphs, tables, code, figures), so that the Markdown and
 * the HTML report are two renderings of the same content. Text is plain: each renderer escapes it.
 */
record ReportDocument(String title, List<Block> blocks) {
    private static final Pattern NUMERIC = Pattern.compile("[-+−]?(\\d[\\d.,]*|\\.\\d+)( ?%)?|" + Numbers.MISSING + "|");

    ReportDocument {
        blocks = List.copyOf(blocks);
    }

    sealed interface Block permits Heading, Paragraph, Warning, Table, Code, Figure {
    }

    /** A section heading; level 2 is a section, 3 a subsection (the title is level 1). */
    record Heading(int level, String text) implements Block {
    }

    record Paragraph(String text) implements Block {
    }

    /** A line that must not be overlooked: {@code lead} is shown bold before {@code text}. */
    record Warning(String lead, String text) implements Block {
    }

    /** A table; {@code caption} (may be empty) is a short note shown under it. */
    record Table(List<String> header, List<List<String>> rows, String caption) implements Block {
        Table {
            header = List.copyOf(header);
            rows = rows.stream().map(List::copyOf).toList();
            for (List<String> row : rows) {
                if (row.size() != header.size()) {
                    throw new IllegalArgumentException("table row " + row + " has " + row.size() + " cells for "
                            + header.size() + " columns " + header);
                }
            }
        }

        /** A column is right-aligned when every cell in it is a number, a percentage or missing. */
        boolean numeric(int column) {
            return !rows.isEmpty() && rows.stream().allMatch(r -> NUMERIC.matcher(r.get(column).trim()).matches());
        }
    }

    /** A shell command or other text shown verbatim. */
    record Code(String text) implements Block {
    }

    /** An image file next to the report, by relative name, with a short alternative text and its caption. */
    record Figure(String file, String alt, String caption) implements Block {
    }

    /** Collects blocks in reading order. */
    static final class Builder {
        private final String title;
        private final List<Block> blocks = new ArrayList<>();

        Builder(String title) {
            this.title = title;
        }

        Builder section(String text) {
            blocks.add(new Heading(2, text));
            return this;
        }

        Builder paragraph(String text) {
            blocks.add(new Paragraph(text));
            return this;
        }

        Builder warning(String lead, String text) {
            blocks.add(new Warning(lead, text));
            return this;
        }

        Builder table(List<String> header, List<List<String>> rows, String caption) {
            blocks.add(new Table(header, rows, caption));
            return this;
        }

        Builder code(String text) {
            blocks.add(new Code(text));
            return this;
        }

        Builder figure(String file, String alt, String caption) {
            blocks.add(new Figure(file, alt, caption));
            return this;
        }

        ReportDocument build() {
            return new ReportDocument(title, blocks);
        }
    }
}
