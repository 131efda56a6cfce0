package dev.zooterj.gateway.collect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zooterj.gateway.backend.Backend;
import dev.zooterj.gateway.http.BackendException;
import dev.zooterj.gateway.http.BoundedBodies;
import dev.zooterj.gateway.http.RetryAfter;
import dev.zooterj.gateway.secrets.Redactor;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * A reward model behind a plain HTTP endpoint: {@code POST url} with {@code {"query": ..., "response": ...}}, answered
 * by a JSON number ({@code 3.25}) or an object with a numeric {@code "reward"} ({@code {"reward": 3.25}}). The reward
 * must be finite; there is no range, since reward models give unbounded scores. Failures are reported like a
 * backend's (429/5xx/timeouts are retryable, Retry-After in seconds is honoured), and a reply without a number is an
 * {@link InvalidOutputException}.
 *
 * <p>The URL may carry a secret in its query (Azure Functions' {@code ?code=...}), so it is never printed, put in an
 * error message or journaled: those show the {@link Backend#redacted} URL, and the {@link #identity()} adds a short
 * SHA-256 of the full URL so that a journal still notices a changed URL.
 */
public final class HttpRewardScorer implements RewardScorer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NAME = "rewardEndpoint";
    /** Largest reply read from the endpoint: a reward is a number; anything longer is not a reward. */
    static final int MAX_REPLY_BYTES = 64 * 1024;

    private final URI url;
    private final String apiKeyEnv;
    private final Duration timeout;
    private final int maxConcurrent;
    private final Semaphore permits;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    /**
     * @param url       the endpoint; any query is kept and sent, never shown
     * @param apiKeyEnv environment variable holding a Bearer token, or null
     */
    public HttpRewardScorer(URI url, String apiKeyEnv, Duration timeout, int maxConcurrent) {
        this.url = url;
        this.apiKeyEnv = apiKeyEnv;
        this.timeout = timeout;
        this.maxConcurrent = maxConcurrent;
        this.permits = new Semaphore(maxConcurrent, true);
        Redactor.global().addUrl(url);
    }

    @Override
    public Score score(String query, String answer) throws BackendException, InvalidOutputException, InterruptedException {
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(Map.of("query", query, "response", answer));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        HttpRequest.Builder rb = HttpRequest.newBuilder(url).timeout(timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        String key = key();
        if (key != null) {
            rb.header("Authorization", "Bearer " + key);
        }
        HttpResponse<byte[]> resp;
        permits.acquire();
        try {
            resp = http.send(rb.build(), BoundedBodies.handler(MAX_REPLY_BYTES, MAX_REPLY_BYTES));
        } catch (HttpTimeoutException e) {
            throw new BackendException(NAME, BackendException.Kind.TIMEOUT, -1, null,
                    "no answer within " + timeout.toMillis() + " ms", e);
        } catch (IOException e) {
            if (BoundedBodies.cause(e) != null) {
                throw new BackendException(NAME, BackendException.Kind.TOO_LARGE, 200, null,
                        BoundedBodies.cause(e).getMessage(), e);
            }
            throw new BackendException(NAME, BackendException.Kind.CONNECTION, -1, null,
                    "cannot reach " + Redactor.redact(Backend.redacted(url)) + ": " + e.getMessage(), e);
        } finally {
            permits.release();
        }
        String reply = new String(resp.body(), StandardCharsets.UTF_8);
        if (resp.statusCode() / 100 != 2) {
            Duration retryAfter = resp.headers().firstValue("Retry-After").flatMap(RetryAfter::parse).orElse(null);
            throw new BackendException(NAME, BackendException.Kind.STATUS, resp.statusCode(), retryAfter,
                    "HTTP " + resp.statusCode() + ": " + JudgeScorer.shorten(reply), null);
        }
        return new Score(parseReward(reply), null);
    }

    /** The reward in an endpoint's reply: a JSON number, or an object with a numeric "reward". */
    public static double parseReward(String body) throws InvalidOutputException {
        JsonNode n;
        try {
            n = JSON.readTree(body);
        } catch (IOException e) {
            n = null;
        }
        JsonNode v = n == null ? null : n.isObject() ? n.get("reward") : n;
        if (v == null || !v.isNumber()) {
            throw new InvalidOutputException("reward endpoint reply is not a number or {\"reward\": number}: \""
                    + JudgeScorer.shorten(body) + "\"");
        }
        if (!Double.isFinite(v.asDouble())) {
            throw new InvalidOutputException("reward endpoint returned " + v.asText() + ", expected a finite number");
        }
        return v.asDouble();
    }

    private String key() {
        if (apiKeyEnv == null) {
            return null;
        }
        String key = System.getenv(apiKeyEnv);
        if (key == null || key.isBlank()) {
            throw new IllegalStateException("rewardEndpoint: environment variable " + apiKeyEnv + " (apiKeyEnv) is not set");
        }
        Redactor.global().addSecret(key);
        return key;
    }

    @Override
    public void checkReady() {
        key();
    }

    /**
     * {@code endpoint <url>}; a URL with a query (or user info or fragment) is shown {@link Backend#redacted} and
     * followed by {@code sha256=} and a short hash of the full URL.
     */
    @Override
    public String identity() {
        // A token in the path is a secret too: the identity is journaled (the sha256 still tells URLs apart).
        String shown = Redactor.redact(Backend.redacted(url));
        return "endpoint " + (shown.equals(url.toString()) ? shown : shown + " sha256=" + CollectQuery.hash(url.toString()));
    }

    /** The same endpoint with another concurrency limit. */
    HttpRewardScorer withMaxConcurrent(int limit) {
        return new HttpRewardScorer(url, apiKeyEnv, timeout, limit);
    }

    @Override
    public int maxConcurrent() {
        return maxConcurrent;
    }

    @Override
    public String toString() {
        return "reward endpoint " + Redactor.redact(Backend.redacted(url));
    }
}
