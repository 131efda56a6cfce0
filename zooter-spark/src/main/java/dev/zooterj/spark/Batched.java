package dev.zooterj.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;

/** Maps an iterator a batch at a time, lazily, so a partition is never held whole. */
final class Batched<I, O> implements Iterator<O> {
    private final Iterator<I> in;
    private final int size;
    private final Function<List<I>, List<O>> map;
    private List<O> buffer = List.of();
    private int next;

    Batched(Iterator<I> in, int size, Function<List<I>, List<O>> map) {
        this.in = in;
        this.size = size;
        this.map = map;
    }

    @Override
    public boolean hasNext() {
        while (next >= buffer.size()) {
            if (!in.hasNext()) {
                return false;
            }
            List<I> batch = new ArrayList<>(size);
            while (in.hasNext() && batch.size() < size) {
                batch.add(in.next());
            }
            buffer = map.apply(batch);
            next = 0;
        }
        return true;
    }

    @Override
    public O next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return buffer.get(next++);
    }
}
