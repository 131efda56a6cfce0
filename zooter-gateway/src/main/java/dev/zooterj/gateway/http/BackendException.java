package dev.zooterj.gateway.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zooterj.gateway.secrets.Redactor;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

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
        CONFIGURATION,
        /**
         * Not sent: the backend already had its limit of concurrent requests in flight (from this client) for the
         * whole of its timeout. Another backend, or the same one later, may well answer.
         */
        OVERLOADED,
        /**
         * The answer, or one event of a stream, was larger than the backend's {@code maxResponseBytes} or
         * {@code maxEventBytes}: reading stopped there. Not retried on the same backend (a runaway answer costs as much
         * again, and a backend that sends one tends to repeat it); the gateway falls back to the next model.
         */
        TOO_LARGE
    }

    /**
     * Statuses that say the request itself was refused (malformed, too large, unprocessable): another backend would
     * most likely refuse it too, so the gateway passes them on rather than falling back. A 404 is not among them: from
     * a backend it usually means a wrong {@code baseUrl} or model id in the backends file, which another backend does
     * not share.
     */
    private static final Set<Integer> REQUEST_REJECTED = Set.of(400, 413, 422);

    private final String backend;
    private final Kind kind;
    private final int status;
    private final Duration retryAfter;
    private final ObjectNode errorObject;

    public BackendException(String backend, Kind kind, int status, Duration retryAfter, String message, Throwable cause) {
        this(backend, kind, status, retryAfter, null, message, cause);
    }

    /** @param errorObject the {@code error} object of an error status's JSON body, or null */
    public BackendException(String backend, Kind kind, int status, Duration retryAfter, ObjectNode errorObject,
                            String message, Throwable cause) {
        // A backend's own words may echo the key it was sent: redacted here too, for applications that log these.
        super(Redactor.redact("backend '" + backend + "': " + message), cause);
        this.backend = backend;
        this.kind = kind;
        this.status = status;
        this.retryAfter = retryAfter;
        this.errorObject = errorObject == null ? null : Redactor.global().apply(errorObject);
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

    /**
     * Whether the same request may succeed later: 408, 409, 429, 5xx, timeouts, broken connections, malformed bodies,
     * a backend at its concurrency limit. Not: an answer over the size limits ({@link Kind#TOO_LARGE}).
     */
    public boolean retryable() {
        return switch (kind) {
            case TIMEOUT, CONNECTION, MALFORMED, OVERLOADED -> true;
            case CONFIGURATION, TOO_LARGE -> false;
            case STATUS -> status == 408 || status == 409 || status == 429 || status >= 500;
        };
    }

    /**
     * Whether the backend refused the request itself (400, 413, 422): then another backend would refuse it as well,
     * so no fallback is tried and the client is told. A 401, 403 or 404 is not such a refusal: it concerns the gateway's
     * key or configuration for that backend, not the client's request.
     */
    public boolean requestRejected() {
        return kind == Kind.STATUS && REQUEST_REJECTED.contains(status);
    }

    /**
     * The backend's own {@code error} object from an error status's JSON body ({@code message}, {@code type},
     * {@code param}, {@code code}), meant for the client that made the request; empty when the body had none.
     */
    public Optional<ObjectNode> errorObject() {
        return Optional.ofNullable(errorObject == null ? null : errorObject.deepCopy());
    }

    /** The backend's Retry-After, when it sent one in seconds. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
