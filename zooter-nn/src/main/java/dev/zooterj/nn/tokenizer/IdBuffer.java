package dev.zooterj.nn.tokenizer;

import java.util.Arrays;

/**
 * A growable list of token ids with a soft limit. Ids may be appended past the limit (a word's pieces are added
 * whole, then possibly rolled back to {@code [UNK]}); {@link #toArray()} keeps only the first {@code limit}, which is
 * exactly how Hugging Face truncation cuts a sequence, mid-word included.
 */
final class IdBuffer {
    private final int limit;
    private int[] ids;
    private int size;

    IdBuffer(int limit) {
        this.limit = limit;
        this.ids = new int[Math.min(Math.max(limit, 1), 64)];
    }

    void add(int id) {
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, Math.max(8, size * 2));
        }
        ids[size++] = id;
    }

    int size() {
        return size;
    }

    /** Drops everything after the first {@code newSize} ids. */
    void truncate(int newSize) {
        size = Math.min(size, newSize);
    }

    boolean isFull() {
        return size >= limit;
    }

    int[] toArray() {
        return Arrays.copyOf(ids, Math.min(size, limit));
    }
}
