package dev.zooterj.gateway.backend;

import dev.zooterj.gateway.secrets.Redactor;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One candidate LLM behind an OpenAI-compatible API (vLLM, llama.cpp server, Ollama, a hosted API).
 *
 * @param name                 the label used in datasets and routers (the router's model name)
 * @param baseUrl              the API base, e.g. {@code http://localhost:8000/v1}; requests go to
 *                             {@code baseUrl + "/chat/completions"}. No user info ({@code user:pass@}): a key belongs
 *                             in {@code apiKeyEnv}, never in a URL that ends up in messages
 * @param model                the backend's own model id, sent as {@code "model"} in requests
 * @param apiKeyEnv            name of the environment variable holding the API key, or null for none; the key itself
 *                             is never written to a file or a log
 * @param timeout              per-request timeout
 * @param maxConcurrent        most requests in flight to this backend at once
 * @param pricePer1kOutput     price per 1,000 output tokens, or null when unknown
 * @param pricePer1kInput      price per 1,000 input (prompt) tokens, or null when unknown
 * @param maxResponseBytes     largest non-streamed answer read from it (the body is held in memory whole); a larger
 *                             one fails the call as {@code TOO_LARGE}
 * @param maxEventBytes        largest single line (one SSE event) of a streamed answer; a streamed answer as a whole
 *                             is passed on as it arrives, never held
 */
public record Backend(String name, URI baseUrl, String model, String apiKeyEnv, Duration timeout, int maxConcurrent,
                      Double pricePer1kOutput, Double pricePer1kInput, long maxResponseBytes, int maxEventBytes) {
    /** 8 MiB: far more than any chat completion's JSON, small enough that 64 at once do not exhaust a heap. */
    public static final long DEFAULT_MAX_RESPONSE_BYTES = 8L << 20;
    /** 1 MiB: a stream's chunks are a token or a few; a whole answer in one event still fits. */
    public static final int DEFAULT_MAX_EVENT_BYTES = 1 << 20;
    /** The most a byte array holds. */
    public static final long MAX_RESPONSE_BYTES_LIMIT = Integer.MAX_VALUE - 8;

    public Backend {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(timeout, "timeout");
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("maxConcurrent must be >= 1, got " + maxConcurrent);
        }
        if (maxResponseBytes < 1 || maxResponseBytes > MAX_RESPONSE_BYTES_LIMIT) {
            throw new IllegalArgumentException("backend '" + name + "': maxResponseBytes must be in 1.."
                    + MAX_RESPONSE_BYTES_LIMIT + ", got " + maxResponseBytes);
        }
        if (maxEventBytes < 1 || maxEventBytes > MAX_RESPONSE_BYTES_LIMIT) {
            throw new IllegalArgumentException("backend '" + name + "': maxEventBytes must be in 1.."
                    + MAX_RESPONSE_BYTES_LIMIT + ", got " + maxEventBytes);
        }
        if (baseUrl.getRawUserInfo() != null) {
            throw new IllegalArgumentException("backend '" + name + "': baseUrl " + redacted(baseUrl) + " carries a user "
                    + "name or password (user:pass@); name the environment variable holding the key in apiKeyEnv instead");
        }
    }

    /** With the default answer limits ({@link #DEFAULT_MAX_RESPONSE_BYTES}, {@link #DEFAULT_MAX_EVENT_BYTES}). */
    public Backend(String name, URI baseUrl, String model, String apiKeyEnv, Duration timeout, int maxConcurrent,
                   Double pricePer1kOutput, Double pricePer1kInput) {
        this(name, baseUrl, model, apiKeyEnv, timeout, maxConcurrent, pricePer1kOutput, pricePer1kInput,
                DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_MAX_EVENT_BYTES);
    }

    /** A backend with no key, a 60 s timeout, 8 concurrent requests and no prices (handy in tests). */
    public static Backend of(String name, String baseUrl, String model) {
        return new Backend(name, URI.create(baseUrl), model, null, Duration.ofSeconds(60), 8, null, null);
    }

    /** This backend with at most {@code limit} requests in flight: {@code min(maxConcurrent, limit)}. */
    public Backend withConcurrencyLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, got " + limit);
        }
        return limit >= maxConcurrent ? this
                : new Backend(name, baseUrl, model, apiKeyEnv, timeout, limit, pricePer1kOutput, pricePer1kInput,
                maxResponseBytes, maxEventBytes);
    }

    /** This backend with other limits on what is read from it: a whole answer, and one event of a stream. */
    public Backend withAnswerLimits(long maxResponseBytes, int maxEventBytes) {
        return new Backend(name, baseUrl, model, apiKeyEnv, timeout, maxConcurrent, pricePer1kOutput, pricePer1kInput,
                maxResponseBytes, maxEventBytes);
    }

    /**
     * A URL safe to print or store: scheme, host, port and path only. User info, query and fragment are where
     * secrets go (Azure Functions' {@code ?code=...}), so they are left out; "?…" marks that a query or fragment was
     * there.
     */
    public static String redacted(URI url) {
        if (url.isOpaque()) {
            return url.getScheme() + ":…";
        }
        StringBuilder sb = new StringBuilder();
        if (url.getScheme() != null) {
            sb.append(url.getScheme()).append("://");
        }
        if (url.getHost() != null) {
            sb.append(url.getHost());
        }
        if (url.getPort() >= 0) {
            sb.append(':').append(url.getPort());
        }
        if (url.getRawPath() != null) {
            sb.append(url.getRawPath());
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null) {
            sb.append("?…");
        }
        return sb.toString();
    }

    /** The chat-completions endpoint: {@code baseUrl} with {@code /chat/completions} appended. */
    public URI chatCompletionsUri() {
        return resolve("chat/completions");
    }

    /** {@code baseUrl} joined with a relative path, whether or not the base ends in a slash. */
    public URI resolve(String relative) {
        String base = baseUrl.toString();
        return URI.create(base.endsWith("/") ? base + relative : base + "/" + relative);
    }

    /**
     * The API key read from {@link #apiKeyEnv()} now, or empty when no variable is named.
     *
     * @throws IllegalStateException when a variable is named but not set, naming the variable (never a value)
     */
    public Optional<String> apiKey() {
        if (apiKeyEnv == null || apiKeyEnv.isBlank()) {
            return Optional.empty();
        }
        String key = System.getenv(apiKeyEnv);
        if (key == null || key.isBlank()) {
            throw new IllegalStateException("backend '" + name + "': environment variable " + apiKeyEnv
                    + " (apiKeyEnv) is not set");
        }
        Redactor.global().addSecret(key);
        return Optional.of(key);
    }

    /** Cost of one answer from its token usage; 0 for a price that is not set. */
    public double cost(long promptTokens, long completionTokens) {
        double c = 0;
        if (pricePer1kOutput != null) {
            c += pricePer1kOutput * completionTokens / 1000.0;
        }
        if (pricePer1kInput != null) {
            c += pricePer1kInput * promptTokens / 1000.0;
        }
        return c;
    }

    /** No key value here, by design: toString shows only the variable's name and a {@link #redacted} URL. */
    @Override
    public String toString() {
        return "Backend[" + name + " -> " + redacted(baseUrl) + " model=" + model
                + (apiKeyEnv == null ? "" : " key=$" + apiKeyEnv) + "]";
    }
}
