package dev.zooterj.gateway.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zooterj.gateway.backend.Backend;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Calls OpenAI-compatible {@code /chat/completions} endpoints over {@link NettyTransport}: HTTP/1.1, plain or TLS, on
 * the shared {@link EventLoops}, keep-alive connections pooled per origin and event loop, streams included; a
 * non-streamed call made on a loop is answered on that loop. No retries here: callers decide (collect retries with
 * back-off; the gateway falls back to the next model), except that the transport sends a request once more on a fresh
 * connection when a reused keep-alive connection closes before a byte of the answer came.
 *
 * <p><b>Concurrency.</b> Each backend gets {@link Backend#maxConcurrent()} permits, shared by every caller of this
 * client (to send fewer, e.g. for collect's {@code --concurrency}, pass {@link Backend#withConcurrencyLimit(int)}
 * copies). A call waits for one at most the backend's timeout; a backend
 * still at its limit by then fails the call with {@link BackendException.Kind#OVERLOADED} (retryable), so one slow
 * backend cannot queue requests without bound. The connection pool of a backend's origin (scheme, host, port) holds up
 * to the sum of the limits of the backends registered on it, so a request that holds a permit never waits for a
 * connection.
 *
 * <p><b>Timeouts.</b> The backend's timeout bounds the whole non-streamed answer, headers and body, and for a stream the
 * wait for the headers and then every silence between two lines (the reader's wait for the next bytes gives up, and
 * the connection is closed). Worst case a call takes twice the timeout (the wait for a permit, then the answer); a
 * stream takes as long as the backend keeps sending.
 *
 * <p><b>Sizes.</b> A non-streamed answer is read whole into memory, so it is read up to the backend's
 * {@code maxResponseBytes} and no further: a larger one fails the call as {@link BackendException.Kind#TOO_LARGE}
 * (as does a stream event over {@code maxEventBytes}). A stream is passed on event by event and never held whole (at
 * most 256 KiB of it wait unread before the backend's connection stops being read); an error status's body is cut to
 * 64 KiB. Answers are read as sent: no {@code Accept-Encoding} is offered.
 *
 * <p>The API key is read from the backend's environment variable at each call and sent as a Bearer token; it never
 * appears in an exception message.
 */
public final class BackendClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Largest error body read from a backend: enough for any error object, bounded against a runaway one. */
    static final int MAX_ERROR_BODY = 64 * 1024;
    /** Smallest connection pool of an origin no backend was registered for. */
    private static final int DEFAULT_POOL = 64;
    /** One daemon thread for every client's timers: the end of permit waits. */
    private static final ScheduledThreadPoolExecutor WATCHDOG = watchdogExecutor();
    /** Per origin ("scheme://host:port"): each registered backend name's limit; the pool holds their sum. */
    private static final Map<String, Map<String, Integer>> ORIGIN_LIMITS = new ConcurrentHashMap<>();

    private final Map<String, Permits> permits = new ConcurrentHashMap<>();

    /** Each backend's {@code maxConcurrent} requests at once. */
    public BackendClient() {
    }

    /** The connections an origin ({@link #originKey}) may keep: the sum of its backends' limits, else 64. */
    static int poolSize(String originKey) {
        Map<String, Integer> limits = ORIGIN_LIMITS.get(originKey);
        int sum = limits == null ? 0 : limits.values().stream().mapToInt(Integer::intValue).sum();
        return Math.max(sum, limits == null ? DEFAULT_POOL : 1);
    }

    static String originKey(String scheme, String host, int port) {
        String s = scheme.toLowerCase(Locale.ROOT);
        int p = port > 0 ? port : s.equals("https") ? 443 : 80;
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return s + "://" + h + ":" + p;
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
        Captured resp = sendComplete(backend, body);
        return RawAnswer.scan(backend.name(), resp.status(), resp.body(), System.nanoTime() - t0);
    }

    /**
     * {@link #relayRaw} without a waiting thread: the permit wait, the call and the check all complete the returned
     * future, on an event loop of {@link EventLoops} (or the caller's thread, when a failure is known at once); when
     * called from one of those loops, on that loop, even when the call first waited for a permit. It fails with the
     * {@link BackendException} that {@link #relayRaw} throws; the backend's timeout bounds the permit wait and then the
     * whole answer, as there.
     */
    public CompletableFuture<RawAnswer> relayRawAsync(Backend backend, ObjectNode body) {
        CompletableFuture<RawAnswer> out = new CompletableFuture<>();
        long t0 = System.nanoTime();
        Call call;
        try {
            call = call(backend, body, false);
        } catch (BackendException e) {
            out.completeExceptionally(e);
            return out;
        }
        Permits p = permit(backend);
        // The caller's loop, kept for a call that waits for a permit (granted on whichever thread released one).
        io.netty.channel.EventLoop loop = EventLoops.loopFor(Thread.currentThread());
        p.acquire(saturatedNanos(backend.timeout())).whenComplete((granted, waitFailure) -> {
            if (waitFailure != null) {
                // on the caller's loop, not the permit timer's thread (the fallback's next call runs where this completes)
                loop.execute(() -> out.completeExceptionally(overloaded(backend)));
                return;
            }
            Capture c;
            try {
                c = NettyTransport.send(call, backend.maxResponseBytes(), saturatedNanos(backend.timeout()), loop);
            } catch (RuntimeException e) {
                p.release();
                out.completeExceptionally(sendFailure(backend, e));
                return;
            }
            c.whenComplete((resp, failure) -> {
                p.release();
                try {
                    if (failure != null) {
                        throw sendFailure(backend, failure);
                    }
                    if (resp.status() / 100 != 2) {
                        throw statusError(backend, resp.status(), resp.retryAfter(), resp.body());
                    }
                    out.complete(RawAnswer.scan(backend.name(), resp.status(), resp.body(), System.nanoTime() - t0));
                } catch (BackendException e) {
                    out.completeExceptionally(e);
                } catch (RuntimeException e) {
                    out.completeExceptionally(e);
                }
            });
        });
        return out;
    }

    /** A status, its Retry-After header (or null) and a body read whole (an error body possibly cut). */
    record Captured(int status, String retryAfter, byte[] body) {
    }

    /** One request ready to send: the backend, its URI, the API key (or null) and the JSON body. */
    record Call(Backend backend, String key, byte[] body) {
    }

    /** The request for {@code backend}: {@code body} with its model id and {@code stream} set, and the key. */
    private static Call call(Backend backend, ObjectNode body, boolean stream) throws BackendException {
        String key;
        try {
            key = backend.apiKey().orElse(null);
        } catch (IllegalStateException e) {
            throw new BackendException(backend.name(), BackendException.Kind.CONFIGURATION, -1, null, e.getMessage(), null);
        }
        return new Call(backend, key, requestBytes(body, backend.model(), stream));
    }

    /**
     * {@code body} written with {@code model} and {@code stream} set, without copying its tree: the same bytes as a
     * deep copy with both put and then serialised (each replaced where it stands, else added at the end, in that order).
     */
    static byte[] requestBytes(ObjectNode body, String model, boolean stream) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
            g.writeStartObject();
            boolean modelWritten = false;
            boolean streamWritten = false;
            for (java.util.Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("model")) {
                    g.writeStringField("model", model);
                    modelWritten = true;
                } else if (e.getKey().equals("stream")) {
                    g.writeBooleanField("stream", stream);
                    streamWritten = true;
                } else {
                    g.writeFieldName(e.getKey());
                    JSON.writeTree(g, e.getValue());
                }
            }
            if (!modelWritten) {
                g.writeStringField("model", model);
            }
            if (!streamWritten) {
                g.writeBooleanField("stream", stream);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException(e);  // writing to memory
        }
        return out.toByteArray();
    }

    /** Sends a non-streamed request; the capture completes with the whole (bounded) answer or the failure. */
    private static Capture send(Call call, long maxOk) {
        return NettyTransport.send(call, maxOk, saturatedNanos(call.backend().timeout()));
    }

    /**
     * A whole answer on its way: it completes with the (bounded) answer or the failure, and {@link #abort} stops it and
     * drops its connection.
     */
    abstract static class Capture extends CompletableFuture<Captured> {
        /** Fails the call with {@code cause} (if it is not done) and closes its connection; from any thread. */
        abstract void abort(Throwable cause);
    }

    /**
     * One non-streamed request with the backend's model, under its concurrency limit; it completes only with the whole
     * body, so the deadline covers it too, and it stops reading at maxResponseBytes. A non-2xx status is thrown as a
     * {@link BackendException}.
     */
    private Captured sendComplete(Backend backend, ObjectNode body) throws BackendException, InterruptedException {
        Call call = call(backend, body, false);
        if (EventLoops.inEventLoop()) {
            // The answer would be read by the very thread that waits for it: use relayRawAsync there.
            throw new IllegalStateException("a blocking backend call on an event loop thread ("
                    + Thread.currentThread().getName() + "); use relayRawAsync");
        }
        Permits s = acquire(backend);
        try {
            Captured resp = await(backend, send(call, backend.maxResponseBytes()));
            if (resp.status() / 100 != 2) {
                throw statusError(backend, resp.status(), resp.retryAfter(), resp.body());
            }
            return resp;
        } finally {
            s.release();
        }
    }

    /** Waits for a whole answer, at most the backend's timeout; a late one is aborted (which closes its connection). */
    private static Captured await(Backend backend, Capture c) throws BackendException, InterruptedException {
        try {
            return c.get(saturatedNanos(backend.timeout()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            c.abort(e);
            throw new BackendException(backend.name(), BackendException.Kind.TIMEOUT, -1, null,
                    "no complete answer within " + backend.timeout().toMillis() + " ms", e);
        } catch (InterruptedException e) {
            c.abort(e);
            throw e;
        } catch (ExecutionException e) {
            throw sendFailure(backend, e.getCause());
        }
    }

    private Completion complete(Backend backend, ObjectNode body, boolean requireContent)
            throws BackendException, InterruptedException {
        long t0 = System.nanoTime();
        Captured resp = sendComplete(backend, body);
        ObjectNode tree = completionObject(backend, resp.status(), resp.body());
        JsonNode msg = tree.path("choices").path(0).path("message");
        if (requireContent && !msg.path("content").isTextual()) {
            throw new BackendException(backend.name(), BackendException.Kind.MALFORMED, resp.status(), null,
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
        Call call = call(backend, body, true);
        if (EventLoops.inEventLoop()) {
            // The stream would be read by the very thread that has to wait for it.
            throw new IllegalStateException("a backend stream read on an event loop thread ("
                    + Thread.currentThread().getName() + ")");
        }
        Permits s = acquire(backend);
        try {
            long timeout = saturatedNanos(backend.timeout());
            NettyTransport.Streamed in = NettyTransport.stream(call, timeout);
            boolean finished = false;
            try {
                NettyTransport.Head head;
                try {
                    head = in.head(timeout);
                } catch (TimeoutException e) {
                    throw new BackendException(backend.name(), BackendException.Kind.TIMEOUT, -1, null,
                            "no response headers within " + backend.timeout().toMillis() + " ms", e);
                } catch (ExecutionException e) {
                    throw sendFailure(backend, e.getCause());
                }
                finished = new StreamReader(backend, in).read(head, listener);
            } finally {
                in.close(finished);  // a stream left early drops its connection rather than pool it half read
            }
        } finally {
            s.release();
        }
    }

    /** Reads one streamed answer; every wait for more of it ends after the backend's timeout of silence. */
    private static final class StreamReader {
        private final Backend backend;
        private final NettyTransport.Streamed in;
        private int events;

        StreamReader(Backend backend, NettyTransport.Streamed in) {
            this.backend = backend;
            this.in = in;
        }

        /** Passes the answer on; true when it was read to its end ({@code [DONE]}, or the body's end). */
        boolean read(NettyTransport.Head head, StreamListener listener) throws BackendException {
            try {
                if (head.status() / 100 != 2) {
                    throw statusError(backend, head.status(), head.retryAfter(), in.readNBytes(MAX_ERROR_BODY));
                }
                String type = String.valueOf(head.contentType()).toLowerCase(Locale.ROOT);
                if (type.startsWith("application/json")) {
                    // The server ignored stream: true. The answer is whole and paid for: pass it on as one chunk.
                    ObjectNode chunk = asChunk(completionObject(backend, head.status(),
                            BoundedBodies.readAll(in, backend.maxResponseBytes())));
                    listener.onOpen();
                    events++;
                    listener.onEvent(JSON.writeValueAsString(chunk));
                    return true;
                }
                listener.onOpen();
                relayLines(listener);
                return true;
            } catch (BoundedBodies.TooLarge e) {
                throw tooLarge(backend, e, events);
            } catch (IOException e) {
                if (in.fired()) {
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
                in.checkIdle();  // the listener's time counts: one blocked that long ends the stream
                in.touch();
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

    /** Waits up to the backend's timeout for one of its permits; the caller releases it. */
    private Permits acquire(Backend backend) throws BackendException, InterruptedException {
        Permits p = permit(backend);
        CompletableFuture<Void> w = p.acquire(saturatedNanos(backend.timeout()));
        try {
            w.get();
        } catch (InterruptedException e) {
            p.cancel(w);
            throw e;
        } catch (ExecutionException e) {
            throw overloaded(backend);
        }
        return p;
    }

    private BackendException overloaded(Backend backend) {
        return new BackendException(backend.name(), BackendException.Kind.OVERLOADED, -1, null,
                "at its limit of " + limit(backend) + " concurrent requests; none finished within "
                        + backend.timeout().toMillis() + " ms", null);
    }

    private static BackendException tooLarge(Backend backend, BoundedBodies.TooLarge e, int events) {
        return new BackendException(backend.name(), BackendException.Kind.TOO_LARGE, 200, null, e.getMessage()
                + (events > 0 ? " (after " + events + " events)" : "") + "; reading stopped there", e);
    }

    private static BackendException sendFailure(Backend backend, Throwable e) {
        if (BoundedBodies.cause(e) != null) {
            return tooLarge(backend, BoundedBodies.cause(e), 0);
        }
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof SocketTimeoutException) {
            return new BackendException(backend.name(), BackendException.Kind.CONNECTION, -1, null,
                    "connect timed out to " + backend.baseUrl(), e);
        }
        if (e instanceof TimeoutException) {
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

    private static BackendException statusError(Backend backend, int status, String retryAfterHeader, byte[] bytes) {
        Duration retryAfter = retryAfterHeader == null ? null : RetryAfter.parse(retryAfterHeader).orElse(null);
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

    private Permits permit(Backend backend) {
        Permits p = permits.get(backend.name());
        return p != null ? p : permits.computeIfAbsent(backend.name(), k -> {
            registerOrigin(backend);
            return new Permits(limit(backend), WATCHDOG);
        });
    }

    /** Counts the backend's limit into its origin's connection pool (a pool already made keeps its size). */
    private static void registerOrigin(Backend backend) {
        java.net.URI u = backend.chatCompletionsUri();
        if (u.getScheme() == null || u.getHost() == null) {
            return;
        }
        ORIGIN_LIMITS.computeIfAbsent(originKey(u.getScheme(), u.getHost(), u.getPort()), k -> new ConcurrentHashMap<>())
                .merge(backend.name(), backend.maxConcurrent(), Math::max);
    }

    /** The requests this client sends to {@code backend} at once: its {@code maxConcurrent}. */
    public int limit(Backend backend) {
        return backend.maxConcurrent();
    }

    /** Free permits now: requests to this backend in flight or waiting right now is {@code limit - available}. */
    public int available(Backend backend) {
        return permit(backend).available();
    }

    /**
     * Pre-creates the permits and sizes the connection pools, and reads the trust store when a backend is https
     * (optional; all are otherwise made on first use, the trust store then on an event loop).
     */
    public void register(Collection<Backend> backends) {
        backends.forEach(this::permit);
        if (backends.stream().anyMatch(b -> "https".equalsIgnoreCase(b.baseUrl().getScheme()))) {
            try {
                NettyTransport.prepareTls();  // the trust store is read here, not on an event loop at the first call
            } catch (javax.net.ssl.SSLException e) {
                throw new IllegalStateException("cannot set up TLS for the https backends: " + e.getMessage(), e);
            }
        }
    }
}
