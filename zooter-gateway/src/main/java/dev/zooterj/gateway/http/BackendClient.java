package dev.zooterj.gateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zooterj.gateway.backend.Backend;

import java.io.IOException;
import java.io.InputStream;
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
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Calls OpenAI-compatible {@code /chat/completions} endpoints over one shared JDK {@link HttpClient} (HTTP/1.1,
 * keep-alive). No retries here: callers decide (collect retries with back-off; the gateway falls back to the next
 * model).
 *
 * <p><b>Concurrency.</b> Each backend gets {@link Backend#maxConcurrent()} permits, shared by every caller of this
 * client (to send fewer, e.g. for collect's {@code --concurrency}, pass {@link Backend#withConcurrencyLimit(int)}
 * copies). A call waits for one at most the backend's timeout; a backend
 * still at its limit by then fails the call with {@link BackendException.Kind#OVERLOADED} (retryable), so one slow
 * backend cannot queue requests without bound.
 *
 * <p><b>Timeouts.</b> The JDK's request timeout ends when the response headers arrive (JDK-8208693), so a backend that
 * answers 200 and then stalls would hold the caller forever. Here the backend's timeout bounds the whole non-streamed
 * answer, headers and body, and for a stream the wait for the headers and then every silence between two lines: an idle
 * watchdog closes a body that sent nothing for that long. Worst case a call takes twice the timeout (the wait for a
 * permit, then the answer); a stream takes as long as the backend keeps sending.
 *
 * <p><b>Sizes.</b> A non-streamed answer is read whole into memory, so it is read up to the backend's
 * {@code maxResponseBytes} and no further: a larger one fails the call as {@link BackendException.Kind#TOO_LARGE}
 * (as does a stream event over {@code maxEventBytes}). A stream is passed on event by event and never held whole; an
 * error status's body is cut to 64 KiB.
 *
 * <p>The API key is read from the backend's environment variable at each call and sent as a Bearer token; it never
 * appears in an exception message.
 */
public final class BackendClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Largest error body read from a backend: enough for any error object, bounded against a runaway one. */
    private static final int MAX_ERROR_BODY = 64 * 1024;
    /** One daemon thread for every client's stream watchdogs: each only checks a timestamp and maybe closes a stream. */
    private static final ScheduledThreadPoolExecutor WATCHDOG = watchdogExecutor();

    private final HttpClient http;
    private final Map<String, Semaphore> permits = new ConcurrentHashMap<>();

    /** Each backend's {@code maxConcurrent} requests at once. */
    public BackendClient() {
        this(defaultHttpClient());
    }

    public BackendClient(HttpClient http) {
        this.http = http;
    }

    private static HttpClient defaultHttpClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    private static ScheduledThreadPoolExecutor watchdogExecutor() {
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "zooter-backend-watchdog");
            t.setDaemon(true);
            return t;
        });
        e.setRemoveOnCancelPolicy(true);
        return e;
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

    /**
     * Like {@link #relay}, for a caller that passes the answer on byte for byte but for its top-level {@code model}:
     * the answer is checked in one streaming pass (a JSON object with a {@code choices} array, nothing after it) and
     * never parsed into a tree. Fails as {@link #relay} does.
     */
    public RawAnswer relayRaw(Backend backend, ObjectNode body) throws BackendException, InterruptedException {
        long t0 = System.nanoTime();
        HttpResponse<byte[]> resp = sendComplete(backend, body);
        return RawAnswer.scan(backend.name(), resp.statusCode(), resp.body(), System.nanoTime() - t0);
    }

    /**
     * One non-streamed request with the backend's model, under its concurrency limit; the body handler completes only
     * with the whole body, so the deadline covers it too, and it stops reading at maxResponseBytes. A non-2xx status
     * is thrown as a {@link BackendException}.
     */
    private HttpResponse<byte[]> sendComplete(Backend backend, ObjectNode body) throws BackendException, InterruptedException {
        ObjectNode req = body.deepCopy();
        req.put("model", backend.model());
        req.put("stream", false);
        Semaphore s = acquire(backend);
        try {
            HttpResponse<byte[]> resp = send(backend, req,
                    BoundedBodies.handler(backend.maxResponseBytes(), MAX_ERROR_BODY), "complete answer");
            if (resp.statusCode() / 100 != 2) {
                throw statusError(backend, resp.statusCode(), resp.headers(), resp.body());
            }
            return resp;
        } finally {
            s.release();
        }
    }

    private Completion complete(Backend backend, ObjectNode body, boolean requireContent)
            throws BackendException, InterruptedException {
        long t0 = System.nanoTime();
        HttpResponse<byte[]> resp = sendComplete(backend, body);
        ObjectNode tree = completionObject(backend, resp.statusCode(), resp.body());
        JsonNode msg = tree.path("choices").path(0).path("message");
        if (requireContent && !msg.path("content").isTextual()) {
            throw new BackendException(backend.name(), BackendException.Kind.MALFORMED, resp.statusCode(), null,
                    "answer has no choices[0].message.content", null);
        }
        JsonNode usage = tree.path("usage");
        JsonNode finish = tree.path("choices").path(0).path("finish_reason");
        return new Completion(msg.path("content").isTextual() ? msg.path("content").asText() : null,
                finish.isTextual() ? finish.asText() : null,
                usage.path("prompt_tokens").asLong(-1), usage.path("completion_tokens").asLong(-1),
                tree, System.nanoTime() - t0);
    }

    /** A 2xx body as a chat completion: a JSON object with a {@code choices} array, else MALFORMED. */
    private static ObjectNode completionObject(Backend backend, int status, byte[] body) throws BackendException {
        JsonNode tree;
        try {
            tree = JSON.readTree(body);
        } catch (IOException e) {
            String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new BackendException(backend.name(), BackendException.Kind.MALFORMED, status, null,
                    "answer is not JSON: " + why, null);
        }
        if (!(tree instanceof ObjectNode o) || !o.path("choices").isArray()) {
            throw new BackendException(backend.name(), BackendException.Kind.MALFORMED, status, null,
                    "answer is not a chat completion (no choices array)", null);
        }
        return o;
    }

    /**
     * Sends a streamed chat completion ({@code stream: true}) and passes each SSE data payload to the listener as it
     * arrives. Returns when the backend sends {@code [DONE]}, or closes the stream after a chunk with a
     * {@code finish_reason}. A non-200 answer is thrown before {@link StreamListener#onOpen()}. After that:
     * <ul>
     *   <li>the stream closing without {@code [DONE]} or a {@code finish_reason} is a cut-short answer, thrown as
     *   CONNECTION, as is a broken connection;</li>
     *   <li>no line for the backend's timeout closes the stream: TIMEOUT when no event had arrived yet, CONNECTION
     *   after (the time the listener takes counts, so a listener blocked that long also ends the stream);</li>
     *   <li>a server that ignores {@code stream: true} and answers one JSON completion is passed on as one chunk: each
     *   choice's message as its {@code delta}, with its {@code finish_reason}.</li>
     * </ul>
     */
    public void stream(Backend backend, ObjectNode body, StreamListener listener) throws BackendException, InterruptedException {
        ObjectNode req = body.deepCopy();
        req.put("model", backend.model());
        req.put("stream", true);
        Semaphore s = acquire(backend);
        try {
            HttpResponse<InputStream> resp = send(backend, req, HttpResponse.BodyHandlers.ofInputStream(), "response headers");
            StreamReader reader = new StreamReader(backend, resp.body());
            try {
                reader.read(resp, listener);
            } finally {
                reader.close();
            }
        } finally {
            s.release();
        }
    }

    /** Reads one streamed answer under an idle watchdog. */
    private static final class StreamReader {
        private final Backend backend;
        private final InputStream in;
        private final IdleWatchdog watchdog;
        private int events;

        StreamReader(Backend backend, InputStream in) {
            this.backend = backend;
            this.in = in;
            this.watchdog = new IdleWatchdog(in, backend.timeout());
        }

        void read(HttpResponse<InputStream> resp, StreamListener listener) throws BackendException {
            try {
                if (resp.statusCode() / 100 != 2) {
                    throw statusError(backend, resp.statusCode(), resp.headers(), in.readNBytes(MAX_ERROR_BODY));
                }
                String type = resp.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
                if (type.startsWith("application/json")) {
                    // The server ignored stream: true. The answer is whole and paid for: pass it on as one chunk.
                    ObjectNode chunk = asChunk(completionObject(backend, resp.statusCode(),
                            BoundedBodies.readAll(in, backend.maxResponseBytes())));
                    listener.onOpen();
                    events++;
                    listener.onEvent(JSON.writeValueAsString(chunk));
                    return;
                }
                listener.onOpen();
                relayLines(listener);
            } catch (BoundedBodies.TooLarge e) {
                throw tooLarge(backend, e, events);
            } catch (IOException e) {
                if (watchdog.fired()) {
                    throw new BackendException(backend.name(), events == 0 ? BackendException.Kind.TIMEOUT
                            : BackendException.Kind.CONNECTION, -1, null, "stream sent nothing for "
                            + backend.timeout().toMillis() + " ms" + (events == 0 ? "" : " after " + events + " events"), e);
                }
                throw new BackendException(backend.name(), BackendException.Kind.CONNECTION, -1, null,
                        "stream broke: " + e.getMessage(), e);
            }
        }

        private void relayLines(StreamListener listener) throws IOException, BackendException {
            BoundedBodies.LineReader lines = new BoundedBodies.LineReader(in, backend.maxEventBytes());
            boolean finished = false;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                watchdog.touch();
                if (!line.startsWith("data:")) {
                    continue;
                }
                String data = line.substring(5).strip();
                if (data.equals("[DONE]")) {
                    return;
                }
                finished |= hasFinishReason(data);
                events++;
                listener.onEvent(data);
            }
            if (events > 0 && !finished) {
                throw new BackendException(backend.name(), BackendException.Kind.CONNECTION, -1, null,
                        "stream ended after " + events + " events without [DONE] or a finish_reason: the answer is cut short",
                        null);
            }
        }

        void close() {
            watchdog.stop();
            try {
                in.close();
            } catch (IOException ignored) {
                // nothing more to read from it either way
            }
        }
    }

    /** Whether an SSE chunk ends a choice: a non-null {@code finish_reason}. Parses only chunks that mention one. */
    private static boolean hasFinishReason(String data) {
        if (!data.contains("finish_reason")) {
            return false;
        }
        try {
            for (JsonNode choice : JSON.readTree(data).path("choices")) {
                if (choice.path("finish_reason").isTextual()) {
                    return true;
                }
            }
        } catch (JsonProcessingException e) {
            // not JSON: not a finish
        }
        return false;
    }

    /**
     * A whole chat completion as the one chunk a stream would have carried: {@code object} is
     * {@code chat.completion.chunk} and each choice's {@code message} becomes its {@code delta} (tool calls get the
     * {@code index} that streamed tool calls carry); everything else is kept.
     */
    static ObjectNode asChunk(ObjectNode completion) {
        ObjectNode chunk = completion.deepCopy();
        chunk.put("object", "chat.completion.chunk");
        ArrayNode choices = chunk.putArray("choices");
        int i = 0;
        for (JsonNode c : completion.path("choices")) {
            ObjectNode out = choices.addObject();
            out.put("index", c.path("index").asInt(i++));
            ObjectNode delta = c.path("message") instanceof ObjectNode m ? m.deepCopy() : JSON.createObjectNode();
            if (delta.get("tool_calls") instanceof ArrayNode calls) {
                for (int k = 0; k < calls.size(); k++) {
                    if (calls.get(k) instanceof ObjectNode call && !call.has("index")) {
                        call.put("index", k);
                    }
                }
            }
            out.set("delta", delta);
            out.set("finish_reason", c.has("finish_reason") ? c.get("finish_reason") : NullNode.getInstance());
            if (c.has("logprobs")) {
                out.set("logprobs", c.get("logprobs"));
            }
        }
        return chunk;
    }

    /**
     * Closes a response body that has been silent for longer than {@code idle}. It checks when due and reschedules
     * itself for the rest of the window, so a busy stream costs one timestamp write per line.
     */
    private static final class IdleWatchdog implements Runnable {
        private final InputStream body;
        private final long idleNanos;
        private volatile long lastNanos = System.nanoTime();
        private volatile boolean fired;
        private boolean stopped;
        private ScheduledFuture<?> next;

        IdleWatchdog(InputStream body, Duration idle) {
            this.body = body;
            this.idleNanos = saturatedNanos(idle);
            schedule(idleNanos);
        }

        void touch() {
            lastNanos = System.nanoTime();
        }

        boolean fired() {
            return fired;
        }

        @Override
        public void run() {
            long idle = System.nanoTime() - lastNanos;
            if (idle < idleNanos) {
                schedule(idleNanos - idle);
                return;
            }
            synchronized (this) {
                if (stopped) {
                    return;
                }
                fired = true;
            }
            try {
                body.close();  // the reader's blocked read now fails
            } catch (IOException ignored) {
                // closing is all that was wanted
            }
        }

        private synchronized void schedule(long nanos) {
            if (!stopped) {
                next = WATCHDOG.schedule(this, nanos, TimeUnit.NANOSECONDS);
            }
        }

        synchronized void stop() {
            stopped = true;
            if (next != null) {
                next.cancel(false);
            }
        }
    }

    /** Waits up to the backend's timeout for one of its permits; the caller releases it. */
    private Semaphore acquire(Backend backend) throws BackendException, InterruptedException {
        Semaphore s = permit(backend);
        if (!s.tryAcquire(saturatedNanos(backend.timeout()), TimeUnit.NANOSECONDS)) {
            throw new BackendException(backend.name(), BackendException.Kind.OVERLOADED, -1, null,
                    "at its limit of " + limit(backend) + " concurrent requests; none finished within "
                            + backend.timeout().toMillis() + " ms", null);
        }
        return s;
    }

    /**
     * Sends and waits for the response, at most the backend's timeout: for a byte-array body that is the whole answer,
     * for a stream its headers. A late response is cancelled (which closes its connection).
     */
    private <T> HttpResponse<T> send(Backend backend, ObjectNode req, HttpResponse.BodyHandler<T> handler, String what)
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
        CompletableFuture<HttpResponse<T>> response =
                http.sendAsync(rb.POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), handler);
        try {
            return response.get(saturatedNanos(backend.timeout()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            response.cancel(true);
            throw new BackendException(backend.name(), BackendException.Kind.TIMEOUT, -1, null,
                    "no " + what + " within " + backend.timeout().toMillis() + " ms", e);
        } catch (InterruptedException e) {
            response.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            throw sendFailure(backend, e.getCause());
        }
    }

    private static BackendException tooLarge(Backend backend, BoundedBodies.TooLarge e, int events) {
        return new BackendException(backend.name(), BackendException.Kind.TOO_LARGE, 200, null, e.getMessage()
                + (events > 0 ? " (after " + events + " events)" : "") + "; reading stopped there", e);
    }

    private static BackendException sendFailure(Backend backend, Throwable e) {
        if (BoundedBodies.cause(e) != null) {
            return tooLarge(backend, BoundedBodies.cause(e), 0);
        }
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof HttpConnectTimeoutException) {
            return new BackendException(backend.name(), BackendException.Kind.CONNECTION, -1, null,
                    "connect timed out to " + backend.baseUrl(), e);
        }
        if (e instanceof HttpTimeoutException) {
            return new BackendException(backend.name(), BackendException.Kind.TIMEOUT, -1, null,
                    "no answer within " + backend.timeout().toMillis() + " ms", e);
        }
        if (e instanceof ConnectException) {
            return new BackendException(backend.name(), BackendException.Kind.CONNECTION, -1, null,
                    "cannot connect to " + backend.baseUrl(), e);
        }
        if (e instanceof IOException) {
            return new BackendException(backend.name(), BackendException.Kind.CONNECTION, -1, null,
                    "connection failed: " + e.getMessage(), e);
        }
        return new BackendException(backend.name(), BackendException.Kind.CONNECTION, -1, null,
                "request failed: " + e, e);
    }

    private static BackendException statusError(Backend backend, int status, HttpHeaders headers, byte[] bytes) {
        Duration retryAfter = headers.firstValue("Retry-After").flatMap(RetryAfter::parse).orElse(null);
        String body = new String(bytes, StandardCharsets.UTF_8);
        String message = body;
        ObjectNode error = null;
        try {
            JsonNode tree = JSON.readTree(body);
            if (tree != null && tree.get("error") instanceof ObjectNode e) {
                error = e;
                if (e.path("message").isTextual()) {
                    message = e.path("message").asText();
                }
            }
        } catch (JsonProcessingException ignored) {
            // keep the raw body, shortened below
        }
        message = message.replaceAll("\\s+", " ").strip();
        if (message.length() > 300) {
            message = message.substring(0, 300) + "...";
        }
        return new BackendException(backend.name(), BackendException.Kind.STATUS, status, retryAfter, error,
                "HTTP " + status + (message.isEmpty() ? "" : ": " + message), null);
    }

    private static long saturatedNanos(Duration d) {
        try {
            return Math.max(0, d.toNanos());
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private Semaphore permit(Backend backend) {
        return permits.computeIfAbsent(backend.name(), k -> new Semaphore(limit(backend), true));
    }

    /** The requests this client sends to {@code backend} at once: its {@code maxConcurrent}. */
    public int limit(Backend backend) {
        return backend.maxConcurrent();
    }

    /** Free permits now: requests to this backend in flight or waiting right now is {@code limit - available}. */
    public int available(Backend backend) {
        return permit(backend).availablePermits();
    }

    /** Pre-creates the permits (optional; they are otherwise made on first use). */
    public void register(Collection<Backend> backends) {
        backends.forEach(this::permit);
    }
}
