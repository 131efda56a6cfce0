package dev.zooterj.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A real OpenAI-compatible HTTP server on loopback for tests (JDK HttpServer, no mocks): {@code POST
 * /v1/chat/completions} (plain and {@code "stream": true} SSE) and {@code GET /v1/models}. What it answers is decided
 * per request by a {@link Responder}; presets cover deterministic, slow, failing, rate-limited, malformed and
 * streaming backends. Every request is recorded, so tests can assert what was sent and how often.
 */
public final class StubOpenAiServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        // As GatewayServer does: no Nagle delay between a response's headers and body (the JDK server reads this once,
        // when the first server in the JVM starts, which in tests is usually a stub).
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /** What the stub saw: the parsed body, the first user message, and the Authorization header (or null). */
    public record Request(JsonNode body, String model, String userMessage, String authorization, boolean stream) {
    }

    /**
     * What to answer. {@code status != 200}: the body is {@code errorBody} (or an OpenAI-style error). For 200, the
     * content is sent as one message, or when the request streams, as {@code chunks} SSE events (the content split in
     * that many pieces). {@code malformed}: send a body that is not JSON. {@code delayMs}: sleep before answering.
     * {@code chunkDelayMs}: sleep before each streamed chunk after the first. {@code breakAfterChunks} (when &gt;= 0):
     * a stream that stops after that many chunks and drops the connection, as a backend that dies mid-answer.
     * {@code stallMs} (when {@code stallAfterChunks} &gt;= 0): a pause after the 200 headers and that many chunks (a
     * plain answer: after the headers, before the body), as a backend that hangs mid-answer. {@code endAfterChunks}
     * (when &gt;= 0): a stream that ends cleanly after that many chunks, with no finish chunk and no {@code [DONE]}.
     * {@code ignoreStream}: a plain JSON answer even to a streamed request, as servers that ignore {@code stream}.
     */
    public record Reply(int status, String content, long delayMs, boolean malformed, int chunks, String retryAfter,
                        String errorBody, long chunkDelayMs, int breakAfterChunks, long stallMs, int stallAfterChunks,
                        int endAfterChunks, boolean ignoreStream, Flood flood) {
        public Reply(int status, String content, long delayMs, boolean malformed, int chunks, String retryAfter,
                     String errorBody) {
            this(status, content, delayMs, malformed, chunks, retryAfter, errorBody, 0, -1);
        }

        public Reply(int status, String content, long delayMs, boolean malformed, int chunks, String retryAfter,
                     String errorBody, long chunkDelayMs, int breakAfterChunks) {
            this(status, content, delayMs, malformed, chunks, retryAfter, errorBody, chunkDelayMs, breakAfterChunks, 0,
                    -1, -1, false, null);
        }

        /** A 200 whose headers go out at once and whose body (a stream: its first chunk) waits {@code ms}. */
        public Reply stallAfterHeaders(long ms) {
            return stallAfter(0, ms);
        }

        /** A stream that pauses {@code ms} after its first {@code chunks} chunks (0: right after the headers). */
        public Reply stallAfter(int chunks, long ms) {
            return new Reply(status, content, delayMs, malformed, this.chunks, retryAfter, errorBody, chunkDelayMs,
                    breakAfterChunks, ms, chunks, endAfterChunks, ignoreStream, flood);
        }

        /** A stream that ends cleanly after {@code n} chunks: no finish chunk, no {@code [DONE]}; a truncated answer. */
        public Reply endAfter(int n) {
            return new Reply(status, content, delayMs, malformed, chunks, retryAfter, errorBody, chunkDelayMs,
                    breakAfterChunks, stallMs, stallAfterChunks, n, ignoreStream, flood);
        }

        /** Answers a streamed request with one plain JSON completion. */
        public Reply ignoringStream() {
            return new Reply(status, content, delayMs, malformed, chunks, retryAfter, errorBody, chunkDelayMs,
                    breakAfterChunks, stallMs, stallAfterChunks, endAfterChunks, true, flood);
        }

        /**
         * A backend that sends more than anyone should read: {@code bytes} of one plain answer (a valid completion whose
         * content is that long), an endless stream of ordinary chunks, or one stream event of {@code bytes}.
         */
        public Reply flooding(Flood flood) {
            return new Reply(status, content, delayMs, malformed, chunks, retryAfter, errorBody, chunkDelayMs,
                    breakAfterChunks, stallMs, stallAfterChunks, endAfterChunks, ignoreStream, flood);
        }

        /** An error status with this body (e.g. an OpenAI error object). */
        public Reply withErrorBody(String body) {
            return new Reply(status, content, delayMs, malformed, chunks, retryAfter, body, chunkDelayMs,
                    breakAfterChunks, stallMs, stallAfterChunks, endAfterChunks, ignoreStream, flood);
        }

        public static Reply ok(String content) {
            return new Reply(200, content, 0, false, 4, null, null);
        }

        public static Reply error(int status) {
            return new Reply(status, null, 0, false, 0, null, null);
        }

        public static Reply malformedJson() {
            return new Reply(200, null, 0, true, 0, null, null);
        }

        public Reply delayed(long ms) {
            return new Reply(status, content, ms, malformed, chunks, retryAfter, errorBody, chunkDelayMs, breakAfterChunks,
                    stallMs, stallAfterChunks, endAfterChunks, ignoreStream, flood);
        }

        public Reply withRetryAfter(String seconds) {
            return new Reply(status, content, delayMs, malformed, chunks, seconds, errorBody, chunkDelayMs, breakAfterChunks,
                    stallMs, stallAfterChunks, endAfterChunks, ignoreStream, flood);
        }

        public Reply inChunks(int n) {
            return new Reply(status, content, delayMs, malformed, n, retryAfter, errorBody, chunkDelayMs, breakAfterChunks,
                    stallMs, stallAfterChunks, endAfterChunks, ignoreStream, flood);
        }

        /** Streams with a pause before every chunk after the first, so a client can see chunks arrive one by one. */
        public Reply chunkDelay(long ms) {
            return new Reply(status, content, delayMs, malformed, chunks, retryAfter, errorBody, ms, breakAfterChunks,
                    stallMs, stallAfterChunks, endAfterChunks, ignoreStream, flood);
        }

        /** A stream that sends {@code n} chunks and then drops the connection (no {@code [DONE]}). */
        public Reply breakAfter(int n) {
            return new Reply(status, content, delayMs, malformed, chunks, retryAfter, errorBody, chunkDelayMs, n,
                    stallMs, stallAfterChunks, endAfterChunks, ignoreStream, flood);
        }
    }

    /** How a flooding backend misbehaves ({@link Reply#flooding}); {@code bytes} is ignored by ENDLESS_STREAM. */
    public record Flood(Kind kind, long bytes) {
        public enum Kind { HUGE_ANSWER, ENDLESS_STREAM, GIANT_EVENT }

        public static Flood hugeAnswer(long bytes) {
            return new Flood(Kind.HUGE_ANSWER, bytes);
        }

        public static Flood endlessStream() {
            return new Flood(Kind.ENDLESS_STREAM, 0);
        }

        public static Flood giantEvent(long bytes) {
            return new Flood(Kind.GIANT_EVENT, bytes);
        }
    }

    /** Decides the reply; {@code n} is the 1-based count of requests this server has received, this one included. */
    public interface Responder {
        Reply reply(Request request, int n);
    }

    /** Answers {@code "<name> says: <user message>"}: deterministic, distinct per backend. */
    public static Responder echo(String name) {
        return (r, n) -> Reply.ok(name + " says: " + r.userMessage());
    }

    public static Responder fixed(Function<Request, String> content) {
        return (r, n) -> Reply.ok(content.apply(r));
    }

    public static Responder alwaysStatus(int status) {
        return (r, n) -> Reply.error(status);
    }

    private final String name;
    private final HttpServer server;
    private final ExecutorService pool;
    private volatile Responder responder;
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger count = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong floodBytes = new java.util.concurrent.atomic.AtomicLong();
    private final Map<String, AtomicInteger> perMessage = new ConcurrentHashMap<>();

    private StubOpenAiServer(String name, Responder responder) throws IOException {
        this.name = name;
        this.responder = responder;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        this.pool = Executors.newFixedThreadPool(64, r -> {
            Thread t = new Thread(r, "stub-" + name);
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        server.createContext("/v1/chat/completions", this::chat);
        server.createContext("/v1/models", this::models);
        server.start();
    }

    /** Starts a stub on a free loopback port. */
    public static StubOpenAiServer start(String name, Responder responder) {
        try {
            return new StubOpenAiServer(name, responder);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The API base to put in a backends file: {@code http://127.0.0.1:PORT/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    public String name() {
        return name;
    }

    public void setResponder(Responder responder) {
        this.responder = responder;
    }

    /** Chat requests received so far. */
    public int requestCount() {
        return count.get();
    }

    /** Bytes of flood ({@link Reply#flooding}) the stub managed to write, over all requests: what its clients read. */
    public long floodBytesSent() {
        return floodBytes.get();
    }

    /** How many requests carried this first user message. */
    public int requestsFor(String userMessage) {
        AtomicInteger c = perMessage.get(userMessage);
        return c == null ? 0 : c.get();
    }

    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    private void chat(HttpExchange ex) throws IOException {
        try (ex) {
            if (!"POST".equals(ex.getRequestMethod())) {
                send(ex, 405, "{\"error\":{\"message\":\"POST only\"}}");
                return;
            }
            JsonNode body = JSON.readTree(ex.getRequestBody().readAllBytes());
            String user = null;
            for (JsonNode m : body.path("messages")) {
                if ("user".equals(m.path("role").asText())) {
                    user = m.path("content").asText();
                    break;
                }
            }
            Request req = new Request(body, body.path("model").asText(), user,
                    ex.getRequestHeaders().getFirst("Authorization"), body.path("stream").asBoolean(false));
            int n = count.incrementAndGet();
            requests.add(req);
            perMessage.computeIfAbsent(String.valueOf(user), k -> new AtomicInteger()).incrementAndGet();
            Reply reply = responder.reply(req, n);
            if (reply.delayMs() > 0) {
                try {
                    Thread.sleep(reply.delayMs());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (reply.retryAfter() != null) {
                ex.getResponseHeaders().set("Retry-After", reply.retryAfter());
            }
            if (reply.status() != 200) {
                send(ex, reply.status(), reply.errorBody() != null ? reply.errorBody()
                        : "{\"error\":{\"message\":\"stub " + name + " failed with " + reply.status()
                        + "\",\"type\":\"server_error\"}}");
                return;
            }
            if (reply.flood() != null) {
                flood(ex, req, reply.flood());
                return;
            }
            if (reply.malformed()) {
                send(ex, 200, "{\"id\": \"chatcmpl-broken\", \"choices\": [ {\"message\": ");
                return;
            }
            int promptTokens = user == null ? 0 : user.split("\\s+").length;
            int completionTokens = reply.content().split("\\s+").length;
            if (req.stream() && !reply.ignoreStream()) {
                stream(ex, req, reply, promptTokens, completionTokens);
            } else {
                ObjectNode resp = JSON.createObjectNode();
                resp.put("id", "chatcmpl-" + name + "-" + n);
                resp.put("object", "chat.completion");
                resp.put("created", 1_700_000_000L);
                resp.put("model", req.model());
                ArrayNode choices = resp.putArray("choices");
                ObjectNode c = choices.addObject();
                c.put("index", 0);
                c.putObject("message").put("role", "assistant").put("content", reply.content());
                c.put("finish_reason", "stop");
                resp.putObject("usage").put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens)
                        .put("total_tokens", promptTokens + completionTokens);
                if (reply.stallAfterChunks() >= 0) {
                    byte[] b = JSON.writeValueAsBytes(resp);
                    ex.getResponseHeaders().set("Content-Type", "application/json");
                    ex.sendResponseHeaders(200, b.length);
                    ex.getResponseBody().flush();
                    if (!pause(reply.stallMs())) {
                        return;
                    }
                    ex.getResponseBody().write(b);
                    return;
                }
                send(ex, 200, JSON.writeValueAsString(resp));
            }
        }
    }

    private void stream(HttpExchange ex, Request req, Reply reply, int promptTokens, int completionTokens) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        // A stream that breaks promises far more bytes than it sends: closing it short drops the connection.
        ex.sendResponseHeaders(200, reply.breakAfterChunks() >= 0 ? 1 << 20 : 0);
        OutputStream os = ex.getResponseBody();
        String content = reply.content();
        int pieces = Math.max(1, Math.min(reply.chunks(), content.length()));
        String id = "chatcmpl-" + name + "-" + count.get();
        for (int i = 0; i < pieces; i++) {
            if (i == reply.breakAfterChunks() || i == reply.endAfterChunks()) {
                os.flush();
                return;
            }
            if (i == reply.stallAfterChunks()) {
                os.flush();
                if (!pause(reply.stallMs())) {
                    return;
                }
            }
            if (i > 0 && reply.chunkDelayMs() > 0) {
                try {
                    Thread.sleep(reply.chunkDelayMs());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            String part = content.substring(i * content.length() / pieces, (i + 1) * content.length() / pieces);
            ObjectNode chunk = JSON.createObjectNode();
            chunk.put("id", id);
            chunk.put("object", "chat.completion.chunk");
            chunk.put("created", 1_700_000_000L);
            chunk.put("model", req.model());
            ObjectNode c = chunk.putArray("choices").addObject();
            c.put("index", 0);
            ObjectNode delta = c.putObject("delta");
            if (i == 0) {
                delta.put("role", "assistant");
            }
            delta.put("content", part);
            c.putNull("finish_reason");
            os.write(("data: " + JSON.writeValueAsString(chunk) + "\n\n").getBytes(StandardCharsets.UTF_8));
            os.flush();
        }
        ObjectNode last = JSON.createObjectNode();
        last.put("id", id);
        last.put("object", "chat.completion.chunk");
        last.put("model", req.model());
        ObjectNode c = last.putArray("choices").addObject();
        c.put("index", 0);
        c.putObject("delta");
        c.put("finish_reason", "stop");
        last.putObject("usage").put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens)
                .put("total_tokens", promptTokens + completionTokens);
        os.write(("data: " + JSON.writeValueAsString(last) + "\n\n").getBytes(StandardCharsets.UTF_8));
        os.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        os.flush();
    }

    /** Writes a flood until it is all sent or the client stops reading (the write fails). */
    private void flood(HttpExchange ex, Request req, Flood flood) throws IOException {
        byte[] filler = "x".repeat(8192).getBytes(StandardCharsets.US_ASCII);
        OutputStream os;
        try {
            switch (flood.kind()) {
                case HUGE_ANSWER -> {
                    byte[] head = ("{\"id\":\"chatcmpl-flood\",\"object\":\"chat.completion\",\"model\":\"" + req.model()
                            + "\",\"choices\":[{\"index\":0,\"finish_reason\":\"stop\",\"message\":{\"role\":"
                            + "\"assistant\",\"content\":\"").getBytes(StandardCharsets.UTF_8);
                    byte[] tail = "\"}}]}".getBytes(StandardCharsets.UTF_8);
                    ex.getResponseHeaders().set("Content-Type", "application/json");
                    ex.sendResponseHeaders(200, head.length + flood.bytes() + tail.length);
                    os = ex.getResponseBody();
                    os.write(head);
                    writeFiller(os, filler, flood.bytes());
                    os.write(tail);
                }
                case GIANT_EVENT -> {
                    ex.getResponseHeaders().set("Content-Type", "text/event-stream");
                    ex.sendResponseHeaders(200, 0);
                    os = ex.getResponseBody();
                    os.write(("data: {\"object\":\"chat.completion.chunk\",\"model\":\"" + req.model()
                            + "\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"").getBytes(StandardCharsets.UTF_8));
                    writeFiller(os, filler, flood.bytes());
                    os.write("\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
                }
                case ENDLESS_STREAM -> {
                    ex.getResponseHeaders().set("Content-Type", "text/event-stream");
                    ex.sendResponseHeaders(200, 0);
                    os = ex.getResponseBody();
                    byte[] chunk = ("data: {\"object\":\"chat.completion.chunk\",\"model\":\"" + req.model()
                            + "\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + "word ".repeat(200)
                            + "\"},\"finish_reason\":null}]}\n\n").getBytes(StandardCharsets.UTF_8);
                    while (!Thread.currentThread().isInterrupted()) {
                        os.write(chunk);
                        os.flush();
                        floodBytes.addAndGet(chunk.length);
                    }
                }
                default -> throw new IllegalStateException();
            }
            os.flush();
        } catch (IOException e) {
            // the client stopped reading: that is the point
        }
    }

    private void writeFiller(OutputStream os, byte[] filler, long bytes) throws IOException {
        for (long left = bytes; left > 0; ) {
            int n = (int) Math.min(filler.length, left);
            os.write(filler, 0, n);
            floodBytes.addAndGet(n);
            left -= n;
        }
    }

    /** Sleeps; false when interrupted (the stub is closing). */
    private static boolean pause(long ms) {
        try {
            Thread.sleep(ms);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void models(HttpExchange ex) throws IOException {
        try (ex) {
            send(ex, 200, "{\"object\":\"list\",\"data\":[{\"id\":\"" + name + "\",\"object\":\"model\"}]}");
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
