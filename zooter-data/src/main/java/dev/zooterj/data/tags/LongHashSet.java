package dev.zooterj.data.tags;

/**
 * A set of primitive {@code long}s: open addressing with linear probing in one {@code long[]}, kept at most half
 * full. It holds the hashed n-grams of the evaluation queries, where a {@code HashSet<Long>} would box millions of
 * keys. Slot value 0 marks an empty slot, so the key 0 itself is tracked by a flag.
 */
final class LongHashSet {
    private static final int MIN_CAPACITY = 16;
    private static final int MAX_CAPACITY = 1 << 30;

    private long[] slots;
    private int mask;
    private int size;
    private boolean containsZero;

    /** An empty set sized so that {@code expected} keys fit without growing. */
    LongHashSet(int expected) {
        if (expected < 0 || expected > MAX_CAPACITY / 2) {
            throw new IllegalArgumentException("expected size must be in [0, " + MAX_CAPACITY / 2 + "], got " + expected);
        }
        int capacity = MIN_CAPACITY;
        while (capacity < 2L * expected) {
            capacity <<= 1;
        }
        slots = new long[capacity];
        mask = capacity - 1;
    }

    /** Adds the key; returns true when it was not there before. */
    boolean add(long key) {
        if (key == 0) {
            boolean added = !containsZero;
            containsZero = true;
            size += added ? 1 : 0;
            return added;
        }
        int i = slot(key);
        while (slots[i] != 0) {
            if (slots[i] == key) {
                return false;
            }
            i = (i + 1) & mask;
        }
        slots[i] = key;
        size++;
        if (2 * size > slots.length) {
            if (slots.length == MAX_CAPACITY) {
                throw new IllegalStateException("long set full: " + size + " keys");
            }
            grow();
        }
        return true;
    }

    boolean contains(long key) {
        if (key == 0) {
            return containsZero;
        }
        int i = slot(key);
        while (slots[i] != 0) {
            if (slots[i] == key) {
                return true;
            }
            i = (i + 1) & mask;
        }
        return false;
    }

    int size() {
        return size;
    }

    private int slot(long key) {
        return (int) mix(key) & mask;
    }

    /**
     * MurmurHash3's 64-bit finaliser: a bijection on {@code long} whose every output bit depends on every input bit.
     * Slots are chosen from mixed keys so that keys with regular low bits still spread; the n-gram hashes are
     * built from it too.
     */
    static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length << 1];
        mask = slots.length - 1;
        for (long key : old) {
            if (key != 0) {
                int i = slot(key);
                while (slots[i] != 0) {
                    i = (i + 1) & mask;
                }
                slots[i] = key;
            }
        }
    }
}
