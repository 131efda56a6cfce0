package dev.zooterj.spark;

import dev.zooterj.data.QueryReader;

import java.io.Serializable;
import java.nio.file.Path;

/**
 * A query with its 0-based position in the input.
 *
 * @param index position among the input's queries (its non-blank lines)
 * @param id    the row's id
 * @param text  what is routed or embedded: {@code query} (or {@code instruction}, or the first user turn of {@code messages})
 */
public record IndexedQuery(long index, String id, String text) implements Serializable {
    /** Parses a line as {@code zooter route} does, failing with the file, line and field at fault. */
    public static IndexedQuery of(Lines.Line l) {
        QueryReader.Query q = QueryReader.parse(Path.of(l.file()), l.line(), l.text());
        return new IndexedQuery(l.index(), q.id(), q.text());
    }
}
