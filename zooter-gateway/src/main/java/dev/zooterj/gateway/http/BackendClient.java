package dev.zooterj.gateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zooterj.gateway.backend.Backend;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.stream.Stream;

/**
 * Calls OpenAI-compatible {@code /chat/completions} endpoints over one shared JDK {@link HttpClient} (HTTP/1.1,
 * keep-alive). Each backend's {@link Backend#maxConcurrent()} is enforced here, across every caller of this client:
 * a call waits for one of the backend's permits before it sends. No retries here: callers decide (collect retries
 * with back-off; the gateway falls back to the next model).
 *
 * <p>The API key is read from the backend's environment variable at each call and sent as a Bearer token; it never
 * appears in an exception message.
 */
public final class BackendClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final Map<String, Semaphore> permits = new ConcurrentHashMap<>();

    public BackendClient() {
        this(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build());
    }

    public BackendClient(HttpClient http) {
        this.http = http;
    }

    /** Receives a streamed answer's events, in order. */
    public interface StreamListener {
        /** Called once, when the backend has answered 200 and before the first event. */
        default void onOpen() {
        }

        /** One SSE {@code data:} payload (a JSON chunk), without the {@code data: } prefix; never {@code [DONE]}. */
        void onEvent(String data) throws IOException;
    }

    /**
     * Sends a non-streamed chat completion. {@code body} is the OpenAI request (messages, temperature, ...); its
     * {@code model} is replaced by the backend's model id and {@code stream} is set to false (the caller's object is
     * not modified).
     */
    public Completion complete(Backend backend, ObjectNode body) throws BackendException, InterruptedException {
        return complete(backend, body, true);
    }

    /**
     * Like {@link #complete}, for a caller that passes the answer on as it is (the routing gateway): any 2xx JSON
     * object with a {@code choices} array is accepted, so {@link Completion#content()} is null when the first choice
     * carries no text (an answer made of tool calls).
     */
    public Completion relay(Backend backend, ObjectNode body) throws BackendException, InterruptedException {
        return complete(backend, body, false);
    }

    private Completion complete(Backend backend, ObjectNode body, boolean requireContent)
            throws BackendException, InterruptedException {
        ObjectNode req = body.deepCopy();
        req.put("model", backend.model());
        req.put("stream", false);
        Semaphore s = permit(backend);
        s.acquire();
        long t0 = System.nanoTime();
        try {
            HttpResponse<byte[]> resp = send(backend, req, HttpResponse.BodyHandlers.ofByteArray());
            if (resp.statusCode() / 100 != 2) {
                throw statusError(backend, resp.statusCode(), resp.headers(), new String(resp.body(), StandardCharsets.UTF_8));
            }
            JsonNode tree;
            try {
                tree = JSON.readTree(resp.body());
            } catch (IOException e) {
                String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
                throw new BackendException(backend.name(), BackendException.Kind.MALFORMED, resp.statusCode(), null,
                        "answer is not JSON: " + why, null);
            }
            JsonNode msg = tree == null ? null : tree.path("choices").path(0).path("message");
            if (requireContent && (tree == null || !tree.isObject() || !msg.path("content").isTextual())) {
                throw new BackendException(backend.name(), BackendException.Kind.MALFORMED, resp.statusCode(), null,
                        "answer has no choices[0].message.content", null);
            }
            if (!requireContent && (tree == null || !tree.isObject() || !tree.path("choices").isArray())) {
                throw new BackendException(backend.name(), BackendException.Kind.MALFORMED, resp.statusCode(), null,
                        "answer is not a chat completion (no choices array)", null);
            }
            JsonNode usage = tree.path("usage");
            JsonNode finish = tree.path("choices").path(0).path("finish_reason");
            return new Completion(msg.path("content").isTextual() ? msg.path("content").asText() : null, finish.isTextual() ? finish.asText() : null,
                    usage.path("prompt_tokens").asLong(-1), usage.path("completion_tokens").asLong(-1),
                    (ObjectNode) tree, System.nanoTime() - t0);
        } finally {
            s.release();
        }
    }

    /**
     * Sends a streamed chat completion ({@code stream: true}) and passes each SSE data payload to the listener as it
     * arrives. Returns when the backend sends {@code [DONE]} or closes the stream. A non-200 answer is thrown before
     * {@link StreamListener#onOpen()}; an error after that (broken connection) is thrown as CONNECTION.
     */
    public void stream(Backend backend, ObjectNode body, StreamListener listener) throws BackendException, InterruptedException {
        ObjectNode req = body.deepCopy();
        req.put("model", backend.model());
        req.put("stream", true);
        Semaphore s = permit(backend);
        s.acquire();
        try {
            HttpResponse<InputStream> resp = send(backend, req, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = resp.body()) {
                if (resp.statusCode() / 100 != 2) {
                    throw statusError(backend, resp.statusCode(), resp.headers(),
                            new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8));
                }
                listener.onOpen();
                try (Stream<String> lines = new java.io.BufferedReader(new java.io.InputStreamReader(in,
                        StandardCharsets.UTF_8)).lines()) {
                    for (String line : (Iterable<String>) lines::iterator) {
                        if (!line.startsWith("data:")) {
                            continue;
                        }
                        String data = line.substring(5).strip();
                        if (data.equals("[DONE]")) {
                            break;
                        }
                        listener.onEvent(data);
                    }
                } catch (UncheckedIOException e) {
                    throw new BackendException(backend.name(), BackendException.Kind.CONNECTION, -1, null,
                            "stream broke: " + e.getCause().getMessage(), e);
                }
            } catch (IOException e) {
                throw new BackendException(backend.name(), BackendException.Kind.CONNECTION, -1, null,
                        "stream broke: " + e.getMessage(), e);
            }
        } finally {
            s.release();
        }
    }

    private <T> HttpResponse<T> send(Backend backend, ObjectNode req, HttpResponse.BodyHandler<T> handler)
            throws BackendException, InterruptedException {
        HttpRequest.Builder rb = HttpRequest.newBuilder(backend.chatCompletionsUri())
                .timeout(backend.timeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream");
        String key;
        try {
            key = backend.apiKey().orElse(null);
        } catch (IllegalStateException e) {
            throw new BackendException(backend.name(), BackendException.Kind.CONFIGURATION, -1, null, e.getMessage(), null);
        }
        if (key != null) {
            rb.header("Authorization", "Bearer " + key);
        }
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(req);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        try {
            return http.send(rb.POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), handler);
        } catch (HttpConnectTimeoutException e) {
            throw new BackendException(backend.name(), BackendException.Kind.CONNECTION, -1, null,
                    "connect timed out to " + backend.baseUrl(), e);
        } catch (HttpTimeoutException e) {
            throw new BackendException(backend.name(), BackendException.Kind.TIMEOUT, -1, null,
                    "no answer within " + backend.timeout().toMillis() + " ms", e);
        } catch (ConnectException e) {
            throw new BackendException(backend.name(), BackendException.Kind.CONNECTION, -1, null,
                    "cannot connect to " + backend.baseUrl(), e);
        } catch (IOException e) {
            throw new BackendException(backend.name(), BackendException.Kind.CONNECTION, -1, null,
                    "connection failed: " + e.getMessage(), e);
        }
    }

    private static BackendException statusError(Backend backend, int status, HttpHeaders headers, String body) {
        Duration retryAfter = headers.firstValue("Retry-After").flatMap(BackendClient::seconds).orElse(null);
        String message = body;
        try {
            JsonNode err = JSON.readTree(body);
            if (err != null && err.path("error").path("message").isTextual()) {
                message = err.path("error").path("message").asText();
            }
        } catch (JsonProcessingException ignored) {
            // keep the raw body, shortened below
        }
        message = message.replaceAll("\\s+", " ").strip();
        if (message.length() > 300) {
            message = message.substring(0, 300) + "...";
        }
        return new BackendException(backend.name(), BackendException.Kind.STATUS, status, retryAfter,
                "HTTP " + status + (message.isEmpty() ? "" : ": " + message), null);
    }

    private static java.util.Optional<Duration> seconds(String v) {
        try {
            double s = Double.parseDouble(v.strip());
            return s >= 0 ? java.util.Optional.of(Duration.ofMillis(Math.round(s * 1000))) : java.util.Optional.empty();
        } catch (NumberFormatException e) {
            return java.util.Optional.empty(); // an HTTP-date: ignored, the caller's back-off applies
        }
    }

    private Semaphore permit(Backend backend) {
        return permits.computeIfAbsent(backend.name(), k -> new Semaphore(backend.maxConcurrent(), true));
    }

    /** Requests to this backend in flight or waiting right now is {@code maxConcurrent - available}. */
    public int available(Backend backend) {
        return permit(backend).availablePermits();
    }

    /** Pre-creates the permits (optional; they are otherwise made on first use). */
    public void register(Collection<Backend> backends) {
        backends.forEach(this::permit);
    }
}
