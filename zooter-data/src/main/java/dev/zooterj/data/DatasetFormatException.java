package dev.zooterj.data;

import java.nio.file.Path;

/**
 * Bad input in a dataset file. The message names the file, the 1-based line, the field and what was
 * expected, e.g. {@code data.jsonl:17: field 'rewards.gpt-4': expected a finite number, got NaN}.
 */
public class DatasetFormatException extends RuntimeException {
    private final transient Path file;
    private final long line;
    private final String field;
    private final String problem;

    public DatasetFormatException(Path file, long line, String field, String problem) {
        super(format(file, line, field, problem));
        this.file = file;
        this.line = line;
        this.field = field;
        this.problem = problem;
    }

    private static String format(Path file, long line, String field, String problem) {
        StringBuilder sb = new StringBuilder(String.valueOf(file));
        if (line > 0) {
            sb.append(':').append(line);
        }
        sb.append(": ");
        if (field != null) {
            sb.append("field '").append(field).append("': ");
        }
        return sb.append(problem).toString();
    }

    public Path file() {
        return file;
    }

    /** 1-based line number, or 0 when the problem is not on one line. */
    public long line() {
        return line;
    }

    /** The field at fault (dotted path such as {@code rewards.gpt-4}), or null. */
    public String field() {
        return field;
    }

    /** What was wrong and what was expected, without the location. */
    public String problem() {
        return problem;
    }

    /** The kind of problem, for counting skipped rows: the field's top-level name and the problem class. */
    public String reason() {
        if (problem.startsWith("malformed JSON")) {
            return "malformed JSON";
        }
        String f = field == null ? "line" : field.contains(".") ? field.substring(0, field.indexOf('.')) : field;
        String p = problem.replaceAll("'[^']*'", "'…'").replaceAll("-?\\d+(\\.\\d+)?", "N");
        return f + ": " + p;
    }
}
