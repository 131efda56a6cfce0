package dev.zooterj.gateway;

import java.time.Duration;

/**
 * The bounds on settings that the backends file, {@code collect} and {@code serve} accept, in one place (README,
 * "Limits and safety"). A value beyond them is refused with a message that names the field or option: such a value is
 * a typo or a misunderstanding (a timeout of 1e30 s, a hundred million connections), and letting it through ends in an
 * overflow or an exhausted machine far from the cause.
 */
public final class Limits {
    /** Longest per-request timeout of a backend, judge, tagger or reward endpoint ({@code timeoutSeconds}). */
    public static final double MAX_TIMEOUT_SECONDS = 3600;
    /** Shortest per-request timeout: 1 ms (the timeout is kept in whole milliseconds). */
    public static final double MIN_TIMEOUT_SECONDS = 0.001;
    /** Most requests in flight to one backend ({@code maxConcurrent}) and collect's {@code --concurrency}. */
    public static final int MAX_CONCURRENT = 10_000;
    /** Most chat and route requests a gateway handles at once ({@code serve --max-in-flight}). */
    public static final int MAX_IN_FLIGHT = 100_000;
    /** Largest request body a gateway may be told to accept ({@code serve --max-body-bytes}): 1 GiB. */
    public static final long MAX_BODY_BYTES = 1L << 30;
    /** Longest {@code serve --body-read-timeout} and {@code --shutdown-grace}, and collect's {@code --stop-grace}. */
    public static final double MAX_WAIT_SECONDS = 3600;
    /**
     * Longest wait a backend's {@code Retry-After} can ask for: a larger value (up to one too large to represent) is
     * taken as this, so the gateway tells its client to retry in an hour, not in a second.
     */
    public static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);

    private Limits() {
    }
}
