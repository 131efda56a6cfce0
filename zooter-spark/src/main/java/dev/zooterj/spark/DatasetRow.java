package dev.zooterj.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zooterj.data.DatasetFormatException;
import dev.zooterj.data.QueryReader;

import java.io.Serializable;
import java.nio.file.Path;

/**
 * A row of a dataset JSONL file as the tags and decontaminate jobs need it: the query as {@code zooter route} reads it,
 * the split, and the line itself, which the jobs write back (decontaminate unchanged, tags with its tags filled in).
 */
public record DatasetRow(long index, String id, String text, String split, String line) implements Serializable {
    /** Parses a line, failing with the file, line and field at fault. */
    public static DatasetRow of(Lines.Line l) {
        QueryReader.Query q = QueryReader.parse(Path.of(l.file()), l.line(), l.text());
        JsonNode split = object(l).get("split");
        if (split != null && !split.isNull() && !split.isTextual()) {
            throw new DatasetFormatException(Path.of(l.file()), l.line(), "split", "expected a string, got " + split.getNodeType().name().toLowerCase());
        }
        return new DatasetRow(l.index(), q.id(), q.text(), split == null || split.isNull() ? null : split.textValue(), l.text());
    }

    static ObjectNode object(Lines.Line l) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(l.text());
        } catch (java.io.IOException e) {
            throw new DatasetFormatException(Path.of(l.file()), l.line(), null, "malformed JSON: " + e.getMessage());
        }
    }

    /** The row's JSON object. */
    public ObjectNode json() {
        try {
            return (ObjectNode) Json.MAPPER.readTree(line);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
