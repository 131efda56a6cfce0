package dev.zooterj.gateway.http;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PermitsTest {
    /** A daemon, never stopped: jqwik's properties run outside JUnit's class lifecycle. */
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "permits-test-timer");
        t.setDaemon(true);
        return t;
    });

    private static final long LONG = TimeUnit.SECONDS.toNanos(60);

    @Test
    void freePermitsAreGrantedAtOnceAndWaitersInArrivalOrder() {
        Permits p = new Permits(2, TIMER);
        assertTrue(p.acquire(LONG).isDone());
        assertTrue(p.acquire(LONG).isDone());
        assertEquals(0, p.available());
        CompletableFuture<Void> first = p.acquire(LONG);
        CompletableFuture<Void> second = p.acquire(LONG);
        assertFalse(first.isDone());
        p.release();
        assertTrue(first.isDone() && !first.isCompletedExceptionally(), "the first waiter gets the first permit back");
        assertFalse(second.isDone());
        p.release();
        assertTrue(second.isDone());
        p.release();
        p.release();
        assertEquals(2, p.available());
        assertThrows(IllegalStateException.class, p::release, "more releases than permits is a bug, not a new permit");
    }

    @Test
    void aWaitEndsWithATimeoutAndTakesNoPermit() throws Exception {
        Permits p = new Permits(1, TIMER);
        p.acquire(LONG).get();
        CompletableFuture<Void> w = p.acquire(TimeUnit.MILLISECONDS.toNanos(50));
        ExecutionException e = assertThrows(ExecutionException.class, () -> w.get(5, TimeUnit.SECONDS));
        assertInstanceOf(TimeoutException.class, e.getCause());
        assertTrue(p.acquire(0).isCompletedExceptionally(), "no wait: none is free");
        p.release();
        assertEquals(1, p.available(), "the expired waiter was not handed the permit");
    }

    @Test
    void aCancelledWaitGivesBackAPermitGrantedMeanwhile() {
        Permits p = new Permits(1, TIMER);
        p.acquire(LONG);
        CompletableFuture<Void> waiting = p.acquire(LONG);
        p.cancel(waiting);  // still waiting: leaves the queue
        p.release();
        assertEquals(1, p.available(), "a cancelled waiter is skipped");
        p.acquire(LONG);
        CompletableFuture<Void> granted = p.acquire(LONG);
        p.release();  // handed to the waiter
        assertTrue(granted.isDone());
        assertEquals(0, p.available());
        p.cancel(granted);  // the waiter gave up after all: its permit goes back
        assertEquals(1, p.available());
    }

    /**
     * Any sequence of acquires (some without waiting) and releases of held permits: never more holders than the limit,
     * the waiters served first come first served, and every permit back at the end.
     */
    @Property(tries = 200)
    void holdersNeverExceedTheLimitAndAllPermitsComeBack(@ForAll @IntRange(min = 1, max = 4) int limit,
                                                         @ForAll @Size(max = 60) List<@IntRange(min = 0, max = 2) Integer> ops) {
        Permits p = new Permits(limit, TIMER);
        int held = 0;
        Deque<CompletableFuture<Void>> waiting = new ArrayDeque<>();
        List<CompletableFuture<Void>> granted = new ArrayList<>();
        for (int op : ops) {
            if (op == 0 || op == 1) {
                CompletableFuture<Void> f = p.acquire(op == 0 ? 0 : LONG);
                if (f.isDone() && !f.isCompletedExceptionally()) {
                    held++;
                } else if (!f.isDone()) {
                    waiting.add(f);
                } else {
                    assertEquals(limit, held, "refused while a permit was free");
                }
            } else if (held > 0) {
                p.release();
                held--;
                CompletableFuture<Void> next = waiting.peek();
                if (next != null) {
                    assertTrue(next.isDone(), "the longest waiter gets the released permit");
                    waiting.poll();
                    held++;
                    granted.add(next);
                }
            }
            assertTrue(held <= limit, held + " holders over a limit of " + limit);
            assertEquals(limit - held, p.available());
        }
        waiting.forEach(p::cancel);
        for (int i = 0; i < held; i++) {
            p.release();
        }
        assertEquals(limit, p.available());
    }
}
