package dev.zooterj.gateway.collect;

import dev.zooterj.gateway.http.BackendException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetryPolicyTest {
    private static BackendException status(int code, Duration retryAfter) {
        return new BackendException("b", BackendException.Kind.STATUS, code, retryAfter, "HTTP " + code, null);
    }

    @Test
    void backOffDoublesWithJitterUpToTheCap() {
        RetryPolicy p = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(1000), 7);
        long[] ceilings = {100, 200, 400, 800, 1000, 1000};
        for (int n = 1; n <= ceilings.length; n++) {
            long ms = p.delay("q1/a", n, null).toMillis();
            assertTrue(ms >= ceilings[n - 1] / 2 && ms <= ceilings[n - 1], "attempt " + n + ": " + ms);
        }
        assertEquals(p.delay("q1/a", 3, null), p.delay("q1/a", 3, null), "same seed, key and attempt: same delay");
        List<Duration> keys = new ArrayList<>();
        for (int k = 0; k < 20; k++) {
            keys.add(p.delay("q" + k, 4, null));
        }
        assertTrue(keys.stream().distinct().count() > 10, "jitter spreads the keys: " + keys);
        assertNotEquals(p.delay("q1/a", 4, null), new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(1000), 8)
                .delay("q1/a", 4, null), "another seed, another jitter");
    }

    @Test
    void retryAfterReplacesTheBackOffUpToFiveMinutes() {
        RetryPolicy p = new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(20), 1);
        assertEquals(Duration.ofSeconds(7), p.delay("k", 1, Duration.ofSeconds(7)));
        assertEquals(RetryPolicy.RETRY_AFTER_CAP, p.delay("k", 1, Duration.ofHours(1)));
    }

    @Test
    void retriesRetryableFailuresUntilSuccess() throws Exception {
        RetryPolicy p = new RetryPolicy(4, Duration.ofMillis(1), Duration.ofMillis(2), 1);
        AtomicInteger calls = new AtomicInteger();
        List<String> told = new ArrayList<>();
        String out = p.call("k", () -> {
            int n = calls.incrementAndGet();
            if (n == 1) {
                throw status(503, null);
            }
            if (n == 2) {
                throw new InvalidOutputException("no score");
            }
            return "ok";
        }, new StopSignal(), (n, cause, delay) -> told.add(n + ":" + cause.getMessage()));
        assertEquals("ok", out);
        assertEquals(3, calls.get());
        assertEquals(List.of("1:backend 'b': HTTP 503", "2:no score"), told);
    }

    @Test
    void givesUpAtOnceOnA400AndAfterMaxAttemptsOtherwise() {
        RetryPolicy p = new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(2), 1);
        AtomicInteger calls = new AtomicInteger();
        StepFailedException e = assertThrows(StepFailedException.class, () -> p.call("k", () -> {
            calls.incrementAndGet();
            throw status(400, null);
        }, new StopSignal(), (n, c, d) -> { }));
        assertEquals(1, e.attempts());
        assertEquals(1, calls.get());
        assertFalse(e.stopped());
        calls.set(0);
        e = assertThrows(StepFailedException.class, () -> p.call("k", () -> {
            calls.incrementAndGet();
            throw status(500, null);
        }, new StopSignal(), (n, c, d) -> { }));
        assertEquals(3, e.attempts());
        assertEquals(3, calls.get());
        assertTrue(e.getMessage().contains("HTTP 500"), e.getMessage());
    }

    @Test
    void aStopCutsTheWaitShortAndEndsTheRetries() throws Exception {
        RetryPolicy p = new RetryPolicy(5, Duration.ofSeconds(30), Duration.ofSeconds(60), 1);
        StopSignal stop = new StopSignal();
        Thread stopper = new Thread(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException ignored) {
                return;
            }
            stop.stop();
        });
        stopper.start();
        long t0 = System.nanoTime();
        StepFailedException e = assertThrows(StepFailedException.class, () -> p.call("k", () -> {
            throw status(502, null);
        }, stop, (n, c, d) -> { }));
        assertTrue(e.stopped());
        assertEquals(1, e.attempts());
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "did not sleep out a 15-30 s back-off");
        stopper.join();
    }
}
