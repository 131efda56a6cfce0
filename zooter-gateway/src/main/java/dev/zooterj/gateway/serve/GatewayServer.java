package dev.zooterj.gateway.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zooterj.core.routing.RoutingDecision;
import dev.zooterj.gateway.backend.Backend;
import dev.zooterj.gateway.client.AllBackendsFailedException;
import dev.zooterj.gateway.client.BatchingRouter;
import dev.zooterj.gateway.client.ChatBodies;
import dev.zooterj.gateway.client.FallbackChain;
import dev.zooterj.gateway.client.RerankingChatClient;
import dev.zooterj.gateway.client.Route;
import dev.zooterj.gateway.client.RoutedRelay;
import dev.zooterj.gateway.http.RawAnswer;
import dev.zooterj.gateway.client.RoutingChatClient;
import dev.zooterj.gateway.http.BackendException;
import dev.zooterj.gateway.http.EventLoops;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import dev.zooterj.gateway.http.RetryAfter;
import dev.zooterj.gateway.secrets.RedactingLogger;
import dev.zooterj.gateway.secrets.Redactor;
import org.slf4j.Logger;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.BindException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenAI-compatible routing gateway on Netty (HTTP/1.1, keep-alive, pipelining; the process's shared
 * {@link EventLoops}): point any OpenAI client at
 * {@code http://HOST:PORT/v1}.
 *
 * <ul>
 *   <li>{@code POST /v1/chat/completions}, plain or {@code "stream": true}. {@code model} = the alias (default
 *   {@code zooter}, or no {@code model}): the router reads the first user turn and picks a backend; a backend's name
 *   calls that backend, without the router and without fallback; anything else is 404 listing the models. The body is
 *   forwarded as it is, with {@code model} set to the backend's own model id. The answer is the backend's own bytes
 *   (checked in one streaming pass, never parsed into a tree; see {@link RawAnswer}), with only its top-level
 *   {@code model} set to the backend's <em>name</em>, the id this gateway lists, so a client can pin the next turn to
 *   it. In rerank mode ({@link #start(RoutingChatClient, RerankingChatClient, GatewayConfig)}) a routed, non-streamed
 *   request whose decision names several models is answered by the best-rewarded of them. Headers: {@code X-Zooter-Model} (the backend that answered), {@code X-Zooter-Route} ({@code router} or
 *   {@code explicit}), {@code X-Zooter-Attempts}; for a routed request also {@code X-Zooter-Router-Choice} (the
 *   router's pick, which differs from the model after a fallback), {@code X-Zooter-Probability} (the router's
 *   probability for the model that answered) and {@code X-Zooter-Router-Ms}.</li>
 *   <li>Fallback: a backend that fails (error status, timeout, broken connection, malformed, cut-short or too large
 *   answer, at its concurrency limit) is replaced by the next model in the router's ranking, up to the client's
 *   attempts. A backend that refuses the request itself (400, 413, 422) ends the tries, and the client gets that
 *   status with the backend's own error object (see {@link #relayedError}); so does a request naming a backend that
 *   answers any 4xx but 401, 403 and 429 (the gateway's key and quota are not the client's business: those count as
 *   failures). When all fail the answer is 429 when every model rate-limited, 503 when every one was busy (429, 503
 *   or at its limit; with the longest {@code Retry-After} asked), 504 when every one timed out, else 502: an OpenAI
 *   error object listing each failure as {@code {model, kind, status}}. Backends' URLs and messages go to the log
 *   only. A stream falls back only until its first chunk reaches the client; a failure after that ends the stream
 *   with an {@code {"error": ...}} data event and no {@code [DONE]}.</li>
 *   <li>{@code POST /route}: {@code {"query": "..."}} or a chat body gives the decision (model, probability, entropy,
 *   ranking, distribution) without generating.</li>
 *   <li>{@code GET /v1/models} (the alias, then every backend), {@code GET /health} (503 while shutting down),
 *   {@code GET /metrics} (Prometheus text, see {@link GatewayMetrics}).</li>
 *   <li>Protection: a body over {@code maxBodyBytes} is 413; malformed JSON (trailing content included), a missing
 *   {@code messages} array or a routed request without a user turn is 400; a wrong method is 405; beyond
 *   {@code maxInFlight} chat and route requests at once the answer is 503 with {@code Retry-After: 1}.</li>
 * </ul>
 *
 * <p><b>Slow and hostile clients.</b> Connections are read and written without blocking on a few event-loop threads:
 * a connection waiting for bytes holds no thread, so clients that trickle their request a byte at a time cost a socket
 * each, not a handler. Each connection ({@code Conn}) enforces: the idle timeout ({@code idleTimeout}: no progress
 * either way while bytes are due from the client or wait for it to read them, which is also the write timeout for a
 * client that stops reading; a request waiting on its backend is not idle); a deadline for each whole request head
 * ({@code headerReadTimeout}, from the connection's opening and again from the end of each answer); a deadline for the
 * body ({@code bodyReadTimeout}, from the head: a connection too slow is closed without an answer, counted as 408); and
 * {@link ConnectionGuard} caps the connections of one client address ({@code maxConnectionsPerAddress}). A request line
 * over 8 KiB is 414, a head over 8 KiB 431, an unreadable one 400; each closes its connection. A request takes an
 * in-flight slot only once its body is in. A plain chat request (not streamed, not reranked) with a cheap router (see
 * {@link #routeInline()}) is routed on the event loop that read it, and its backend call holds no thread while it
 * waits: the answer is written when it arrives. Everything that blocks (streams, rerank mode, {@code /route}, a router
 * that takes long) runs on the gateway's own {@code maxInFlight} worker threads, never on the event loops, so health
 * checks, metrics and refusals are answered however busy the backends or the router are.
 *
 * {@link #stop(Duration)} stops accepting connections, answers requests that arrive on open connections with 503, lets
 * the requests in flight finish for up to the grace period, then closes every connection.
 */
public final class GatewayServer implements AutoCloseable {
    private static final Logger LOG = RedactingLogger.of(GatewayServer.class);  // backends' texts may echo keys
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);
    /** Parses request bodies strictly: {@code {"messages":[]} }x} is an error, not a request with garbage after it. */
    private static final ObjectMapper STRICT_JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    /** Longest request line read (414 beyond), and largest headers, the request line not counted (431 beyond). */
    private static final int MAX_REQUEST_LINE = 8192;
    private static final int MAX_HEADER_BYTES = 8192;
    /** A router faster than this on average is called on the event loop that read the request (see routeInline). */
    private static final double INLINE_ROUTING_NANOS = 200_000;
    private static final double ROUTING_AVERAGE_WEIGHT = 0.25;

    private final RoutingChatClient client;
    /** Rerank mode: generates with a decision's set and keeps the best-rewarded answer; null when off. */
    private final RerankingChatClient reranker;
    private final GatewayConfig config;
    private final GatewayMetrics metrics;
    /** The listening channel (on the shared {@link EventLoops}); its connections are kept in {@link #connections}. */
    private final Channel listener;
    private final Set<Channel> connections = ConcurrentHashMap.newKeySet();
    private final ConnectionGuard guard;
    /** The port bound, kept: once stopped, the closed channel no longer knows it. */
    private final int port;
    /** Runs admitted chat and route requests: at most maxInFlight at once, so it never queues for long. */
    private final ThreadPoolExecutor workers;
    private final Semaphore permits;
    /** Requests being handled now, on every endpoint, until their answer is written: what a graceful stop waits for. */
    private final AtomicInteger active = new AtomicInteger();
    private final long created = Instant.now().getEpochSecond();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private volatile boolean draining;
    /** Moving average of the router's time per decision, in ns; infinite until one is timed. */
    private volatile double routerNanosAverage = Double.POSITIVE_INFINITY;
    private final boolean batchingRouter;

    private GatewayServer(RoutingChatClient client, RerankingChatClient reranker, GatewayConfig config) throws IOException {
        if (client.backend(config.alias()).isPresent()) {
            throw new IllegalArgumentException("the routing alias '" + config.alias()
                    + "' is also a backend's name; choose another alias");
        }
        if (reranker != null && reranker.router() != client.router()) {
            throw new IllegalArgumentException("the reranking client must share the routing client's router");
        }
        this.reranker = reranker;
        this.config = config;
        this.batchingRouter = client.router() instanceof BatchingRouter;
        this.permits = new Semaphore(config.maxInFlight());
        this.metrics = new GatewayMetrics(client.router().models(), client.backends().stream().map(Backend::name).toList(),
                () -> config.maxInFlight() - permits.availablePermits());
        this.client = client.withEvents(metrics);
        AtomicInteger threadNo = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(config.maxInFlight(), config.maxInFlight(), 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "zooter-gateway-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        workers.allowCoreThreadTimeOut(true);
        this.guard = new ConnectionGuard(config.maxConnectionsPerAddress());
        ServerBootstrap bootstrap = new ServerBootstrap().group(EventLoops.group())
                .channel(EventLoops.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(
                                new IdleStateHandler(true, 0, 0, config.idleTimeout().toNanos(), TimeUnit.NANOSECONDS),
                                new HttpServerCodec(MAX_REQUEST_LINE, MAX_HEADER_BYTES, 64 * 1024),
                                new Conn());
                    }
                });
        Channel bound;
        try {
            bound = bootstrap.bind(config.host(), config.port()).syncUninterruptibly().channel();
        } catch (Exception e) {
            workers.shutdownNow();
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof BindException || c.getMessage() != null && c.getMessage().contains("Address already in use")) {
                    BindException be = new BindException("cannot listen on " + config.host() + ":" + config.port()
                            + ": " + c.getMessage());
                    be.initCause(e);
                    throw be;
                }
            }
            throw e instanceof IOException io2 ? io2 : new IOException("cannot start the gateway on " + config.host()
                    + ":" + config.port() + ": " + e.getMessage(), e);
        }
        this.listener = bound;
        this.port = ((java.net.InetSocketAddress) bound.localAddress()).getPort();
    }

    /** Binds and starts serving; port 0 picks a free port. */
    public static GatewayServer start(RoutingChatClient client, GatewayConfig config) throws IOException {
        return new GatewayServer(client, null, config);
    }

    /**
     * Binds and starts serving in rerank mode: a routed, non-streamed request whose decision names a set of more than
     * one model (a {@code RerankPolicy} router) is answered by {@code reranker}, which generates with the whole set in
     * parallel and keeps the best-rewarded answer; everything else is served as by {@link #start(RoutingChatClient,
     * GatewayConfig)}. Both clients must share one router.
     *
     * @param reranker null for plain routing
     */
    public static GatewayServer start(RoutingChatClient client, RerankingChatClient reranker, GatewayConfig config)
            throws IOException {
        return new GatewayServer(client, reranker, config);
    }

    /** Whether routed requests may generate with several models and keep the best-rewarded answer. */
    public boolean reranking() {
        return reranker != null;
    }

    /** The port bound (the real one when the configuration said 0). */
    public int port() {
        return port;
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

    /** Connections closed at once because their client address had {@code maxConnectionsPerAddress} open already. */
    public long connectionsRefused() {
        return guard.refused();
    }

    /** Connections closed because their request head did not arrive whole within {@code headerReadTimeout}. */
    public long headerTimeouts() {
        return guard.headTimeouts();
    }

    // ---- one request ----

    /**
     * One chat, route or other request, on the event loop that read its head (the body follows through the exchange's
     * {@link BodyReader}); what blocks (routing, streams) goes to the workers.
     */
    private void dispatch(Exchange ex) {
        active.incrementAndGet();
        String path = ex.path;
        try {
            if (ex.request.decoderResult().isFailure()) {
                ex.closeAfter();
                throw unreadableHead(ex.request.decoderResult().cause());
            }
            if (path == null) {
                ex.closeAfter();
                throw ApiError.invalid(null, "the request path has a malformed %-escape: " + ex.request.uri());
            }
            switch (path) {
                case "/v1/chat/completions" -> readThenAdmit(ex, this::chatArrived);
                case "/route" -> readThenAdmit(ex, this::toWorker);
                case "/v1/models" -> models(ex);
                case "/health" -> health(ex);
                case "/metrics" -> metricsText(ex);
                default -> throw new ApiError(404, ApiError.INVALID_REQUEST, "not_found", null, "no endpoint "
                        + ex.method() + " " + path + " (have: POST /v1/chat/completions, GET /v1/models, "
                        + "POST /route, GET /health, GET /metrics)");
            }
        } catch (ApiError e) {
            sendError(ex, e);
        } catch (RuntimeException e) {
            LOG.warn("{} {} failed", ex.method(), path, e);
            sendError(ex, internalError());
        }
    }

    /** A request line too long (414), headers too large (431), or a head the codec cannot read (400). */
    private static ApiError unreadableHead(Throwable why) {
        int status = why instanceof TooLongHttpLineException ? 414
                : why instanceof TooLongHttpHeaderException || why instanceof TooLongFrameException ? 431 : 400;
        return new ApiError(status, ApiError.INVALID_REQUEST, "bad_request", null, "the request cannot be read: "
                + (status == 414 ? "its request line is too long" : status == 431 ? "its headers are too large"
                : "malformed HTTP"));
    }

    private static ApiError internalError() {
        return new ApiError(500, ApiError.SERVER_ERROR, "internal_error", null,
                "internal error in the gateway (details are in its log)");
    }

    private static String knownPath(String path) {
        if (path == null) {
            return "other";
        }
        return switch (path) {
            case "/v1/chat/completions", "/route", "/v1/models", "/health", "/metrics" -> path;
            default -> "other";
        };
    }

    /** A chat or route request, once its JSON body is in and it holds an in-flight permit; runs on a worker. */
    private interface Work {
        void run(Exchange ex, ObjectNode body) throws ApiError, IOException, InterruptedException;
    }

    /** What happens to a request once its body is in, parsed, and holds an in-flight permit (which it must release). */
    private interface Admitted {
        void accept(Exchange ex, ObjectNode body);
    }

    /**
     * Reads the body without holding a thread, then, on the thread that delivered its last bytes: parses it, takes an
     * in-flight permit (or answers 503) and passes the request on to {@code then}, which releases the permit.
     */
    private void readThenAdmit(Exchange ex, Admitted then) throws ApiError {
        requireMethod(ex, "POST");
        long max = config.maxBodyBytes();
        String declared = ex.request.headers().get(HttpHeaderNames.CONTENT_LENGTH);
        if (declared != null) {
            try {
                if (Long.parseLong(declared.strip()) > max) {
                    throw tooLarge(max);
                }
            } catch (NumberFormatException e) {
                throw ApiError.invalid(null, "Content-Length is not a number: " + declared);
            }
        }
        if (HttpUtil.is100ContinueExpected(ex.request)) {
            ex.conn.write(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                    Unpooled.EMPTY_BUFFER), true);  // only now, for a body that will be read: a refusal sends none
        }
        new BodyReader(ex, (int) Math.min(max + 1, Integer.MAX_VALUE - 8), bytes -> {
            ObjectNode body;
            try {
                if (bytes.length > max) {
                    throw tooLarge(max);
                }
                body = parseJsonObject(bytes);
                admit();
            } catch (ApiError e) {
                sendError(ex, e);
                return;
            }
            then.accept(ex, body);
        }).start();
    }

    /** A {@code /route} request: the router may take milliseconds, so it runs on a worker. */
    private void toWorker(Exchange ex, ObjectNode body) {
        toWorker(ex, body, this::route);
    }

    /** Hands an admitted request to a worker, which releases its permit. */
    private void toWorker(Exchange ex, ObjectNode body, Work work) {
        try {
            workers.execute(() -> runAdmitted(ex, body, work));
        } catch (RejectedExecutionException e) {
            permits.release();
            sendError(ex, ApiError.overloaded("the gateway is shutting down", 1));
        }
    }

    /**
     * A chat request whose body is in, on the event loop that read it. A plain (non-streamed, not reranked) request
     * is routed here when routing is cheap ({@link #routeInline()}), or names its backend, and its backend call then
     * runs without a waiting thread: the answer is written by the thread that receives it
     * ({@link #relayAsync}). Everything else (streams, rerank mode, a router that takes long) runs on a worker.
     */
    private void chatArrived(Exchange ex, ObjectNode body) {
        Route route;
        try {
            boolean stream = checkChat(body);
            boolean routed = routedRequest(body);
            if (stream || routed && (reranker != null || !routeInline())) {
                toWorker(ex, body, this::chatCompletions);
                return;
            }
            route = routeFor(body);
            noteRouting(route);
        } catch (ApiError e) {
            permits.release();
            sendError(ex, e);
            return;
        } catch (RuntimeException e) {
            permits.release();
            LOG.warn("{} {} failed", ex.method(), ex.path, e);
            sendError(ex, internalError());
            return;
        }
        relayAsync(ex, route, body);
    }

    private void runAdmitted(Exchange ex, ObjectNode body, Work work) {
        try {
            work.run(ex, body);
        } catch (ApiError e) {
            sendError(ex, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sendError(ex, ApiError.overloaded("the gateway is shutting down", 1));
        } catch (IOException e) {
            ex.abort(499, e);  // the client went away, or stopped reading for the idle timeout
        } catch (RuntimeException e) {
            LOG.warn("{} {} failed", ex.method(), ex.path, e);
            sendError(ex, internalError());
        } finally {
            permits.release();
        }
    }

    /**
     * One request and its answer on a Netty connection: headers, a whole answer written without blocking, or a stream
     * written piece by piece (a worker waits for each piece to be written). Counts the request in the metrics exactly
     * once, when its answer is written or it ends without one, and then lets the connection read its next request.
     */
    private final class Exchange {
        final HttpRequest request;
        final String path;
        final Conn conn;
        private final HttpHeaders headers = new DefaultHttpHeaders();
        private final boolean keepAlive;
        /** Whether the request announced a body (a length or chunks): unread, it ends the connection after the answer. */
        private final boolean declaresBody;
        private final AtomicBoolean completed = new AtomicBoolean();
        private volatile boolean closeAfter;
        private volatile boolean committed;
        private volatile int status = 500;
        /** Set once the body is wanted: the connection hands it the request's content. */
        BodyReader body;

        Exchange(HttpRequest request, Conn conn) {
            this.request = request;
            this.conn = conn;
            this.keepAlive = HttpUtil.isKeepAlive(request);
            String length = request.headers().get(HttpHeaderNames.CONTENT_LENGTH);
            this.declaresBody = HttpUtil.isTransferEncodingChunked(request)
                    || length != null && !length.strip().equals("0");  // a length that is no number counts too
            String p = pathOf(request.uri());
            this.path = p == null ? null : p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
        }

        String method() {
            return request.method().name();
        }

        HttpHeaders headers() {
            return headers;
        }

        boolean committed() {
            return committed;
        }

        /** The connection is closed once this answer is out (the rest of the request was not read). */
        void closeAfter() {
            closeAfter = true;
        }

        private boolean closing() {
            return !keepAlive || closeAfter || stopping.get() || declaresBody && body == null;
        }

        /** Sends a whole answer; the exchange completes once it is written (the caller does not wait for that). */
        void send(int status, String contentType, byte[] body) {
            this.status = status;
            committed = true;
            headers.set(HttpHeaderNames.CONTENT_TYPE, contentType);
            headers.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            boolean close = closing();
            if (close) {
                headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            } else if (request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
                headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);  // 1.0 closes unless told
            }
            conn.write(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                    Unpooled.wrappedBuffer(body), headers, EmptyHttpHeaders.INSTANCE), true)
                    .addListener(f -> written(f.isSuccess(), f.cause(), close));
        }

        /** Starts a streamed answer: status and headers go out with its first piece. */
        void startStream(int status) {
            this.status = status;
        }

        private void commitStream() {
            if (!committed) {
                committed = true;
                headers.remove(HttpHeaderNames.CONTENT_LENGTH);
                if (request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
                    closeAfter = true;  // HTTP/1.0 has no chunks: the stream ends when the connection does
                } else {
                    headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
                }
                if (closing()) {
                    headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                }
                conn.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), headers),
                        false);
            }
        }

        /**
         * One piece of a streamed answer, written before this returns (called on a worker, never on the event loop).
         * A client that reads nothing for the idle timeout gets its connection closed, which fails the write.
         */
        void write(byte[] piece) throws IOException {
            commitStream();
            ChannelFuture f = conn.write(new DefaultHttpContent(Unpooled.wrappedBuffer(piece)), true);
            f.awaitUninterruptibly();
            if (!f.isSuccess()) {
                throw new IOException("the client went away or stopped reading", f.cause());
            }
        }

        /** The last piece of a stream; the exchange completes once it is written. */
        void finish(byte[] last) {
            commitStream();
            boolean close = closing();
            conn.write(new DefaultLastHttpContent(Unpooled.wrappedBuffer(last)), true)
                    .addListener(f -> written(f.isSuccess(), f.cause(), close));
        }

        /** Ends the exchange without (the rest of) an answer: the connection is dropped. */
        void abort(int status, Throwable cause) {
            this.status = status;
            conn.channel.close();
            complete();
        }

        private void written(boolean ok, Throwable cause, boolean close) {
            if (!ok) {
                status = 499;  // the answer could not be written: the client went away or stopped reading
                conn.channel.close();
            } else if (close) {
                conn.channel.close();
            }
            complete();
        }

        private void complete() {
            if (completed.compareAndSet(false, true)) {
                metrics.request(knownPath(path), status);
                active.decrementAndGet();
                conn.answered(this);
            }
        }
    }

    /**
     * The decoded path of a request target, without its query: origin form ({@code /v1/x?y}) or absolute form; null
     * when a {@code %} escape is malformed.
     */
    private static String pathOf(String uri) {
        int start = 0;
        int scheme = uri.indexOf("://");
        if (scheme > 0 && uri.indexOf('/') > scheme) {
            int slash = uri.indexOf('/', scheme + 3);
            start = slash < 0 ? uri.length() : slash;
        }
        int end = uri.length();
        for (int i = start; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c == '?' || c == '#') {
                end = i;
                break;
            }
        }
        String p = start >= end ? "/" : uri.substring(start, end);
        if (p.indexOf('%') < 0) {
            return p;
        }
        try {
            return java.net.URLDecoder.decode(p.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;  // a malformed escape: the request is answered 400
        }
    }

    /**
     * Gathers a request body as the connection reads it, on its event loop, up to {@code limit} bytes (a longer body
     * is cut there: the caller answers 413). Past {@code bodyReadTimeout} from the head the connection is closed
     * without an answer and the exchange counts as 408.
     */
    private final class BodyReader {
        private final Exchange ex;
        private final int limit;
        private final java.util.function.Consumer<byte[]> onBody;
        private ByteArrayOutputStream bytes;
        private ScheduledFuture<?> deadline;
        private boolean done;

        BodyReader(Exchange ex, int limit, java.util.function.Consumer<byte[]> onBody) {
            this.ex = ex;
            this.limit = limit;
            this.onBody = onBody;
        }

        /** Called on the event loop; the content the connection had read already is handed over next. */
        void start() {
            ex.body = this;
        }

        /**
         * At the end of a read that left the body incomplete: its deadline (from the head) is scheduled then, so a body
         * that comes with its head (the usual case) schedules nothing.
         */
        void waiting() {
            if (!done && deadline == null) {
                long left = config.bodyReadTimeout().toNanos() - (System.nanoTime() - ex.conn.headNanos);
                deadline = ex.conn.channel.eventLoop().schedule(this::expire, Math.max(0, left), TimeUnit.NANOSECONDS);
            }
        }

        private void disarm() {
            if (deadline != null) {
                deadline.cancel(false);
            }
        }

        /** One piece of the body (the connection releases it). */
        void add(HttpContent c) {
            if (done) {
                return;
            }
            ByteBuf b = c.content();
            int n = b.readableBytes();
            boolean last = c instanceof LastHttpContent;
            byte[] whole;
            if (bytes == null && last) {
                whole = new byte[Math.min(n, limit)];  // the usual case: the whole body came in one piece
                b.getBytes(b.readerIndex(), whole);
            } else {
                if (bytes == null) {
                    bytes = new ByteArrayOutputStream(Math.min(Math.max(n, 256), limit));
                }
                int take = Math.min(n, limit - bytes.size());
                byte[] part = new byte[take];
                b.getBytes(b.readerIndex(), part);
                bytes.write(part, 0, take);
                if (bytes.size() < limit && !last) {
                    return;
                }
                whole = bytes.toByteArray();
            }
            done = true;
            disarm();
            onBody.accept(whole);
        }

        private void expire() {
            if (!done) {
                done = true;
                LOG.debug("closed a connection whose request body did not arrive within {} ms",
                        config.bodyReadTimeout().toMillis());
                ex.abort(408, new IOException("no request body within " + config.bodyReadTimeout().toMillis() + " ms"));
            }
        }

        /** The body cannot be read: it will not be passed on. False when it was whole already (or timed out). */
        boolean fail() {
            if (done) {
                return false;
            }
            done = true;
            disarm();
            return true;
        }

        /** The connection closed before the body was whole. */
        void closed() {
            if (!done) {
                done = true;
                disarm();
                ex.abort(499, new IOException("the client closed the connection while sending its body"));
            }
        }
    }

    /**
     * One client connection, on its event loop: request heads and bodies in, answers out, in order (a pipelined request
     * waits until the one before it is answered; reading pauses meanwhile). It enforces what the HTTP codec does not:
     * the client address's connection cap, the deadline for a whole request head (from the connection's opening and
     * again from the end of each answer; a trickling client is cut off), and the idle timeout, which concerns a
     * connection only while bytes are due from the client or are waiting for it to read them: a request waiting on its
     * backend or router is not idle.
     */
    private final class Conn extends ChannelDuplexHandler {
        Channel channel;
        private ChannelHandlerContext ctx;
        /** The request being handled, from its head until its answer is written; null between requests. */
        private Exchange current;
        /** Whether the current request's content has been read to its end. */
        private boolean requestRead;
        /** Messages of the requests pipelined behind the current one, read before it was answered. */
        private java.util.ArrayDeque<Object> queued;
        private long headDueNanos;
        private ScheduledFuture<?> headCheck;
        /** When the current request's head arrived (the body's deadline runs from there). */
        long headNanos;
        /** Writes handed to the channel and not yet written (updated on the loop). */
        private int writesPending;
        /** Whether {@link #next} is handling queued requests (which then must not call it again). */
        private boolean draining;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
            this.channel = ctx.channel();
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            connections.add(channel);
            if (!guard.opened(channel)) {  // counted all the same: channelInactive takes it back
                channel.close();
                return;
            }
            if (stopping.get()) {
                channel.close();
                return;
            }
            awaitHead();
            super.channelActive(ctx);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            connections.remove(channel);
            guard.closed(channel);
            if (headCheck != null) {
                headCheck.cancel(false);
            }
            if (current != null && current.body != null) {
                current.body.closed();
            }
            if (queued != null) {
                queued.forEach(ReferenceCountUtil::release);
                queued = null;
            }
            super.channelInactive(ctx);
        }

        private void awaitHead() {
            headDueNanos = System.nanoTime() + config.headerReadTimeout().toNanos();
            if (headCheck == null) {
                headCheck = channel.eventLoop().schedule(this::checkHead, config.headerReadTimeout().toNanos(),
                        TimeUnit.NANOSECONDS);
            }
        }

        /** The head deadline: a time stamp, checked by at most one pending timer that re-arms for what is left. */
        private void checkHead() {
            headCheck = null;
            if (current != null || !channel.isActive()) {
                return;
            }
            long left = headDueNanos - System.nanoTime();
            if (left > 0) {
                headCheck = channel.eventLoop().schedule(this::checkHead, left, TimeUnit.NANOSECONDS);
                return;
            }
            guard.headTimedOut();
            LOG.debug("closed a connection from {} that sent no whole request head within {} ms", channel.remoteAddress(),
                    config.headerReadTimeout().toMillis());
            channel.close();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (current != null && requestRead) {
                if (queued == null) {
                    queued = new java.util.ArrayDeque<>();
                }
                queued.add(msg);  // a pipelined request: handled once the current one is answered
                channel.config().setAutoRead(false);  // and nothing more is read meanwhile (what one read holds, at most)
                return;
            }
            handle(msg);
        }

        private void handle(Object msg) {
            try {
                if (msg instanceof HttpRequest head) {
                    headArrived(head);
                }
                if (msg instanceof HttpContent c && current != null && !requestRead) {
                    boolean last = c instanceof LastHttpContent;
                    if (c.decoderResult().isFailure()) {
                        contentUnreadable(c.decoderResult().cause());
                        last = true;
                    } else if (current.body != null) {
                        current.body.add(c);
                    }
                    if (last) {
                        requestRead = true;
                        if (current.completed.get() && !draining) {
                            next();
                        }
                    }
                }
            } catch (RuntimeException e) {
                LOG.warn("a request on the connection from {} failed", channel.remoteAddress(), e);
                if (current != null) {
                    current.abort(500, e);
                }
                channel.close();
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        /**
         * The codec could not read the request's content (a broken chunk size, trailers too large): a 400 if the body
         * was still being read (it is never passed on), and the connection closes after the answer (the codec reads
         * nothing more on it).
         */
        private void contentUnreadable(Throwable why) {
            Exchange ex = current;
            ex.closeAfter();
            if (ex.body != null && ex.body.fail()) {
                sendError(ex, ApiError.invalid(null, "the request body cannot be read: " + why.getMessage()));
            }
        }

        private void headArrived(HttpRequest head) {
            headNanos = System.nanoTime();
            requestRead = false;
            if (head.decoderResult().isFailure()) {
                if (!channel.isActive()) {
                    return;  // the client closed mid-head: nobody to answer
                }
                requestRead = true;  // the codec reads nothing more on this connection; dispatch answers and closes it
            }
            current = new Exchange(head, this);
            dispatch(current);
        }

        /**
         * Writes from any thread: on the loop at once, else as one task for the loop (the count of pending writes, which
         * the idle check reads, is kept on the loop).
         */
        ChannelFuture write(Object msg, boolean flush) {
            if (channel.eventLoop().inEventLoop()) {
                return write(msg, flush, channel.newPromise());
            }
            io.netty.channel.ChannelPromise promise = channel.newPromise();
            channel.eventLoop().execute(() -> write(msg, flush, promise));
            return promise;
        }

        private ChannelFuture write(Object msg, boolean flush, io.netty.channel.ChannelPromise promise) {
            writesPending++;
            promise.addListener(done -> writesPending--);
            return flush ? ctx.writeAndFlush(msg, promise) : ctx.write(msg, promise);
        }

        /** The exchange's answer is out (or it ended without one): on to the next request. */
        void answered(Exchange ex) {
            if (!channel.eventLoop().inEventLoop()) {
                channel.eventLoop().execute(() -> answered(ex));
                return;
            }
            if (ex != current || draining) {
                return;  // an older exchange, or one that next() is handling in its loop
            }
            if (requestRead) {
                next();
            }
            // else: the rest of the request's content is read (and dropped) first; its end calls next()
        }

        /**
         * The current request is answered and read: on to the next one, first those queued (iteratively: each that is
         * answered at once, as a pipelined health check is, is followed by the next in the same loop).
         */
        private void next() {
            current = null;
            draining = true;
            try {
                while (channel.isActive() && queued != null && !queued.isEmpty()) {
                    handle(queued.poll());
                    if (current == null || !requestRead) {
                        continue;  // nothing begun, or its content follows (queued, else from the socket)
                    }
                    if (!current.completed.get()) {
                        break;  // read whole: waiting for its answer
                    }
                    current = null;  // answered and read already: the next one
                }
            } finally {
                draining = false;
            }
            if (!channel.isActive()) {
                return;
            }
            if (current == null) {
                awaitHead();
            } else if (current.body != null) {
                current.body.waiting();  // a queued request whose body is not all in yet
            }
            if (!channel.config().isAutoRead() && (queued == null || queued.isEmpty())) {
                channel.config().setAutoRead(true);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
            if (current != null && current.body != null) {
                current.body.waiting();
            }
            super.channelReadComplete(ctx);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof IdleStateEvent) {
                // A request being handled with nothing waiting to be written is not idle: its backend is working.
                if (current != null && requestRead && writesPending == 0) {
                    return;
                }
                LOG.debug("closed a connection from {} idle for {} ms", channel.remoteAddress(),
                        config.idleTimeout().toMillis());
                channel.close();
                return;
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("connection from {} failed: {}", channel.remoteAddress(), cause.toString());
            channel.close();
        }
    }

    // ---- POST /v1/chat/completions ----

    /** Checks a chat body's {@code messages} and {@code stream}; returns whether a stream is asked for. */
    private static boolean checkChat(ObjectNode body) throws ApiError {
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
        return stream != null && stream.asBoolean();
    }

    /** Whether the request asks the router (the alias or no model), not a backend by name. */
    private boolean routedRequest(ObjectNode body) {
        JsonNode model = body.get("model");
        return model == null || model.isNull() || model.isTextual() && model.asText().equals(config.alias());
    }

    /**
     * Whether a routed request may be routed on the event loop that read it: when the router has lately taken under
     * {@link #INLINE_ROUTING_NANOS} a decision (a moving average over every decision, so a router that slows down goes
     * back to the workers) and does not batch (a {@link BatchingRouter} waits for other requests by design). Until a
     * first decision is timed, routing runs on a worker.
     */
    private boolean routeInline() {
        return !batchingRouter && routerNanosAverage < INLINE_ROUTING_NANOS;
    }

    /** Folds one decision's time into the moving average (racy updates lose a sample at worst). */
    private void noteRouting(Route route) {
        if (route.routed()) {
            double nanos = route.routerNanos();
            double avg = routerNanosAverage;
            routerNanosAverage = Double.isInfinite(avg) ? nanos : avg + ROUTING_AVERAGE_WEIGHT * (nanos - avg);
        }
    }

    private void chatCompletions(Exchange ex, ObjectNode body) throws ApiError, IOException, InterruptedException {
        boolean stream = checkChat(body);
        Route route = routeFor(body);
        noteRouting(route);
        if (stream) {
            streamChat(ex, route, body);  // a stream goes to one model (the router's first choice), even in rerank mode
            return;
        }
        if (reranker != null && route.routed() && route.decision().generations() > 1) {
            rerankChat(ex, route, body);
            return;
        }
        RoutedRelay answer;
        try {
            answer = client.relay(route, body);
        } catch (AllBackendsFailedException e) {
            metrics.generations(e.failures().size());
            throw upstreamError(e, route);
        }
        metrics.generations(answer.attempts());
        decisionHeaders(ex, route, answer.model(), answer.attempts());
        sendAnswer(ex, answer.answer(), answer.model());
    }

    /**
     * Sends a plain chat request along its route without a waiting thread and answers when the backend's answer (or
     * the last failure) arrives, on the thread that receives it; releases the request's in-flight permit then. The
     * backend's timeouts bound it as they bound {@link RoutingChatClient#relay}; the idle timeout bounds the write.
     */
    private void relayAsync(Exchange ex, Route route, ObjectNode body) {
        CompletableFuture<RoutedRelay> call;
        try {
            call = client.relayAsync(route, body);
        } catch (RuntimeException e) {
            permits.release();
            LOG.warn("{} {} failed", ex.method(), ex.path, e);
            sendError(ex, internalError());
            return;
        }
        call.whenComplete((answer, error) -> {
            try {
                if (error == null) {
                    metrics.generations(answer.attempts());
                    decisionHeaders(ex, route, answer.model(), answer.attempts());
                    sendAnswer(ex, answer.answer(), answer.model());
                    return;
                }
                Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                if (cause instanceof AllBackendsFailedException e) {
                    metrics.generations(e.failures().size());
                    sendError(ex, upstreamError(e, route));
                } else {
                    LOG.warn("{} {} failed", ex.method(), ex.path, cause);
                    sendError(ex, internalError());
                }
            } catch (RuntimeException e) {
                LOG.warn("{} {} failed", ex.method(), ex.path, e);
                sendError(ex, internalError());
            } finally {
                permits.release();
            }
        });
    }

    /**
     * A backend's answer, passed on as it sent it but for {@code model} (set to the backend's name), redacted: with no
     * secret registered the bytes go out as they are; else the text is redacted as it stands, unless it holds a
     * {@code \}{@code u} or {@code \/} escape that could spell a secret differently, in which case it is decoded
     * (parsed), and redacted as written again (the path every answer took before; see {@link RawAnswer#escapes()}).
     */
    static byte[] answerBytes(RawAnswer a, String model) {
        if (Redactor.global().size() == 0) {
            return a.withModel(model);
        }
        if (a.escapes()) {
            try {
                ObjectNode tree = (ObjectNode) JSON.readTree(a.bytes());
                tree.put("model", model);
                return Redactor.redact(JSON.writeValueAsString(tree)).getBytes(StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException("an answer checked as JSON did not parse", e);
            }
        }
        byte[] b = a.withModel(model);
        String text = new String(b, StandardCharsets.UTF_8);
        String redacted = Redactor.redact(text);
        return redacted.equals(text) ? b : redacted.getBytes(StandardCharsets.UTF_8);
    }

    private static void sendAnswer(Exchange ex, RawAnswer a, String model) {
        ex.send(200, "application/json", answerBytes(a, model));
    }

    /**
     * Rerank mode: the decision's set answers in parallel (each cut off at its backend's timeout), the reward source
     * scores the answers and the best one is returned. No answer scored (the reward source failed or timed out): the
     * router's first choice that answered. Every candidate failed: the error a routed request gets when all its tries
     * fail. Headers as for a routed answer, plus {@code X-Zooter-Generations}, {@code X-Zooter-Answered},
     * {@code X-Zooter-Rewards} and {@code X-Zooter-Rerank} ({@code reward}, {@code fallback} or {@code single}).
     */
    private void rerankChat(Exchange ex, Route route, ObjectNode body) throws ApiError, InterruptedException {
        String query = ChatBodies.firstUserText(body.get("messages")).orElseThrow();  // routeFor found one
        RoutingDecision d = route.decision();
        metrics.generations(d.generations());
        RerankingChatClient.Result r;
        try {
            r = reranker.complete(d, query, body);
        } catch (AllBackendsFailedException e) {
            for (FallbackChain.Failure f : e.failures()) {
                metrics.candidateFailed(f.model(), f.error() instanceof BackendException be ? kindOf(be) : "error");
            }
            throw upstreamError(e, route);
        }
        for (FallbackChain.Failure f : r.failures()) {
            metrics.candidateFailed(f.model(), f.error() instanceof BackendException be ? kindOf(be) : "error");
            LOG.info("rerank candidate {} failed: {}", f.model(), f.error().getMessage());
        }
        String outcome = r.fellBack() ? "fallback" : r.rewards().isEmpty() ? "single" : "reward";
        if (r.fellBack()) {
            LOG.warn("the reward source scored none of {} answers; returning the router's first choice that answered ({})",
                    r.answered().size(), r.winner());
        }
        metrics.reranked(outcome, r.scoreFailures());
        metrics.answered(r.winner(), d.generations());
        ObjectNode raw = r.completion().raw();
        raw.put("model", r.winner());
        decisionHeaders(ex, route, r.winner(), d.generations());
        HttpHeaders h = ex.headers();
        h.set("X-Zooter-Generations", Integer.toString(d.generations()));
        h.set("X-Zooter-Answered", String.join(",", r.answered()));
        if (!r.failed().isEmpty()) {
            StringBuilder failed = new StringBuilder();
            r.failed().forEach((m, k) -> failed.append(failed.length() == 0 ? "" : ",").append(m).append('=').append(k));
            h.set("X-Zooter-Failed", failed.toString());
        }
        if (!r.rewards().isEmpty()) {
            StringBuilder rewards = new StringBuilder();
            r.rewards().forEach((m, v) -> rewards.append(rewards.length() == 0 ? "" : ",").append(m).append('=')
                    .append(String.format(Locale.ROOT, "%.6g", v)));
            h.set("X-Zooter-Rewards", rewards.toString());
        }
        h.set("X-Zooter-Rerank", outcome);
        sendJson(ex, 200, raw);
    }

    private static String kindOf(BackendException be) {
        return be.kind() == BackendException.Kind.STATUS ? "http_" + be.status() : be.kind().name().toLowerCase(Locale.ROOT);
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

    private void streamChat(Exchange ex, Route route, ObjectNode body) throws ApiError, IOException, InterruptedException {
        SseRelay relay = new SseRelay(ex, route);
        try {
            client.stream(route, body, relay);
        } catch (AllBackendsFailedException e) {
            metrics.generations(e.failures().size());
            throw upstreamError(e, route);  // nothing was sent yet: a plain JSON error
        } catch (BackendException e) {
            metrics.generations(relay.attempt);
            LOG.warn("stream from {} broke after it started: {}", e.backend(), e.getMessage());
            ObjectNode err = ApiError.upstream(false, "backend '" + e.backend() + "' failed mid-stream ("
                    + describe(e) + "); the answer is incomplete",
                    failures(List.of(new FallbackChain.Failure(e.backend(), e)))).body();
            ex.write(("data: " + Redactor.redact(JSON.writeValueAsString(err)) + "\n\n").getBytes(StandardCharsets.UTF_8));
            ex.finish(new byte[0]);
            return;
        } catch (IOException e) {
            metrics.generations(relay.attempt);
            throw e;
        }
        metrics.generations(relay.attempt);
        ex.finish(DONE);
    }

    /** Passes a backend's SSE chunks on as they come, each written out, with {@code model} set to the backend's name. */
    private final class SseRelay implements RoutingChatClient.StreamHandler {
        private final Exchange ex;
        private final Route route;
        private String model;
        /** The try that answers (its number counts the generations started), once committed. */
        private volatile int attempt;

        SseRelay(Exchange ex, Route route) {
            this.ex = ex;
            this.route = route;
        }

        @Override
        public void onCommit(String model, int attempt) {
            this.model = model;
            this.attempt = attempt;
            ex.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
            ex.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
            decisionHeaders(ex, route, model, attempt);
            ex.startStream(200);
        }

        @Override
        public void onEvent(String data) throws IOException {
            ex.write(("data: " + renamed(Redactor.redact(data), model) + "\n\n").getBytes(StandardCharsets.UTF_8));
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

    private void decisionHeaders(Exchange ex, Route route, String model, int attempts) {
        HttpHeaders h = ex.headers();
        h.set("X-Zooter-Model", model);
        h.set("X-Zooter-Route", route.routed() ? "router" : "explicit");
        h.set("X-Zooter-Attempts", Integer.toString(attempts));
        if (route.routed()) {
            h.set("X-Zooter-Router-Choice", route.decision().model());
            h.set("X-Zooter-Probability", fixed(route.probability(model), 4));
            h.set("X-Zooter-Router-Ms", fixed(route.routerNanos() / 1e6, 3));
        }
    }

    /**
     * {@code String.format(Locale.ROOT, "%.Nf", v)} at a fraction of its cost (it was a quarter of a worker's CPU per
     * request): the shortest decimal of {@code v} ({@link Double#toString}), rounded half up on its digits, as the
     * formatter does; values that {@code Double.toString} writes with an exponent go through {@link java.math.BigDecimal}.
     */
    static String fixed(double v, int decimals) {
        if (!Double.isFinite(v)) {
            return String.format(Locale.ROOT, "%." + decimals + "f", v);
        }
        String s = Double.toString(Math.abs(v));
        int dot = s.indexOf('.');
        if (dot < 0 || s.indexOf('E') >= 0) {
            String b = java.math.BigDecimal.valueOf(Math.abs(v)).setScale(decimals, java.math.RoundingMode.HALF_UP)
                    .toPlainString();
            return v < 0 ? "-" + b : b;
        }
        int fracLen = s.length() - dot - 1;
        char[] d = new char[dot + decimals];  // the integer digits, then the kept decimals
        s.getChars(0, dot, d, 0);
        for (int k = 0; k < decimals; k++) {
            d[dot + k] = k < fracLen ? s.charAt(dot + 1 + k) : '0';
        }
        boolean carry = false;
        if (fracLen > decimals && s.charAt(dot + 1 + decimals) >= '5') {  // half up: the first dropped digit decides
            int k = d.length - 1;
            while (k >= 0 && d[k] == '9') {
                d[k--] = '0';
            }
            if (k >= 0) {
                d[k]++;
            } else {
                carry = true;
            }
        }
        StringBuilder out = new StringBuilder(d.length + 3);
        if (v < 0) {
            out.append('-');
        }
        if (carry) {
            out.append('1');
        }
        out.append(d, 0, dot);
        if (decimals > 0) {
            out.append('.').append(d, dot, decimals);
        }
        return out.toString();
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
            return relayedError(be, last.model(), tried);
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

    /**
     * The one place where a backend's own words reach the client: the error object of a backend that refused the
     * request itself, passed on with the backend's status.
     */
    private static ApiError relayedError(BackendException be, String model, List<FallbackChain.Failure> tried) {
        return ApiError.refused(be.status(), be.errorObject().orElse(null), "backend '" + model
                + "' refused the request (HTTP " + be.status() + ")", failures(tried));
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

    private void route(Exchange ex, ObjectNode body) throws ApiError {
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
        sendJson(ex, 200, out);
    }

    // ---- GET /v1/models, /health, /metrics ----

    private void models(Exchange ex) throws ApiError {
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
        sendJson(ex, 200, out);
    }

    private void health(Exchange ex) throws ApiError {
        requireMethod(ex, "GET");
        ObjectNode out = JSON.createObjectNode().put("status", draining ? "draining" : "ok");
        ArrayNode models = out.putArray("models");
        client.router().models().forEach(models::add);
        out.put("in_flight", config.maxInFlight() - permits.availablePermits());
        sendJson(ex, draining ? 503 : 200, out);
    }

    private void metricsText(Exchange ex) throws ApiError {
        requireMethod(ex, "GET");
        ex.send(200, "text/plain; version=0.0.4; charset=utf-8", metrics.render().getBytes(StandardCharsets.UTF_8));
    }

    // ---- plumbing ----

    private List<String> backendNames() {
        return client.backends().stream().map(Backend::name).toList();
    }

    private static void requireMethod(Exchange ex, String method) throws ApiError {
        if (!ex.method().equals(method)) {
            ex.headers().set(HttpHeaderNames.ALLOW, method);
            throw new ApiError(405, ApiError.INVALID_REQUEST, "method_not_allowed", null,
                    ex.method() + " is not allowed on " + ex.path + "; use " + method);
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

    private static ObjectNode parseJsonObject(byte[] bytes) throws ApiError {
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
        } catch (IOException e) {
            throw ApiError.invalid(null, "the request body cannot be read: " + e.getMessage());
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

    private static ApiError tooLarge(long max) {
        return new ApiError(413, ApiError.INVALID_REQUEST, "request_too_large", null,
                "the request body is larger than the limit of " + max + " bytes");
    }

    /** Every JSON answer, relayed backend errors and completions included, leaves through here: redacted. */
    private static void sendJson(Exchange ex, int status, JsonNode body) {
        byte[] b;
        try {
            b = Redactor.redact(JSON.writeValueAsString(body)).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        ex.send(status, "application/json", b);
    }

    private static void sendError(Exchange ex, ApiError e) {
        if (ex.committed()) {
            ex.abort(ex.status, e);  // headers already went out; the error cannot be reported any more
            return;
        }
        if (e.retryAfterSeconds() != null) {
            ex.headers().set(HttpHeaderNames.RETRY_AFTER, e.retryAfterSeconds());
        }
        if (e.status() == 413) {
            ex.closeAfter();  // the rest of the body is not read
        }
        sendJson(ex, e.status(), e.body());
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
        boolean onLoop = EventLoops.inEventLoop();
        try {
            ChannelFuture unbound = listener.close();  // no new connections; the open ones go on
            if (onLoop) {
                return;  // called on an event loop (a handler): nothing may wait there; connections close below
            }
            unbound.syncUninterruptibly();
            while (active.get() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            if (active.get() > 0) {
                LOG.warn("{} requests still in flight after the {} ms grace period; closing them", active.get(),
                        grace.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            List<ChannelFuture> closing = new java.util.ArrayList<>();
            for (Channel c : connections) {
                closing.add(c.close());
            }
            if (!onLoop) {
                closing.forEach(ChannelFuture::awaitUninterruptibly);
            }
            workers.shutdownNow();
            stopped.complete(null);
        }
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
