package dev.zooterj.gateway.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A request the gateway answers with an error: the HTTP status and the OpenAI error object
 * {@code {"error": {"message", "type", "param", "code"}}} that OpenAI client libraries parse. The message is written for
 * the client: backend URLs and backends' own error texts stay in the gateway's log, except the error object of a
 * backend that refused the request itself, which is addressed to the client.
 */
final class ApiError extends Exception {
    static final String INVALID_REQUEST = "invalid_request_error";
    static final String SERVER_ERROR = "server_error";
    static final String RATE_LIMIT = "rate_limit_error";

    private final int status;
    private final String type;
    private final String code;
    private final String param;
    private final String retryAfterSeconds;
    private final JsonNode failures;
    /** A backend's own error object, passed on as the base of {@link #body()}; null for the gateway's own errors. */
    private final ObjectNode relayed;

    ApiError(int status, String type, String code, String param, String message) {
        this(status, type, code, param, message, null, null, null);
    }

    private ApiError(int status, String type, String code, String param, String message, String retryAfterSeconds,
                     JsonNode failures, ObjectNode relayed) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
        this.retryAfterSeconds = retryAfterSeconds;
        this.failures = failures;
        this.relayed = relayed;
    }

    static ApiError invalid(String param, String message) {
        return new ApiError(400, INVALID_REQUEST, "invalid_request", param, message);
    }

    static ApiError overloaded(String message, int retryAfterSeconds) {
        return new ApiError(503, SERVER_ERROR, "overloaded", null, message, Integer.toString(retryAfterSeconds), null,
                null);
    }

    /** Every backend tried failed: 502, or 504 when they all timed out; {@code failures} lists them. */
    static ApiError upstream(boolean allTimedOut, String message, JsonNode failures) {
        return new ApiError(allTimedOut ? 504 : 502, SERVER_ERROR, allTimedOut ? "backend_timeout" : "backend_error",
                null, message, null, failures, null);
    }

    /** Every backend tried was busy: 429 when each one rate-limited the gateway, else 503; retry after the longest wait asked. */
    static ApiError busy(boolean allRateLimited, long retryAfterSeconds, String message, JsonNode failures) {
        return new ApiError(allRateLimited ? 429 : 503, allRateLimited ? RATE_LIMIT : SERVER_ERROR,
                allRateLimited ? "backend_rate_limited" : "backend_overloaded", null, message,
                Long.toString(retryAfterSeconds), failures, null);
    }

    /**
     * A backend refused the request itself: its status, with its own error object (or, when it sent none, {@code message})
     * and {@code failures}.
     */
    static ApiError refused(int status, ObjectNode backendError, String message, JsonNode failures) {
        return new ApiError(status, INVALID_REQUEST, "backend_refused", null, message, null, failures, backendError);
    }

    int status() {
        return status;
    }

    /** Seconds for a Retry-After header, or null. */
    String retryAfterSeconds() {
        return retryAfterSeconds;
    }

    ObjectNode body() {
        ObjectNode e = relayed == null ? JsonNodeFactory.instance.objectNode() : relayed.deepCopy();
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.set("error", e);
        if (!e.path("message").isTextual()) {
            e.put("message", getMessage());
        }
        if (!e.path("type").isTextual()) {
            e.put("type", type);
        }
        if (!e.has("param")) {
            if (param == null) {
                e.putNull("param");
            } else {
                e.put("param", param);
            }
        }
        if (!e.has("code")) {
            e.put("code", code);
        }
        if (failures != null) {
            e.set("failures", failures);
        }
        return root;
    }
}
