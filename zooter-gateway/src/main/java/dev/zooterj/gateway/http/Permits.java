package dev.zooterj.gateway.http;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A fair counting semaphore whose waits are futures, so that a caller can wait for a permit with or without a thread:
 * {@link #acquire} completes at once when a permit is free and no one waits before it, else when one is released to it
 * (first come, first served), or fails with {@link TimeoutException} after the timeout. The holder calls
 * {@link #release()} exactly once per permit obtained.
 */
final class Permits {
    private final int limit;
    private final ScheduledExecutorService timer;
    private final ArrayDeque<CompletableFuture<Void>> waiters = new ArrayDeque<>();
    private int available;

    Permits(int limit, ScheduledExecutorService timer) {
        if (limit < 1) {
            throw new IllegalArgumentException("a permit limit must be >= 1, got " + limit);
        }
        this.limit = limit;
        this.available = limit;
        this.timer = timer;
    }

    int limit() {
        return limit;
    }

    synchronized int available() {
        return available;
    }

    /**
     * A permit, now or once one is released to this caller; fails with {@link TimeoutException} when none came within
     * {@code timeoutNanos} (0: only a free one).
     */
    CompletableFuture<Void> acquire(long timeoutNanos) {
        CompletableFuture<Void> w = new CompletableFuture<>();
        synchronized (this) {
            if (available > 0 && waiters.isEmpty()) {
                available--;
                w.complete(null);
                return w;
            }
            if (timeoutNanos <= 0) {
                w.completeExceptionally(new TimeoutException("no permit free"));
                return w;
            }
            waiters.add(w);
        }
        if (timeoutNanos < Long.MAX_VALUE / 4) {
            timer.schedule(() -> {
                boolean expired;
                synchronized (this) {
                    expired = waiters.remove(w);
                }
                if (expired) {
                    w.completeExceptionally(new TimeoutException("no permit within " + timeoutNanos + " ns"));
                }
            }, timeoutNanos, TimeUnit.NANOSECONDS);
        }
        return w;
    }

    /**
     * Gives up a wait (the waiting thread was interrupted): a permit that was granted to it meanwhile is released.
     */
    void cancel(CompletableFuture<Void> w) {
        boolean waiting;
        synchronized (this) {
            waiting = waiters.remove(w);
        }
        if (waiting) {
            w.cancel(false);
        } else if (!w.isCompletedExceptionally()) {
            release();
        }
    }

    /** Returns one permit: to the longest waiter, if any, else to the pool. */
    void release() {
        while (true) {
            CompletableFuture<Void> next;
            synchronized (this) {
                next = waiters.poll();
                if (next == null) {
                    if (available >= limit) {
                        throw new IllegalStateException("released more permits than the limit of " + limit);
                    }
                    available++;
                    return;
                }
            }
            if (next.complete(null)) {
                return;
            }
            // that waiter had given up already (cancelled): the next one, or the pool, gets the permit
        }
    }
}
