package dev.zooterj.gateway.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.zooterj.core.routing.RoutingDecision;
import dev.zooterj.gateway.backend.Backend;
import dev.zooterj.gateway.client.AllBackendsFailedException;
import dev.zooterj.gateway.client.ChatBodies;
import dev.zooterj.gateway.client.FallbackChain;
import dev.zooterj.gateway.client.Route;
import dev.zooterj.gateway.client.RoutedCompletion;
import dev.zooterj.gateway.client.RoutingChatClient;
import dev.zooterj.gateway.http.BackendException;
import dev.zooterj.gateway.http.RetryAfter;
import dev.zooterj.gateway.secrets.RedactingLogger;
import dev.zooterj.gateway.secrets.Redactor;
import org.slf4j.Logger;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenAI-compatible routing gateway on the JDK's HTTP server: point any OpenAI client at {@code http://HOST:PORT/v1}.
 *
 * <ul>
 *   <li>{@code POST /v1/chat/completions}, plain or {@code "stream": true}. {@code model} = the alias (default
 *   {@code zooter}, or no {@code model}): the router reads the first user turn and picks a backend; a backend's name
 *   calls that backend, without the router and without fallback; anything else is 404 listing the models. The body is
 *   forwarded as it is, with {@code model} set to the backend's own model id. The answer is the backend's, with
 *   {@code model} set to the backend's <em>name</em>, the id this gateway lists, so a client can pin the next turn to
 *   it. Headers: {@code X-Zooter-Model} (the backend that answered), {@code X-Zooter-Route} ({@code router} or
 *   {@code explicit}), {@code X-Zooter-Attempts}; for a routed request also {@code X-Zooter-Router-Choice} (the
 *   router's pick, which differs from the model after a fallback), {@code X-Zooter-Probability} (the router's
 *   probability for the model that answered) and {@code X-Zooter-Router-Ms}.</li>
 *   <li>Fallback: a backend that fails (error status, timeout, broken connection, malformed or cut-short answer, at
 *   its concurrency limit) is replaced by the next model in the router's ranking, up to the client's attempts. A
 *   backend that refuses the request itself (400, 413, 422) ends the tries, and the client gets that status with
 *   the backend's own error object; so does a request naming a backend that answers any 4xx but 401, 403 and 429 (the
 *   gateway's key and quota are not the client's business: those count as failures). When all fail the answer is 429
 *   when every model rate-limited, 503 when every one was busy (429, 503 or at its limit; with the longest
 *   {@code Retry-After} asked), 504 when every one timed out, else 502: an OpenAI error object listing each failure as
 *   {@code {model, kind, status}}. Backends' URLs and messages go to the log only. A stream falls back only until its
 *   first chunk reaches the client; a failure after that ends the stream with an {@code {"error": ...}} data event
 *   and no {@code [DONE]}.</li>
 *   <li>{@code POST /route}: {@code {"query": "..."}} or a chat body gives the decision (model, probability, entropy,
 *   ranking, distribution) without generating.</li>
 *   <li>{@code GET /v1/models} (the alias, then every backend), {@code GET /health} (503 while shutting down),
 *   {@code GET /metrics} (Prometheus text, see {@link GatewayMetrics}).</li>
 *   <li>Protection: a body over {@code maxBodyBytes} is 413; malformed JSON (trailing content included), a missing
 *   {@code messages} array or a routed request without a user turn is 400; a wrong method is 405; beyond
 *   {@code maxInFlight} chat and route requests at once the answer is 503 with {@code Retry-After: 1}. A request takes
 *   its in-flight slot only once its body is read, and a client that does not send its body within
 *   {@code bodyReadTimeout} has its connection closed; the JDK server's {@code sun.net.httpserver.maxReqTime} (set
 *   here to 60 s unless given) bounds a request's headers and body together, for every
 *   server in the JVM.</li>
 * </ul>
 * A streaming client that stops reading is not bounded: its handler blocks writing (the JDK server offers no write
 * timeout that spares long streams), holding its in-flight slot and its backend permit until the connection fails.
 * Exposed to untrusted clients, put a proxy with a send timeout in front.
 *
 * {@link #stop(Duration)} stops accepting connections, answers requests that arrive on open connections with 503, lets
 * the requests in flight finish for up to the grace period, then closes every connection.
 */
public final class GatewayServer implements AutoCloseable {
    private static final Logger LOG = RedactingLogger.of(GatewayServer.class);  // backends' texts may echo keys
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);
    /** Handler threads beyond maxInFlight, so that health checks, metrics and refusals never wait behind the chats. */
    private static final int SPARE_THREADS = 8;
    /** The JDK server's switch for TCP_NODELAY on accepted connections; read once, when its first server starts. */
    static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";
    /** The JDK server's bound, in seconds, on receiving a request (first byte to end of body); read with nodelay. */
    static final String MAX_REQ_TIME_PROPERTY = "sun.net.httpserver.maxReqTime";
    static final int DEFAULT_MAX_REQ_SECONDS = 60;
    /** Parses request bodies strictly: {@code {"messages":[]} }x} is an error, not a request with garbage after it. */
    private static final ObjectMapper STRICT_JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    /** States of one body read against its deadline. */
    private static final int READING = 0;
    private static final int READ = 1;
    private static final int TIMED_OUT = 2;

    static {
        // The JDK server sends a response's headers and its body as separate writes; with Nagle's algorithm on, the
        // body can wait for the client's delayed ACK (up to 40 ms on Linux). Measured on the load harness: the stub
        // went from ~550 to ~970 req/s with it off. An explicit -D setting wins.
        if (System.getProperty(NODELAY_PROPERTY) == null) {
            System.setProperty(NODELAY_PROPERTY, "true");
        }
        // Without it a client that trickles its headers holds a handler thread forever: the headers are read on the
        // server's executor, before any handler (and so the body read timeout) runs. Not maxRspTime: that would cut
        // long streams.
        if (System.getProperty(MAX_REQ_TIME_PROPERTY) == null) {
            System.setProperty(MAX_REQ_TIME_PROPERTY, Integer.toString(DEFAULT_MAX_REQ_SECONDS));
        }
    }

    private final RoutingChatClient client;
    private final GatewayConfig config;
    private final GatewayMetrics metrics;
    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    /** Body read deadlines: one daemon thread that closes the connections of clients too slow to send their body. */
    private final ScheduledThreadPoolExecutor deadlines;
    private final Semaphore permits;
    /** Handlers running now, on every endpoint: what a graceful stop waits for. */
    private final AtomicInteger active = new AtomicInteger();
    private final long created = Instant.now().getEpochSecond();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private volatile boolean draining;

    private GatewayServer(RoutingChatClient client, GatewayConfig config) throws IOException {
        if (client.backend(config.alias()).isPresent()) {
            throw new IllegalArgumentException("the routing alias '" + config.alias()
                    + "' is also a backend's name; choose another alias");
        }
        this.config = config;
        long maxReqSeconds = Long.getLong(MAX_REQ_TIME_PROPERTY, -1);
        if (maxReqSeconds > 0 && maxReqSeconds * 1000 < config.bodyReadTimeout().toMillis()) {
            LOG.warn("-D{}={} cuts every request at {} s, before the body read timeout of {} ms; raise it",
                    MAX_REQ_TIME_PROPERTY, maxReqSeconds, maxReqSeconds, config.bodyReadTimeout().toMillis());
        }
        this.permits = new Semaphore(config.maxInFlight());
        this.metrics = new GatewayMetrics(client.router().models(), client.backends().stream().map(Backend::name).toList(),
                () -> config.maxInFlight() - permits.availablePermits());
        this.client = client.withEvents(metrics);
        AtomicInteger threadNo = new AtomicInteger();
        int threads = config.maxInFlight() + SPARE_THREADS;
        this.executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "zooter-gateway-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        executor.allowCoreThreadTimeOut(true);
        this.deadlines = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "zooter-gateway-deadlines");
            t.setDaemon(true);
            return t;
        });
        deadlines.setRemoveOnCancelPolicy(true);
        this.server = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 1024);
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
        server.start();
    }

    /** Binds and starts serving; port 0 picks a free port. */
    public static GatewayServer start(RoutingChatClient client, GatewayConfig config) throws IOException {
        return new GatewayServer(client, config);
    }

    /** The port bound (the real one when the configuration said 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://HOST:PORT}; OpenAI clients take {@code baseUri() + "/v1"}. */
    public URI baseUri() {
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return URI.create("http://" + host + ":" + port());
    }

    public GatewayConfig config() {
        return config;
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    private void dispatch(HttpExchange ex) {
        active.incrementAndGet();
        String path = ex.getRequestURI().getPath();
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        int status = 500;
        try (ex) {
            try {
                status = switch (path) {
                    case "/v1/chat/completions" -> chatCompletions(ex);
                    case "/route" -> route(ex);
                    case "/v1/models" -> models(ex);
                    case "/health" -> health(ex);
                    case "/metrics" -> metricsText(ex);
                    default -> throw new ApiError(404, ApiError.INVALID_REQUEST, "not_found", null, "no endpoint "
                            + ex.getRequestMethod() + " " + path + " (have: POST /v1/chat/completions, GET /v1/models, "
                            + "POST /route, GET /health, GET /metrics)");
                };
            } catch (ApiError e) {
                status = sendError(ex, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                status = sendError(ex, ApiError.overloaded("the gateway is shutting down", 1));
            } catch (RuntimeException e) {
                LOG.warn("{} {} failed", ex.getRequestMethod(), path, e);
                status = sendError(ex, new ApiError(500, ApiError.SERVER_ERROR, "internal_error", null,
                        "internal error in the gateway (details are in its log)"));
            }
        } catch (BodyReadTimeout e) {
            status = 408;  // the connection is closed: no answer can be sent
        } catch (IOException e) {
            status = 499;  // the client went away; nothing more can be sent
        } finally {
            metrics.request(knownPath(path), status);
            active.decrementAndGet();
        }
    }

    private static String knownPath(String path) {
        return switch (path) {
            case "/v1/chat/completions", "/route", "/v1/models", "/health", "/metrics" -> path;
            default -> "other";
        };
    }

    // ---- POST /v1/chat/completions ----

    private int chatCompletions(HttpExchange ex) throws ApiError, IOException, InterruptedException {
        requireMethod(ex, "POST");
        ObjectNode body = readJsonObject(ex);  // before admission: a client slow to send holds no slot
        admit();
        try {
            JsonNode messages = body.get("messages");
            if (messages == null || !messages.isArray() || messages.isEmpty()) {
                throw ApiError.invalid("messages", "'messages' must be a non-empty array of {\"role\", \"content\"} objects");
            }
            for (JsonNode m : messages) {
                if (!m.isObject() || !m.path("role").isTextual()) {
                    throw ApiError.invalid("messages", "every message must be an object with a string 'role', got " + m);
                }
            }
            JsonNode stream = body.get("stream");
            if (stream != null && !stream.isBoolean() && !stream.isNull()) {
                throw ApiError.invalid("stream", "'stream' must be true or false, got " + stream);
            }
            Route route = routeFor(body);
            if (stream != null && stream.asBoolean()) {
                return streamChat(ex, route, body);
            }
            RoutedCompletion answer;
            try {
                answer = client.complete(route, body);
            } catch (AllBackendsFailedException e) {
                throw upstreamError(e, route);
            }
            ObjectNode raw = answer.completion().raw();
            raw.put("model", answer.model());
            decisionHeaders(ex, route, answer.model(), answer.attempts());
            return sendJson(ex, 200, raw);
        } finally {
            permits.release();
        }
    }

    /** The alias (or no model) asks the router; a backend's name goes straight to it. */
    private Route routeFor(ObjectNode body) throws ApiError {
        JsonNode model = body.get("model");
        if (model != null && !model.isNull() && !model.isTextual()) {
            throw ApiError.invalid("model", "'model' must be a string, got " + model);
        }
        String name = model == null || model.isNull() ? config.alias() : model.asText();
        if (name.equals(config.alias())) {
            String query = ChatBodies.firstUserText(body.get("messages")).orElseThrow(() -> ApiError.invalid("messages",
                    "no user message with text to route on; add one, or name a backend in 'model' ("
                            + String.join(", ", backendNames()) + ")"));
            return client.route(query);
        }
        if (client.backend(name).isEmpty()) {
            throw new ApiError(404, ApiError.INVALID_REQUEST, "model_not_found", "model", "The model '" + name
                    + "' does not exist; available models: " + config.alias() + ", " + String.join(", ", backendNames()));
        }
        return client.explicit(name);
    }

    private int streamChat(HttpExchange ex, Route route, ObjectNode body) throws ApiError, IOException, InterruptedException {
        SseRelay relay = new SseRelay(ex, route);
        try {
            client.stream(route, body, relay);
        } catch (AllBackendsFailedException e) {
            throw upstreamError(e, route);  // nothing was sent yet: a plain JSON error
        } catch (BackendException e) {
            LOG.warn("stream from {} broke after it started: {}", e.backend(), e.getMessage());
            ObjectNode err = ApiError.upstream(false, "backend '" + e.backend() + "' failed mid-stream ("
                    + describe(e) + "); the answer is incomplete",
                    failures(List.of(new FallbackChain.Failure(e.backend(), e)))).body();
            relay.out.write(("data: " + JSON.writeValueAsString(err) + "\n\n").getBytes(StandardCharsets.UTF_8));
            relay.out.flush();
            return 200;
        }
        relay.out.write(DONE);
        relay.out.flush();
        return 200;
    }

    /** Passes a backend's SSE chunks on as they come, each flushed, with {@code model} set to the backend's name. */
    private final class SseRelay implements RoutingChatClient.StreamHandler {
        private final HttpExchange ex;
        private final Route route;
        private String model;
        private OutputStream out;

        SseRelay(HttpExchange ex, Route route) {
            this.ex = ex;
            this.route = route;
        }

        @Override
        public void onCommit(String model, int attempt) throws IOException {
            this.model = model;
            ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            ex.getResponseHeaders().set("Cache-Control", "no-cache");
            decisionHeaders(ex, route, model, attempt);
            ex.sendResponseHeaders(200, 0);
            out = ex.getResponseBody();
        }

        @Override
        public void onEvent(String data) throws IOException {
            out.write(("data: " + renamed(Redactor.redact(data), model) + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    private static String renamed(String chunk, String model) {
        try {
            JsonNode tree = JSON.readTree(chunk);
            if (tree instanceof ObjectNode o && o.has("model")) {
                o.put("model", model);
                return JSON.writeValueAsString(o);
            }
        } catch (JsonProcessingException e) {
            // not JSON: passed on untouched
        }
        return chunk;
    }

    private void decisionHeaders(HttpExchange ex, Route route, String model, int attempts) {
        var h = ex.getResponseHeaders();
        h.set("X-Zooter-Model", model);
        h.set("X-Zooter-Route", route.routed() ? "router" : "explicit");
        h.set("X-Zooter-Attempts", Integer.toString(attempts));
        if (route.routed()) {
            h.set("X-Zooter-Router-Choice", route.decision().model());
            h.set("X-Zooter-Probability", String.format(Locale.ROOT, "%.4f", route.probability(model)));
            h.set("X-Zooter-Router-Ms", String.format(Locale.ROOT, "%.3f", route.routerNanos() / 1e6));
        }
    }

    /**
     * The client's view of a request whose every try failed: which models failed and how ({@code {model, kind,
     * status}}), never a backend's URL or its own message, which go to the log. See the class comment for the status.
     */
    private static ApiError upstreamError(AllBackendsFailedException e, Route route) {
        List<FallbackChain.Failure> tried = e.failures();
        FallbackChain.Failure last = tried.get(tried.size() - 1);
        if (last.error() instanceof BackendException be && passedOn(be, route)) {
            LOG.info("{}", e.getMessage());  // the client's request was refused: not the gateway's trouble
            return ApiError.refused(be.status(), be.errorObject().orElse(null), "backend '" + last.model()
                    + "' refused the request (HTTP " + be.status() + ")", failures(tried));
        }
        LOG.warn("{}", e.getMessage());
        StringBuilder each = new StringBuilder();
        boolean allTimedOut = true;
        boolean allBusy = true;
        boolean allRateLimited = true;
        long retryAfter = 1;
        for (FallbackChain.Failure f : tried) {
            each.append(each.length() == 0 ? "" : ", ").append(f.model()).append(" (").append(describe(f.error())).append(')');
            BackendException be = f.error() instanceof BackendException b ? b : null;
            boolean rateLimited = be != null && be.kind() == BackendException.Kind.STATUS && be.status() == 429;
            boolean busy = rateLimited || be != null && (be.kind() == BackendException.Kind.OVERLOADED
                    || be.kind() == BackendException.Kind.STATUS && be.status() == 503);
            allTimedOut &= be != null && be.kind() == BackendException.Kind.TIMEOUT;
            allBusy &= busy;
            allRateLimited &= rateLimited;
            if (busy && be.retryAfter().isPresent()) {
                retryAfter = Math.max(retryAfter, RetryAfter.headerSeconds(be.retryAfter().get(), 1));
            }
        }
        String what = (tried.size() == 1 ? "the only model tried" : "all " + tried.size() + " models tried");
        if (allBusy) {
            return ApiError.busy(allRateLimited, retryAfter, what + (tried.size() == 1 ? " is busy: " : " are busy: ")
                    + each + "; retry after " + retryAfter + " s", failures(tried));
        }
        return ApiError.upstream(allTimedOut, what + " failed: " + each, failures(tried));
    }

    private static ArrayNode failures(List<FallbackChain.Failure> tried) {
        ArrayNode failures = JSON.createArrayNode();
        tried.forEach(f -> failures.add(failure(f.model(), f.error())));
        return failures;
    }

    /**
     * Whether a backend's error status goes to the client as it is: a refusal of the request itself, or any 4xx to a
     * request that named the backend, except 401/403 (the gateway's key) and 429 (the gateway's quota), which would
     * mislead the client and can name the gateway's account.
     */
    private static boolean passedOn(BackendException be, Route route) {
        if (be.kind() != BackendException.Kind.STATUS || be.status() / 100 != 4) {
            return false;
        }
        int s = be.status();
        return be.requestRejected() || !route.routed() && s != 401 && s != 403 && s != 429;
    }

    /** One failed try for the client: the model, the kind of failure and the backend's status, if any. */
    private static ObjectNode failure(String model, Exception error) {
        ObjectNode o = JSON.createObjectNode().put("model", model);
        if (error instanceof BackendException be) {
            o.put("kind", be.kind().name().toLowerCase(Locale.ROOT));
            if (be.status() > 0) {
                o.put("status", be.status());
            }
        } else {
            o.put("kind", "error");
        }
        return o;
    }

    /** "status 500", "timeout", ...: what went wrong, without the backend's words. */
    private static String describe(Exception error) {
        if (error instanceof BackendException be) {
            return be.kind() == BackendException.Kind.STATUS ? "status " + be.status()
                    : be.kind().name().toLowerCase(Locale.ROOT);
        }
        return "error";
    }

    // ---- POST /route ----

    private int route(HttpExchange ex) throws ApiError, IOException {
        requireMethod(ex, "POST");
        ObjectNode body = readJsonObject(ex);
        admit();
        try {
            String query;
            if (body.path("query").isTextual()) {
                query = body.get("query").asText();
            } else if (body.path("messages").isArray()) {
                query = ChatBodies.firstUserText(body.get("messages")).orElseThrow(() ->
                        ApiError.invalid("messages", "no user message with text to route on"));
            } else {
                throw ApiError.invalid("query", "expected {\"query\": \"...\"} or a chat body with 'messages'");
            }
            Route route = client.route(query);
            RoutingDecision d = route.decision();
            ObjectNode out = JSON.createObjectNode();
            out.put("model", d.model());
            out.put("probability", d.probability());
            out.put("entropy", d.entropy());
            ArrayNode ranking = out.putArray("ranking");
            d.ranking().forEach(ranking::add);
            ObjectNode dist = out.putObject("distribution");
            d.distributionByModel().forEach(dist::put);
            out.put("router_ms", route.routerNanos() / 1e6);
            return sendJson(ex, 200, out);
        } finally {
            permits.release();
        }
    }

    // ---- GET /v1/models, /health, /metrics ----

    private int models(HttpExchange ex) throws ApiError, IOException {
        requireMethod(ex, "GET");
        ObjectNode out = JSON.createObjectNode().put("object", "list");
        ArrayNode data = out.putArray("data");
        data.addObject().put("id", config.alias()).put("object", "model").put("created", created)
                .put("owned_by", "zooter-j").put("description", "routed by Zooter to one of: "
                        + String.join(", ", client.router().models()));
        for (Backend b : client.backends()) {
            data.addObject().put("id", b.name()).put("object", "model").put("created", created)
                    .put("owned_by", "zooter-j").put("backend_model", b.model());
        }
        return sendJson(ex, 200, out);
    }

    private int health(HttpExchange ex) throws ApiError, IOException {
        requireMethod(ex, "GET");
        ObjectNode out = JSON.createObjectNode().put("status", draining ? "draining" : "ok");
        ArrayNode models = out.putArray("models");
        client.router().models().forEach(models::add);
        out.put("in_flight", config.maxInFlight() - permits.availablePermits());
        return sendJson(ex, draining ? 503 : 200, out);
    }

    private int metricsText(HttpExchange ex) throws ApiError, IOException {
        requireMethod(ex, "GET");
        byte[] b = metrics.render().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        ex.sendResponseHeaders(200, b.length);
        ex.getResponseBody().write(b);
        return 200;
    }

    // ---- plumbing ----

    private List<String> backendNames() {
        return client.backends().stream().map(Backend::name).toList();
    }

    private static void requireMethod(HttpExchange ex, String method) throws ApiError {
        if (!ex.getRequestMethod().equals(method)) {
            ex.getResponseHeaders().set("Allow", method);
            throw new ApiError(405, ApiError.INVALID_REQUEST, "method_not_allowed", null,
                    ex.getRequestMethod() + " is not allowed on " + ex.getRequestURI().getPath() + "; use " + method);
        }
    }

    /** Takes one of the maxInFlight permits, or refuses; the caller releases it. */
    private void admit() throws ApiError {
        if (draining) {
            throw ApiError.overloaded("the gateway is shutting down", 1);
        }
        if (!permits.tryAcquire()) {
            throw ApiError.overloaded("the gateway is at its limit of " + config.maxInFlight()
                    + " requests in flight; retry shortly", 1);
        }
    }

    private ObjectNode readJsonObject(HttpExchange ex) throws ApiError, IOException {
        long max = config.maxBodyBytes();
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            try {
                if (Long.parseLong(declared.strip()) > max) {
                    throw tooLarge(max);
                }
            } catch (NumberFormatException e) {
                throw ApiError.invalid(null, "Content-Length is not a number: " + declared);
            }
        }
        byte[] bytes = readBody(ex, (int) Math.min(max + 1, Integer.MAX_VALUE - 8));
        if (bytes.length > max) {
            throw tooLarge(max);
        }
        JsonNode tree;
        try {
            tree = STRICT_JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")";
            String why = e.getOriginalMessage().startsWith("Trailing token")
                    ? "more content follows the JSON object"
                    : e.getOriginalMessage().replaceAll("\\s*\\(for root starting at \\[Source: [^]]*]\\)", "")
                    .replaceAll("\\[Source: [^;\\]]*; line: (\\d+), column: (\\d+)]", "line $1, column $2");
            throw ApiError.invalid(null, "the request body is not valid JSON: " + why + where);
        }
        if (tree == null || tree.isMissingNode()) {
            throw ApiError.invalid(null, "the request body is empty; expected a JSON object");
        }
        if (!tree.isObject()) {
            throw ApiError.invalid(null, "the request body must be a JSON object, got " + tree.getNodeType()
                    .name().toLowerCase(Locale.ROOT));
        }
        return (ObjectNode) tree;
    }

    /** The client took longer than {@code bodyReadTimeout} to send its body; its connection was closed. */
    private static final class BodyReadTimeout extends IOException {
        BodyReadTimeout(String message) {
            super(message);
        }
    }

    /**
     * Reads up to {@code limit} bytes of the body within {@code bodyReadTimeout}. Past the deadline the exchange is
     * closed from the deadline thread: no response has started, so the JDK server closes the connection, and the read
     * blocked here fails.
     */
    private byte[] readBody(HttpExchange ex, int limit) throws IOException {
        AtomicInteger state = new AtomicInteger(READING);
        ScheduledFuture<?> deadline = deadlines.schedule(() -> {
            if (state.compareAndSet(READING, TIMED_OUT)) {
                ex.close();
            }
        }, config.bodyReadTimeout().toNanos(), TimeUnit.NANOSECONDS);
        try {
            byte[] bytes = ex.getRequestBody().readNBytes(limit);
            if (state.compareAndSet(READING, READ)) {
                return bytes;
            }
        } catch (IOException e) {
            if (state.get() != TIMED_OUT) {
                throw e;
            }
        } finally {
            deadline.cancel(false);
        }
        LOG.debug("closed a connection whose request body did not arrive within {} ms", config.bodyReadTimeout().toMillis());
        throw new BodyReadTimeout("no request body within " + config.bodyReadTimeout().toMillis() + " ms");
    }

    private static ApiError tooLarge(long max) {
        return new ApiError(413, ApiError.INVALID_REQUEST, "request_too_large", null,
                "the request body is larger than the limit of " + max + " bytes");
    }

    /** Every JSON answer, relayed backend errors and completions included, leaves through here: redacted. */
    private static int sendJson(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] b = Redactor.redact(JSON.writeValueAsString(body)).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        return status;
    }

    private static int sendError(HttpExchange ex, ApiError e) throws IOException {
        if (ex.getResponseCode() != -1) {
            return ex.getResponseCode();  // headers already went out; the error cannot be reported any more
        }
        if (e.retryAfterSeconds() != null) {
            ex.getResponseHeaders().set("Retry-After", e.retryAfterSeconds());
        }
        if (e.status() == 413) {
            ex.getResponseHeaders().set("Connection", "close");  // the rest of the body is not read
        }
        return sendJson(ex, e.status(), e.body());
    }

    // ---- shutdown ----

    /**
     * Stops gracefully: no new connections, 503 for new requests on open ones, and up to {@code grace} for the requests
     * in flight to finish; then every connection is closed. Returns when done; a second call waits for the first.
     */
    public void stop(Duration grace) {
        if (!stopping.compareAndSet(false, true)) {
            stopped.join();
            return;
        }
        draining = true;
        long deadline = System.nanoTime() + grace.toNanos();
        // HttpServer.stop(delay) closes the listening socket at once and then waits for the exchanges in progress;
        // but on JDK 17 it waits the whole delay when none finishes meanwhile. So it waits on a helper thread, the
        // drain is watched here, and stop(0) ends both waits.
        int delaySeconds = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (grace.toMillis() + 999) / 1000));
        Thread closer = new Thread(() -> server.stop(delaySeconds), "zooter-gateway-stop");
        closer.setDaemon(true);
        closer.start();
        try {
            while (busy() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            if (busy()) {
                LOG.warn("{} requests still in flight after the {} ms grace period; closing them", active.get(),
                        grace.toMillis());
            }
            server.stop(0);
            closer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.stop(0);
        } finally {
            executor.shutdownNow();
            deadlines.shutdownNow();
            stopped.complete(null);
        }
    }

    private boolean busy() {
        return active.get() > 0 || executor.getActiveCount() > 0 || !executor.getQueue().isEmpty();
    }

    /** {@link #stop(Duration)} with the configured grace period. */
    @Override
    public void close() {
        stop(config.shutdownGrace());
    }

    /** For logs: where it listens and what it routes between. */
    @Override
    public String toString() {
        return "GatewayServer[" + baseUri() + " alias=" + config.alias() + " models=" + client.router().models() + "]";
    }
}
