package dev.zooterj.data.tags;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LongHashSetProperties {
    /** Small values (many repeats, 0 among them), extremes, and keys equal in their low bits. */
    @Provide
    Arbitrary<List<Long>> keys() {
        Arbitrary<Long> key = Arbitraries.oneOf(
                Arbitraries.longs().between(-50, 50),
                Arbitraries.of(0L, Long.MIN_VALUE, Long.MAX_VALUE, -1L),
                Arbitraries.longs().between(0, 1000).map(k -> k << 40),
                Arbitraries.longs());
        return key.list().ofMaxSize(1000);
    }

    @Property(tries = 100)
    void behavesLikeAHashSetOfLongs(@ForAll("keys") List<Long> added, @ForAll("keys") List<Long> probes) {
        LongHashSet set = new LongHashSet(1); // starts small, so every run grows it
        Set<Long> expected = new HashSet<>();
        for (long k : added) {
            assertEquals(expected.add(k), set.add(k), "add " + k);
        }
        assertEquals(expected.size(), set.size());
        for (long k : added) {
            assertTrue(set.contains(k), "contains " + k);
        }
        for (long k : probes) {
            assertEquals(expected.contains(k), set.contains(k), "probe " + k);
        }
    }

    @Example
    void zeroIsAnOrdinaryKey() {
        LongHashSet set = new LongHashSet(4);
        assertFalse(set.contains(0));
        assertTrue(set.add(0));
        assertFalse(set.add(0));
        assertTrue(set.contains(0));
        assertEquals(1, set.size());
    }

    @Property(tries = 50)
    void mixIsABijectionOnTheSampledKeys(@ForAll("keys") List<Long> keys) {
        Set<Long> distinct = new HashSet<>(keys);
        Set<Long> mixed = new HashSet<>();
        for (long k : distinct) {
            mixed.add(LongHashSet.mix(k));
        }
        assertEquals(distinct.size(), mixed.size());
    }
}
