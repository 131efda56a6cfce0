package dev.zooterj.nn.encoder;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A second thread for the encoder's inference path ({@link VectorBertInference}): {@link #both} runs two halves of a
 * matmul at once, one on the caller, one on a single daemon helper thread. With it one query uses two cores, as ONNX
 * Runtime does by default.
 *
 * <p>Made for short jobs (10-300 µs): the helper spins for {@value #SPIN_MICROS} µs after each job waiting for the
 * next one (the next matmul of the same forward pass comes within that), then parks. It never makes a caller wait
 * for a helper that is not running: a caller that finds the helper busy with another caller's job runs both halves
 * itself, and a caller that finishes its half before the helper has picked up the other runs that one too.
 *
 * <p>Threads: system property {@value #PROPERTY} (1 or 2; default 2 on a machine with at least 2 cores, else 1).
 */
final class HelperThread {
    /** Threads per forward pass: 1 turns the helper off. */
    static final String PROPERTY = "zooterj.encoder.threads";
    private static final long SPIN_MICROS = 200;
    private static final int YIELD_AFTER_SPINS = 10_000;   // about 0.1 ms of spinning
    private static final HelperThread INSTANCE = threads() > 1 ? new HelperThread() : null;

    private final AtomicBoolean claimed = new AtomicBoolean();         // one caller at a time
    private final AtomicReference<Runnable> pending = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean done;
    private volatile Throwable failure;

    private HelperThread() {
        thread = new Thread(this::loop, "zooter-encoder-helper");
        thread.setDaemon(true);
        thread.start();
    }

    /** Threads a forward pass uses (1 or 2). */
    static int threads() {
        String value = System.getProperty(PROPERTY);
        if (value == null) {
            return Math.min(2, Runtime.getRuntime().availableProcessors());
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n == 1 || n == 2) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("-D" + PROPERTY + " must be 1 or 2, got '" + value + "'");
    }

    /** Whether {@link #both} may run its halves at once. */
    static boolean enabled() {
        return INSTANCE != null;
    }

    /** Runs {@code first} and {@code second}, possibly at once; returns when both are done, rethrowing a failure. */
    static void both(Runnable first, Runnable second) {
        HelperThread h = INSTANCE;
        if (h == null || !h.claimed.compareAndSet(false, true)) {
            first.run();
            second.run();
            return;
        }
        try {
            h.done = false;
            h.failure = null;
            h.pending.set(second);
            LockSupport.unpark(h.thread);
            Throwable failed = null;
            try {
                first.run();
            } catch (Throwable t) {
                failed = t;
            }
            Runnable notStarted = h.pending.getAndSet(null);
            if (notStarted == null) {
                // the helper took it: wait until it is done, even after a failure, so that it never outlives the call
                for (int spins = 0; !h.done; spins++) {
                    if (spins < YIELD_AFTER_SPINS) {
                        Thread.onSpinWait();
                    } else {
                        Thread.yield();   // the helper was descheduled mid-job: let it (or another process) run
                    }
                }
                if (failed == null) {
                    failed = h.failure;
                }
            } else if (failed == null) {
                notStarted.run();
            }
            if (failed instanceof RuntimeException r) {
                throw r;
            }
            if (failed instanceof Error e) {
                throw e;
            }
            if (failed != null) {
                throw new IllegalStateException(failed);
            }
        } finally {
            h.claimed.set(false);
        }
    }

    private void loop() {
        while (true) {
            Runnable job = pending.getAndSet(null);
            if (job == null) {
                long until = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(SPIN_MICROS);
                while (pending.get() == null && System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                if (pending.get() == null) {
                    LockSupport.park(this);
                }
                continue;
            }
            try {
                job.run();
            } catch (Throwable t) {
                failure = t;
            } finally {
                done = true;
            }
        }
    }
}
