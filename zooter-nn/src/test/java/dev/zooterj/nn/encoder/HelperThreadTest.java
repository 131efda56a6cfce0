package dev.zooterj.nn.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** {@link HelperThread#both}: both halves run exactly once, failures reach the caller, concurrent callers are safe. */
class HelperThreadTest {

    @Test
    void bothHalvesRunOnceAndTheHelperIsOnWhereTwoCoresAre() {
        if (System.getProperty(HelperThread.PROPERTY) == null) {
            assertEquals(Math.min(2, Runtime.getRuntime().availableProcessors()), HelperThread.threads());
        }
        AtomicInteger first = new AtomicInteger();
        AtomicInteger second = new AtomicInteger();
        for (int i = 0; i < 1000; i++) {
            HelperThread.both(first::incrementAndGet, second::incrementAndGet);
        }
        assertEquals(1000, first.get());
        assertEquals(1000, second.get());
    }

    @Test
    void aFailureOfEitherHalfReachesTheCallerAndTheHelperKeepsWorking() {
        IllegalStateException boom = new IllegalStateException("boom");
        for (int i = 0; i < 50; i++) {
            assertSame(boom, assertThrows(IllegalStateException.class, () -> HelperThread.both(() -> { }, () -> {
                throw boom;
            })));
            assertSame(boom, assertThrows(IllegalStateException.class, () -> HelperThread.both(() -> {
                throw boom;
            }, () -> { })));
        }
        AtomicInteger ran = new AtomicInteger();
        HelperThread.both(ran::incrementAndGet, ran::incrementAndGet);
        assertEquals(2, ran.get());
    }

    @Test
    void aCallThatFailsReturnsOnlyAfterTheHelpersHalfIsDone() {
        for (int i = 0; i < 30; i++) {
            java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();
            assertThrows(IllegalStateException.class, () -> HelperThread.both(() -> {
                throw new IllegalStateException("first");
            }, () -> {
                started.set(true);
                java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
                finished.set(true);
            }));
            assertEquals(started.get(), finished.get(), "a started second half has finished when the call returns");
        }
    }

    @Test
    void concurrentCallersEachGetTheirOwnResults() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<long[]>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int caller = t;
                results.add(pool.submit(() -> {
                    long[] sums = new long[2];
                    for (int i = 0; i < 2000; i++) {
                        long[] halves = new long[2];
                        int n = i;
                        HelperThread.both(() -> halves[0] = caller * 1000L + n, () -> halves[1] = n);
                        sums[0] += halves[0];
                        sums[1] += halves[1];
                    }
                    return sums;
                }));
            }
            for (int t = 0; t < 4; t++) {
                long[] sums = results.get(t).get();
                assertEquals(t * 1000L * 2000 + 1999L * 2000 / 2, sums[0], "caller " + t);
                assertEquals(1999L * 2000 / 2, sums[1], "caller " + t);
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(pool.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS));
    }

    @Test
    void aBadThreadCountIsRejectedWithTheProperty() {
        String old = System.getProperty(HelperThread.PROPERTY);
        try {
            System.setProperty(HelperThread.PROPERTY, "3");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, HelperThread::threads);
            assertTrue(e.getMessage().contains(HelperThread.PROPERTY) && e.getMessage().contains("'3'"), e.getMessage());
            System.setProperty(HelperThread.PROPERTY, "1");
            assertEquals(1, HelperThread.threads());
        } finally {
            if (old == null) {
                System.clearProperty(HelperThread.PROPERTY);
            } else {
                System.setProperty(HelperThread.PROPERTY, old);
            }
        }
    }
}
