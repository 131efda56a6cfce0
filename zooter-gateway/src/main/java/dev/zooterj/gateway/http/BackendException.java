package dev.zooterj.gateway.http;

import java.time.Duration;
import java.util.Optional;

/** A backend call that failed: why, whether a retry (or another backend) may succeed, and any Retry-After. */
public final class BackendException extends Exception {
    /** What went wrong. */
    public enum Kind {
        /** The backend answered with a non-2xx status. */
        STATUS,
        /** No answer within the backend's timeout. */
        TIMEOUT,
        /** Could not connect or the connection broke. */
        CONNECTION,
        /** A 2xx answer that is not the expected JSON. */
        MALFORMED,
        /** The call could not be made as configured (e.g. the API-key variable is not set); retrying cannot help. */
        CONFIGURATION
    }

    private final String backend;
    private final Kind kind;
    private final int status;
    private final Duration retryAfter;

    public BackendException(String backend, Kind kind, int status, Duration retryAfter, String message, Throwable cause) {
        super("backend '" + backend + "': " + message, cause);
        this.backend = backend;
        this.kind = kind;
        this.status = status;
        this.retryAfter = retryAfter;
    }

    public String backend() {
        return backend;
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status, or -1 when there was none (timeout, connection). */
    public int status() {
        return status;
    }

    /** Whether the same request may succeed later: 408, 409, 429, 5xx, timeouts, broken connections, malformed bodies. */
    public boolean retryable() {
        return switch (kind) {
            case TIMEOUT, CONNECTION, MALFORMED -> true;
            case CONFIGURATION -> false;
            case STATUS -> status == 408 || status == 409 || status == 429 || status >= 500;
        };
    }

    /** The backend's Retry-After, when it sent one in seconds. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
