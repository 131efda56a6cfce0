package dev.zooterj.gateway.http;

import dev.zooterj.gateway.http.BackendClient.Call;
import dev.zooterj.gateway.http.BackendClient.Capture;
import dev.zooterj.gateway.http.BackendClient.Captured;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.AsciiString;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.ScheduledFuture;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * The backend client's transport, for every call: HTTP/1.1 over the shared {@link EventLoops}, plain ({@code http://})
 * or TLS ({@code https://}), one exchange per connection at a time, keep-alive connections pooled per (origin, event
 * loop) and touched only by their loop (no locks); the origin is scheme, host and port, so a TLS connection is only
 * reused for its own origin. A call takes a connection of the loop it is made on ({@link EventLoops#loopFor}), so a
 * call the gateway server makes from its loop is sent, read and answered there, crossing no thread; the capture
 * completes on that loop. A call from any other thread goes to one loop chosen by its thread, the same each time.
 *
 * <p><b>Whole answers</b> ({@link #send}): the backend's timeout bounds the whole answer (connect, TLS handshake,
 * headers and body) and fails with a {@link TimeoutException}; a connect takes at most 10 s (a
 * {@link SocketTimeoutException} after that, a {@link ConnectException} when refused; a host's next address is tried
 * after any failure to connect to one); a 2xx answer over the limit
 * fails with {@link BoundedBodies.TooLarge} as soon as that is known and the connection is closed unread; an error
 * body is cut at 64 KiB and kept.
 *
 * <p><b>Streams</b> ({@link #stream}): the loop reads the answer and hands its body, as byte chunks, to the one thread
 * that waits for it ({@link Streamed}, an {@link InputStream}); nothing the reader does (a listener that writes to a
 * slow client and waits) runs on the loop. At most 256 KiB wait unread: beyond that the loop stops reading the
 * connection (auto-read off, so the backend is held back by TCP) until the reader has taken the queue down to 64 KiB.
 * A stream read to its end gives its connection back to the pool; one whose reader stops at {@code [DONE]} before the
 * body's end has the rest (up to 64 KiB, for up to 2 s) read and dropped so the connection can still be pooled; a
 * reader that stops for any other reason closes it.
 *
 * <p><b>TLS</b>: the JDK's provider with the JVM's default trust store, the backend's host name sent as SNI (not for
 * an IP address, as TLS wants) and checked against its certificate (endpoint identification "HTTPS"); HTTP/1.1, no
 * ALPN. A certificate that is not trusted or does not name the host fails the call as a broken connection.
 *
 * <p>A connection goes back to its pool only after a complete answer that allows keep-alive; anything else closes it.
 * A pooled connection is checked open when taken, and one idle for 30 s is closed. A request on a reused connection
 * that the server closes before any byte of an answer arrived and within a second of the request being written (the
 * server timed the idle connection out as the request went) is sent once more on a fresh connection, within what is
 * left of the call's deadline; any other broken answer (an unreadable one included) fails the call. A 101 (switching
 * protocols) fails it too: the connection is not HTTP any more.
 */
final class NettyTransport {
    private static final int CONNECT_TIMEOUT_MS = 10_000;
    /**
     * A reused connection that closes this soon after the request was written, with no byte of an answer, was most
     * likely closed by the server as idle while the request went out: only then is the request sent again.
     */
    private static final long RETRY_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long POOL_IDLE_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final AsciiString JSON_TYPE = AsciiString.cached("application/json");
    private static final AsciiString ACCEPT = AsciiString.cached("application/json, text/event-stream");
    private static final AsciiString AGENT = AsciiString.cached("zooter-j");
    /** A stream's unread bytes at which its loop stops reading the connection, and at which it reads again. */
    static final int STREAM_HIGH_WATER = 256 * 1024;
    static final int STREAM_LOW_WATER = 64 * 1024;
    /** What is read and dropped of a stream after its reader stopped at {@code [DONE]}, to keep its connection. */
    private static final int DRAIN_MAX_BYTES = 64 * 1024;
    private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(2);

    /** The idle connections of the calling loop's thread (each loop has its own; only it touches them). */
    private static final FastThreadLocal<LoopPool> POOLS = new FastThreadLocal<>();
    /** Requests sent once more on a fresh connection (see the class comment). */
    private static final java.util.concurrent.atomic.LongAdder RETRIES = new java.util.concurrent.atomic.LongAdder();

    private NettyTransport() {
    }

    /** Resolves host names off the event loops (JDK resolution blocks); IP literals need none. */
    private static final class Dns {
        static final ExecutorService EXEC = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "zooter-backend-dns");
            t.setDaemon(true);
            return t;
        });
    }

    private static final class Template {
        static final Bootstrap BOOT = new Bootstrap().group(EventLoops.group()).channel(EventLoops.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true);
    }

    /** The TLS client context with the JVM's default trust, made on first use. */
    private static volatile SslContext defaultTls;
    /** Test-only trust per origin ({@link #trustForTests}); empty in production. */
    private static final Map<String, SslContext> TEST_TRUST = new ConcurrentHashMap<>();

    /**
     * A TLS client context: the JDK provider, {@code trust} (null: the JVM's default trust store), and the host name
     * checked against the certificate (endpoint identification "HTTPS").
     */
    static SslContext tlsContext(TrustManagerFactory trust) throws SSLException {
        SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                .endpointIdentificationAlgorithm("HTTPS");
        if (trust != null) {
            b.trustManager(trust);
        }
        return b.build();
    }

    /**
     * Tests only: connections to {@code origin} ({@link BackendClient#originKey}) trust what {@code trust} trusts
     * instead of the JVM's default trust store (a test server's self-signed certificate); host names are still checked.
     * Null drops it. Only new connections see it.
     */
    static void trustForTests(String origin, TrustManagerFactory trust) throws SSLException {
        if (trust == null) {
            TEST_TRUST.remove(origin);
        } else {
            TEST_TRUST.put(origin, tlsContext(trust));
        }
    }

    /**
     * Builds the default TLS context now (it reads the JVM's trust store), so that the first https call does not do it
     * on an event loop; {@link BackendClient#register} calls it when a registered backend is https.
     */
    static void prepareTls() throws SSLException {
        tlsFor("");
    }

    private static SslContext tlsFor(String origin) throws SSLException {
        SslContext t = TEST_TRUST.isEmpty() ? null : TEST_TRUST.get(origin);
        if (t != null) {
            return t;
        }
        SslContext d = defaultTls;
        if (d == null) {
            synchronized (NettyTransport.class) {
                d = defaultTls;
                if (d == null) {
                    d = tlsContext(null);
                    defaultTls = d;
                }
            }
        }
        return d;
    }

    /** Where a backend's chat completions go, parsed once per base URL. */
    record Target(URI uri, String origin, boolean tls, String host, int port, String authority, String path) {
        private static final java.util.concurrent.ConcurrentHashMap<URI, Target> CACHE =
                new java.util.concurrent.ConcurrentHashMap<>();

        static Target of(dev.zooterj.gateway.backend.Backend b) {
            Target t = CACHE.get(b.baseUrl());
            if (t == null) {
                if (CACHE.size() > 1024) {
                    CACHE.clear();  // backends made on the fly (tests): keep the cache small
                }
                t = parse(b.chatCompletionsUri());
                CACHE.put(b.baseUrl(), t);
            }
            return t;
        }

        private static Target parse(URI uri) {
            String host = uri.getHost();
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            if (uri.getRawQuery() != null) {
                path += "?" + uri.getRawQuery();
            }
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            boolean tls = scheme.equals("https");
            return new Target(uri, BackendClient.originKey(scheme, uri.getHost(), uri.getPort()), tls, host,
                    uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80, uri.getRawAuthority(), path);
        }
    }

    /** Requests sent a second time since the start, because a reused connection closed before any answer. */
    static long retries() {
        return RETRIES.sum();
    }

    /** Starts {@code call} on the caller's loop (see {@link EventLoops#loopFor}); the capture completes on that loop. */
    static Capture send(Call call, long maxOk, long timeoutNanos) {
        return send(call, maxOk, timeoutNanos, EventLoops.loopFor(Thread.currentThread()));
    }

    /** Starts {@code call} on {@code loop}; the capture completes there. */
    static Capture send(Call call, long maxOk, long timeoutNanos, EventLoop loop) {
        Exchange x = new Exchange(call, maxOk, loop, null);
        if (loop.inEventLoop()) {
            x.start(timeoutNanos);
        } else {
            loop.execute(() -> x.start(timeoutNanos));
        }
        return x;
    }

    /**
     * Starts a streamed {@code call} on the caller's loop (see {@link EventLoops#loopFor}); the caller waits for its
     * {@link Streamed#head} and then reads its body. No deadline is set here: the reader's waits bound it.
     */
    static Streamed stream(Call call, long idleNanos) {
        EventLoop loop = EventLoops.loopFor(Thread.currentThread());
        Streamed s = new Streamed(loop, idleNanos);
        Exchange x = new Exchange(call, Long.MAX_VALUE, loop, s);
        s.exchange = x;
        loop.execute(() -> x.start(Long.MAX_VALUE));
        return s;
    }

    /** A streamed answer's status line and headers, as far as the client uses them. */
    record Head(int status, String retryAfter, String contentType) {
    }

    /**
     * A streamed answer as its one reader sees it: the {@link #head} when it came, then the body as an
     * {@link InputStream} fed by the loop. A read that has to wait waits at most the idle time since the reader last
     * called {@link #touch} (or since the head): past it the read fails and {@link #fired()} says so
     * ({@link #checkIdle} makes the same check without a wait). {@link #close(boolean)} lets the connection go.
     */
    static final class Streamed extends InputStream {
        private final EventLoop loop;
        private final long idleNanos;
        private final CompletableFuture<Head> head = new CompletableFuture<>();
        private final ArrayDeque<byte[]> queue = new ArrayDeque<>();  // guarded by this, as are the next six
        private long queued;
        private long peak;
        private boolean paused;
        private boolean ended;
        private boolean closed;
        private Throwable failure;
        private Exchange exchange;  // set once before the exchange starts
        private byte[] cur;  // the reader's only
        private int curPos;
        private boolean fired;
        private volatile long lastNanos = System.nanoTime();

        Streamed(EventLoop loop, long idleNanos) {
            this.loop = loop;
            this.idleNanos = idleNanos;
        }

        /** Waits for the answer's head at most {@code timeoutNanos}; fails as the exchange failed. */
        Head head(long timeoutNanos) throws InterruptedException, ExecutionException, TimeoutException {
            Head h = head.get(timeoutNanos, TimeUnit.NANOSECONDS);
            touch();
            return h;
        }

        /** Restarts the idle window (the reader got a line). */
        void touch() {
            lastNanos = System.nanoTime();
        }

        /**
         * Fails as a silence would when the idle time has passed since the last {@link #touch}, though data may be
         * waiting: time the reader spent elsewhere (a listener that blocked) counts.
         */
        void checkIdle() throws IOException {
            if (System.nanoTime() - lastNanos >= idleNanos) {
                throw idle();
            }
        }

        private IOException idle() {
            fired = true;
            return new IOException("nothing read for " + TimeUnit.NANOSECONDS.toMillis(idleNanos) + " ms");
        }

        /** Whether a read failed because the stream was idle too long. */
        boolean fired() {
            return fired;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (cur == null || curPos == cur.length) {
                if (!next()) {
                    return -1;
                }
            }
            int n = Math.min(len, cur.length - curPos);
            System.arraycopy(cur, curPos, b, off, n);
            curPos += n;
            return n;
        }

        /** Takes the next chunk into {@code cur}; false at the body's end. */
        private boolean next() throws IOException {
            boolean resume = false;
            synchronized (this) {
                while (true) {
                    byte[] c = queue.poll();
                    if (c != null) {
                        cur = c;
                        curPos = 0;
                        queued -= c.length;
                        if (paused && queued <= STREAM_LOW_WATER) {
                            paused = false;
                            resume = true;
                        }
                        break;
                    }
                    if (failure != null) {
                        throw failure instanceof IOException io ? io
                                : new IOException(String.valueOf(failure.getMessage()), failure);
                    }
                    if (ended) {
                        return false;
                    }
                    long left = idleNanos - (System.nanoTime() - lastNanos);
                    if (left <= 0) {
                        throw idle();
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(this, left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted while reading the stream");
                    }
                }
            }
            if (resume) {
                Exchange x = exchange;
                loop.execute(x::resume);
            }
            return true;
        }

        /** On the loop: a part of the body; true when the reader is so far behind that the loop should stop reading. */
        boolean offer(ByteBuf b) {
            int n = b.readableBytes();
            if (n == 0) {
                return false;
            }
            byte[] copy = new byte[n];
            b.readBytes(copy);
            synchronized (this) {
                if (closed) {
                    return false;
                }
                queue.add(copy);
                queued += n;
                peak = Math.max(peak, queued);
                notifyAll();
                if (!paused && queued >= STREAM_HIGH_WATER) {
                    paused = true;
                    return true;
                }
                return false;
            }
        }

        /** The most bytes that waited unread at once (for tests). */
        synchronized long peakQueued() {
            return peak;
        }

        /** On the loop: the head came. */
        void opened(Head h) {
            head.complete(h);
        }

        /** On the loop: the whole body came (what is queued is still read). */
        synchronized void ended() {
            ended = true;
            notifyAll();
        }

        /** On the loop (or the reader's thread): the exchange failed; the reader gets it after what is queued. */
        void failed(Throwable cause) {
            head.completeExceptionally(cause);
            synchronized (this) {
                if (!ended && failure == null) {
                    failure = cause;
                }
                notifyAll();
            }
        }

        /**
         * The reader is done. {@code finished}: it read the answer to its end ({@code [DONE]}); the rest of a body not
         * over yet is read and dropped to keep the connection. Otherwise a connection still in use is closed.
         */
        void close(boolean finished) {
            synchronized (this) {
                closed = true;
                queue.clear();
                queued = 0;
            }
            Exchange x = exchange;
            loop.execute(() -> x.release(finished));
        }

        @Override
        public void close() {
            close(false);
        }
    }

    /** Idle connections per origin on one loop; most recently used first out. */
    private static final class LoopPool implements Runnable {
        private final Map<String, ArrayDeque<Conn>> idle = new HashMap<>();

        static LoopPool of(EventLoop loop) {
            LoopPool p = POOLS.get();
            if (p == null) {
                p = new LoopPool();
                POOLS.set(p);
                loop.scheduleAtFixedRate(p, 10, 10, TimeUnit.SECONDS);
            }
            return p;
        }

        /** An open connection to {@code origin} that has not idled too long, or null. */
        Conn take(String origin) {
            ArrayDeque<Conn> q = idle.get(origin);
            if (q == null) {
                return null;
            }
            long now = System.nanoTime();
            for (Conn c = q.pollLast(); c != null; c = q.pollLast()) {
                if (c.ch.isActive() && now - c.idleSince < POOL_IDLE_NANOS) {
                    return c;
                }
                c.ch.close();
            }
            return null;
        }

        void put(Conn c) {
            ArrayDeque<Conn> q = idle.computeIfAbsent(c.origin, k -> new ArrayDeque<>());
            if (q.size() >= c.cap) {
                c.ch.close();
                return;
            }
            c.idleSince = System.nanoTime();
            q.addLast(c);
        }

        /** Closes connections idle too long and drops closed ones (the oldest are at the front). */
        @Override
        public void run() {
            long now = System.nanoTime();
            for (ArrayDeque<Conn> q : idle.values()) {
                for (Iterator<Conn> it = q.iterator(); it.hasNext(); ) {
                    Conn c = it.next();
                    if (!c.ch.isActive() || now - c.idleSince >= POOL_IDLE_NANOS) {
                        it.remove();
                        c.ch.close();
                    }
                }
            }
        }
    }

    /** One connection's handler: passes what it reads to its exchange; with none, the server spoke out of turn. */
    private static final class Conn extends ChannelInboundHandlerAdapter {
        final String origin;
        final int cap;
        Channel ch;
        Exchange ex;
        long idleSince;

        Conn(String origin, int cap) {
            this.origin = origin;
            this.cap = cap;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            ch = ctx.channel();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                Exchange x = ex;
                if (x == null) {
                    ctx.close();  // nothing asked: an idle connection the server wrote to is not trusted again
                    return;
                }
                x.read(msg);
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            Exchange x = ex;
            if (x != null) {
                x.broken(new IOException("the backend closed the connection before the answer was complete"));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Exchange x = ex;
            ctx.close();
            if (x != null) {
                x.broken(cause);
            }
        }
    }

    /** One call: connection, request, answer; all its state is touched on its loop only. */
    private static final class Exchange extends Capture {
        private final Call call;
        private final long maxOk;
        private final EventLoop loop;
        /** The reader of a streamed call, else null (a whole answer). */
        private final Streamed stream;
        private boolean draining;
        private long drained;
        private final Target target;
        private final String origin;
        private Conn conn;
        private ChannelFuture connecting;
        private ScheduledFuture<?> timer;
        private boolean reused;
        private boolean retried;
        private boolean written;
        private long writtenNanos;
        private boolean received;
        private boolean informational;
        private int status;
        private String retryAfter;
        private boolean keepAlive;
        private long limit;
        private boolean truncate;
        private byte[] buf;
        private int size;

        Exchange(Call call, long maxOk, EventLoop loop, Streamed stream) {
            this.call = call;
            this.maxOk = maxOk;
            this.loop = loop;
            this.stream = stream;
            this.target = Target.of(call.backend());
            this.origin = target.origin();
        }

        void start(long timeoutNanos) {
            if (isDone()) {
                return;  // aborted before it began
            }
            if (timeoutNanos < Long.MAX_VALUE / 4) {
                timer = loop.schedule(this::timedOut, timeoutNanos, TimeUnit.NANOSECONDS);
            }
            Conn c = LoopPool.of(loop).take(origin);
            try {
                if (c != null) {
                    reused = true;
                    write(c);
                } else {
                    connect();
                }
            } catch (RuntimeException e) {
                fail(e);
            }
        }

        private void timedOut() {
            if (!isDone()) {
                fail(new TimeoutException("no complete answer within "
                        + call.backend().timeout().toMillis() + " ms"));
            }
        }

        private void connect() {
            String host = target.host();
            InetAddress literal = NetUtil.createInetAddressFromIpAddressString(host);
            if (literal != null) {
                connect(new InetAddress[] {literal}, 0);
                return;
            }
            String name = host;
            Dns.EXEC.execute(() -> {
                try {
                    InetAddress[] all = InetAddress.getAllByName(name);
                    loop.execute(() -> connect(all, 0));
                } catch (UnknownHostException | RuntimeException e) {
                    loop.execute(() -> {
                        if (!isDone()) {
                            fail(e);
                        }
                    });
                }
            });
        }

        /** Connects to {@code addresses[i]}, trying the next on a refusal. */
        private void connect(InetAddress[] addresses, int i) {
            if (isDone()) {
                return;
            }
            int port = target.port();
            SslContext tls;
            try {
                tls = target.tls() ? tlsFor(origin) : null;
            } catch (SSLException e) {
                fail(e);
                return;
            }
            Conn c = new Conn(origin, BackendClient.poolSize(origin));
            ChannelFuture f = Template.BOOT.clone(loop).handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    if (tls != null) {
                        // The host name (not the address) for SNI and the certificate check.
                        ch.pipeline().addLast(tls.newHandler(ch.alloc(), target.host(), port));
                    }
                    ch.pipeline().addLast(new HttpClientCodec(4096, 32 * 1024, 16 * 1024), c);
                }
            }).connect(new InetSocketAddress(addresses[i], port));
            connecting = f;
            f.addListener(done -> {
                if (connecting == f) {
                    connecting = null;
                }
                if (isDone()) {
                    f.channel().close();
                    return;
                }
                if (!done.isSuccess()) {
                    Throwable t = done.cause();
                    if (i + 1 < addresses.length) {
                        connect(addresses, i + 1);  // refused, unreachable or timed out: the host's next address
                        return;
                    }
                    if (t instanceof ConnectTimeoutException) {
                        SocketTimeoutException s = new SocketTimeoutException("connect timed out after "
                                + CONNECT_TIMEOUT_MS + " ms");
                        s.initCause(t);
                        t = s;
                    }
                    fail(t);
                    return;
                }
                try {
                    write(c);
                } catch (RuntimeException e) {
                    fail(e);  // e.g. a header value the encoder refuses: said now, not as a timeout later
                }
            });
        }

        private void write(Conn c) {
            conn = c;
            c.ex = this;
            written = false;
            received = false;
            informational = false;
            String path = target.path();
            byte[] body = call.body();
            FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path,
                    Unpooled.wrappedBuffer(body));
            HttpHeaders h = req.headers();
            h.set(HttpHeaderNames.HOST, target.authority());
            h.set(HttpHeaderNames.CONTENT_TYPE, JSON_TYPE);
            h.set(HttpHeaderNames.CONTENT_LENGTH, body.length);
            h.set(HttpHeaderNames.ACCEPT, ACCEPT);
            h.set(HttpHeaderNames.USER_AGENT, AGENT);
            if (call.key() != null) {
                h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + call.key());
            }
            c.ch.writeAndFlush(req).addListener(w -> {
                if (conn != c) {
                    return;  // finished or moved on meanwhile
                }
                if (w.isSuccess()) {
                    written = true;
                    writtenNanos = System.nanoTime();
                } else {
                    broken(w.cause());
                }
            });
        }

        /** One decoded part of the answer, on the loop. */
        void read(Object msg) {
            if (isDone()) {
                return;  // aborted: its connection is being closed
            }
            if (!(msg instanceof HttpObject)) {
                fail(new IOException("the backend sent data that is not HTTP"));
                return;
            }
            received = true;  // any byte of an answer: the backend has the request, so it is never sent again
            if (msg instanceof HttpResponse r) {
                if (r.decoderResult().isFailure()) {
                    broken(new IOException("unreadable HTTP answer: " + r.decoderResult().cause().getMessage(),
                            r.decoderResult().cause()));
                    return;
                }
                int code = r.status().code();
                if (code == 101) {
                    fail(new IOException("the backend switched protocols (101), which a chat call does not ask for"));
                    return;
                }
                if (code / 100 == 1) {
                    informational = true;  // 100 Continue, 103 Early Hints: the answer follows
                    return;
                }
                headers(r);
                if (isDone()) {
                    return;
                }
            }
            if (msg instanceof HttpContent c) {
                if (informational) {
                    if (c instanceof LastHttpContent) {
                        informational = false;
                    }
                    return;
                }
                if (c.decoderResult().isFailure()) {
                    broken(new IOException("unreadable HTTP answer body: " + c.decoderResult().cause().getMessage(),
                            c.decoderResult().cause()));
                    return;
                }
                if (stream != null) {
                    streamed(c);
                    return;
                }
                ByteBuf b = c.content();
                int n = b.readableBytes();
                long room = limit - size;
                if (n > room) {
                    if (truncate) {
                        append(b, (int) room);
                        finish(false);  // the error body, cut; the rest is not read
                    } else {
                        fail(new BoundedBodies.TooLarge(limit, "the answer"));
                    }
                    return;
                }
                append(b, n);
                if (c instanceof LastHttpContent) {
                    finish(keepAlive && written);
                }
            }
        }

        private void headers(HttpResponse r) {
            status = r.status().code();
            keepAlive = HttpUtil.isKeepAlive(r);
            retryAfter = r.headers().get(HttpHeaderNames.RETRY_AFTER);
            if (stream != null) {
                stream.opened(new Head(status, retryAfter, r.headers().get(HttpHeaderNames.CONTENT_TYPE)));
                return;
            }
            boolean ok = status / 100 == 2;
            limit = ok ? maxOk : BackendClient.MAX_ERROR_BODY;
            truncate = !ok;
            long declared;
            try {
                declared = HttpUtil.getContentLength(r, -1L);
            } catch (NumberFormatException e) {
                declared = -1;
            }
            if (ok && declared > maxOk) {
                fail(new BoundedBodies.TooLarge(maxOk, "the answer (by its Content-Length)"));
                return;
            }
            buf = new byte[(int) (declared >= 0 && declared <= limit ? declared : Math.min(limit, 8192))];
            size = 0;
        }

        private void append(ByteBuf b, int n) {
            if (size + n > buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(limit, Math.max((long) size + n, 2L * buf.length)));
            }
            b.readBytes(buf, size, n);
            size += n;
        }

        /** A part of a streamed body: to the reader (or dropped, when draining); its end pools the connection. */
        private void streamed(HttpContent c) {
            ByteBuf b = c.content();
            if (draining) {
                drained += b.readableBytes();
                if (drained > DRAIN_MAX_BYTES) {
                    fail(new IOException("more than " + DRAIN_MAX_BYTES + " bytes after the end of the stream"));
                    return;
                }
            } else if (stream.offer(b)) {
                conn.ch.config().setAutoRead(false);  // the reader is behind: hold the backend back
            }
            if (c instanceof LastHttpContent) {
                Conn k = conn;
                detach();
                stream.ended();
                if (keepAlive && written && k.ch.isActive()) {
                    k.ch.config().setAutoRead(true);  // an idle pooled connection must see the server close it
                    LoopPool.of(loop).put(k);
                } else {
                    k.ch.close();
                }
                complete(null);
            }
        }

        /** On the loop: the stream's reader read up to as much as it could take again. */
        void resume() {
            if (conn != null && !isDone()) {
                conn.ch.config().setAutoRead(true);  // reads at once
            }
        }

        /**
         * On the loop: the stream's reader is done. After a finished answer a body not over yet is drained (read and
         * dropped, bounded in bytes and time) so its connection can be pooled; otherwise the connection is closed.
         */
        void release(boolean finished) {
            if (isDone()) {
                return;  // ended (and pooled) or failed already
            }
            if (!finished || conn == null || draining) {
                fail(new IOException("the stream's reader stopped before its end"));
                return;
            }
            if (!keepAlive) {
                Conn k = conn;
                detach();
                k.ch.close();  // not reusable anyway: nothing to drain for
                complete(null);
                return;
            }
            draining = true;
            conn.ch.config().setAutoRead(true);
            timer = loop.schedule(() -> {
                if (!isDone()) {
                    fail(new IOException("the stream's body did not end within "
                            + TimeUnit.NANOSECONDS.toMillis(DRAIN_NANOS) + " ms of its [DONE]"));
                }
            }, DRAIN_NANOS, TimeUnit.NANOSECONDS);
        }

        /** The answer is whole (or an error body cut): pool or close the connection, then complete. */
        private void finish(boolean reuse) {
            Conn c = conn;
            detach();
            if (reuse && c.ch.isActive()) {
                LoopPool.of(loop).put(c);
            } else {
                c.ch.close();
            }
            complete(new Captured(status, retryAfter, size == buf.length ? buf : Arrays.copyOf(buf, size)));
        }

        /**
         * The connection broke (closed, reset, a failed write, an unreadable answer). A reused connection that broke
         * before any of the answer came is most likely one the server closed as idle while the request went out: the
         * request goes once more on a fresh connection. Anything else fails the call.
         */
        void broken(Throwable cause) {
            if (isDone()) {
                return;
            }
            if (cause instanceof DecoderException && cause.getCause() instanceof SSLException tls) {
                cause = tls;  // a failed handshake (untrusted certificate, wrong host name): say what TLS said
            }
            if (reused && !received && !retried
                    && (!written || System.nanoTime() - writtenNanos < RETRY_WINDOW_NANOS)) {
                retried = true;
                reused = false;
                RETRIES.increment();
                Conn c = conn;
                unlink();  // the call's deadline runs on: the retry gets what is left of it
                if (c != null) {
                    c.ch.close();
                }
                connect();
                return;
            }
            fail(cause instanceof IOException ? cause : new IOException(String.valueOf(cause.getMessage()), cause));
        }

        /** Lets go of the connection (it no longer reports to this exchange); the deadline stays. */
        private void unlink() {
            if (conn != null) {
                conn.ex = null;
                conn = null;
            }
        }

        private void detach() {
            unlink();
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
        }

        /** Fails the call and closes whatever connection it holds or is opening; on the loop. */
        private void fail(Throwable cause) {
            Conn c = conn;
            detach();
            if (c != null) {
                c.ch.close();
            }
            if (connecting != null) {
                connecting.channel().close();
                connecting = null;
            }
            completeExceptionally(cause);
            if (stream != null) {
                stream.failed(cause);
            }
        }

        @Override
        void abort(Throwable cause) {
            if (loop.inEventLoop()) {
                if (!isDone()) {
                    fail(cause);
                }
                return;
            }
            completeExceptionally(cause);  // the waiter is answered now; the loop drops the connection
            loop.execute(() -> fail(cause));
        }
    }
}
