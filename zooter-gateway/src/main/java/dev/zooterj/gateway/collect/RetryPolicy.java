package dev.zooterj.gateway.collect;

import dev.zooterj.gateway.http.BackendException;

import java.time.Duration;
import java.util.SplittableRandom;

/**
 * Retries with exponential back-off and jitter. After failed attempt {@code n} it waits a random time in
 * {@code [d/2, d]}, where {@code d = min(maxDelay, baseDelay * 2^(n-1))}. A backend's {@code Retry-After} replaces that
 * delay (capped at {@link #RETRY_AFTER_CAP}). Retried: whatever {@link BackendException#retryable()} says (429, 5xx,
 * 408, timeouts, broken connections, malformed bodies) and {@link InvalidOutputException}. Anything else (400, 401,
 * 404) fails at once.
 *
 * <p>The jitter is a pure function of the seed, the step's key and the attempt number, so a run is reproducible
 * however its threads interleave.
 *
 * @param maxAttempts attempts in all, the first included (at least 1)
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay, long seed) {
    /** A server that asks for a longer pause than this is waited on for this long. */
    public static final Duration RETRY_AFTER_CAP = Duration.ofMinutes(5);

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
        }
        if (baseDelay.isNegative() || maxDelay.compareTo(baseDelay) < 0) {
            throw new IllegalArgumentException("need 0 <= baseDelay <= maxDelay, got " + baseDelay + " and " + maxDelay);
        }
    }

    /** 5 attempts, 1 s base, 60 s cap, seed 42. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(60), 42);
    }

    /** One try of a step. */
    @FunctionalInterface
    public interface Attempt<T> {
        T run() throws BackendException, InvalidOutputException, InterruptedException;
    }

    /** Told before each wait. */
    @FunctionalInterface
    public interface RetryListener {
        void retrying(int failedAttempt, Exception cause, Duration delay);
    }

    /** The wait after failed attempt {@code failedAttempt} (1-based) of the step named {@code key}. */
    public Duration delay(String key, int failedAttempt, Duration retryAfter) {
        if (retryAfter != null) {
            return retryAfter.compareTo(RETRY_AFTER_CAP) > 0 ? RETRY_AFTER_CAP : retryAfter;
        }
        double d = baseDelay.toNanos() * Math.pow(2, Math.min(failedAttempt - 1, 62));
        d = Math.min(d, maxDelay.toNanos());
        long mix = seed * 0x9E3779B97F4A7C15L + key.hashCode() * 0xBF58476D1CE4E5B9L + failedAttempt;
        double fraction = new SplittableRandom(mix).nextDouble();
        return Duration.ofNanos(Math.round(d / 2 + fraction * d / 2));
    }

    /**
     * Runs the attempt until it succeeds, a failure cannot be retried, the attempts run out, or {@code stop} is
     * signalled (checked before every retry, and it cuts a wait short).
     */
    public <T> T call(String key, Attempt<T> attempt, StopSignal stop, RetryListener listener)
            throws StepFailedException, InterruptedException {
        for (int n = 1; ; n++) {
            Exception failure;
            Duration retryAfter = null;
            boolean retryable;
            try {
                return attempt.run();
            } catch (BackendException e) {
                failure = e;
                retryable = e.retryable();
                retryAfter = e.retryAfter().orElse(null);
            } catch (InvalidOutputException e) {
                failure = e;
                retryable = true;
            }
            if (!retryable || n >= maxAttempts) {
                throw new StepFailedException(failure.getMessage(), n, false, failure);
            }
            if (stop.isStopped()) {
                throw new StepFailedException(failure.getMessage(), n, true, failure);
            }
            Duration wait = delay(key, n, retryAfter);
            listener.retrying(n, failure, wait);
            if (!stop.sleep(wait)) {
                throw new StepFailedException(failure.getMessage(), n, true, failure);
            }
        }
    }
}
