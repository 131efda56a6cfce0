package dev.zooterj.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a read or an import kept and skipped, so that nothing is dropped silently. */
public final class ReadReport {
    private static final int EXAMPLES_KEPT = 5;

    private final Path file;
    private long rowsRead;
    private long rowsKept;
    private long blankLines;
    private final Map<String, Long> skippedByReason = new LinkedHashMap<>();
    private final List<String> examples = new ArrayList<>();

    public ReadReport(Path file) {
        this.file = file;
    }

    /** One more non-blank row seen. */
    public void rowRead() {
        rowsRead++;
    }

    /** One more row kept. */
    public void rowKept() {
        rowsKept++;
    }

    void blankLine() {
        blankLines++;
    }

    /** Records a skipped row (lenient mode). */
    public void skipped(DatasetFormatException e) {
        skippedByReason.merge(e.reason(), 1L, Long::sum);
        if (examples.size() < EXAMPLES_KEPT) {
            examples.add(e.getMessage());
        }
    }

    public Path file() {
        return file;
    }

    public long rowsRead() {
        return rowsRead;
    }

    public long rowsKept() {
        return rowsKept;
    }

    public long rowsSkipped() {
        return skippedByReason.values().stream().mapToLong(Long::longValue).sum();
    }

    public long blankLines() {
        return blankLines;
    }

    public Map<String, Long> skippedByReason() {
        return Collections.unmodifiableMap(skippedByReason);
    }

    /** The first few skipped rows' full messages (file:line: field: problem). */
    public List<String> examples() {
        return Collections.unmodifiableList(examples);
    }

    /** A short human summary: kept/skipped counts and, per reason, how many rows. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(file).append(": kept ").append(rowsKept).append(" of ").append(rowsRead).append(" rows");
        if (rowsSkipped() > 0) {
            sb.append(", skipped ").append(rowsSkipped()).append(':');
            skippedByReason.forEach((reason, n) -> sb.append("\n  ").append(n).append(" × ").append(reason));
            sb.append("\n  first skipped rows:");
            examples.forEach(e -> sb.append("\n    ").append(e));
        }
        return sb.toString();
    }
}
