package dev.zooterj.gateway.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A request the gateway answers with an error: the HTTP status and the OpenAI error object
 * {@code {"error": {"message", "type", "param", "code"}}} that OpenAI client libraries parse.
 */
final class ApiError extends Exception {
    static final String INVALID_REQUEST = "invalid_request_error";
    static final String SERVER_ERROR = "server_error";

    private final int status;
    private final String type;
    private final String code;
    private final String param;
    private final String retryAfterSeconds;
    private final JsonNode failures;

    ApiError(int status, String type, String code, String param, String message) {
        this(status, type, code, param, message, null, null);
    }

    private ApiError(int status, String type, String code, String param, String message, String retryAfterSeconds,
                     JsonNode failures) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
        this.retryAfterSeconds = retryAfterSeconds;
        this.failures = failures;
    }

    static ApiError invalid(String param, String message) {
        return new ApiError(400, INVALID_REQUEST, "invalid_request", param, message);
    }

    static ApiError overloaded(String message, int retryAfterSeconds) {
        return new ApiError(503, SERVER_ERROR, "overloaded", null, message, Integer.toString(retryAfterSeconds), null);
    }

    /** Every backend tried failed: 502, or 504 when they all timed out; {@code failures} lists them. */
    static ApiError upstream(boolean allTimedOut, String message, JsonNode failures) {
        return new ApiError(allTimedOut ? 504 : 502, SERVER_ERROR, allTimedOut ? "backend_timeout" : "backend_error",
                null, message, null, failures);
    }

    int status() {
        return status;
    }

    /** Seconds for a Retry-After header, or null. */
    String retryAfterSeconds() {
        return retryAfterSeconds;
    }

    ObjectNode body() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode e = root.putObject("error");
        e.put("message", getMessage());
        e.put("type", type);
        if (param == null) {
            e.putNull("param");
        } else {
            e.put("param", param);
        }
        e.put("code", code);
        if (failures != null) {
            e.set("failures", failures);
        }
        return root;
    }
}
