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
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.ScheduledFuture;

import java.io.IOException;
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
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The backend client's transport for non-streamed calls to plain-HTTP ({@code http://}) backends: HTTP/1.1 over the
 * shared {@link EventLoops}, one exchange per connection at a time, keep-alive connections pooled per (origin, event
 * loop) and touched only by their loop (no locks). A call takes a connection of the loop it is made on
 * ({@link EventLoops#current()}), so a call the gateway server makes from its loop is sent, read and answered there,
 * crossing no thread; the capture completes on that loop. A call from any other thread goes to one loop chosen by
 * its thread, the same each time. {@code https://} backends and streams stay on Jetty's client
 * (TLS here is future work).
 *
 * <p>What it keeps of the Jetty path: the backend's timeout bounds the whole answer (connect, headers and body) and
 * fails with a {@link TimeoutException}; a connect takes at most 10 s (a {@link SocketTimeoutException} after that, a
 * {@link ConnectException} when refused); a 2xx answer over the limit fails with {@link BoundedBodies.TooLarge} as soon
 * as that is known and the connection is closed unread; an error body is cut at 64 KiB and kept. A connection goes
 * back to its pool only after a complete answer that allows keep-alive; anything else closes it. A pooled connection
 * is checked open when taken, and one idle for 30 s is closed. A request on a reused connection that the server
 * closes before a byte of the answer arrived (the server timed the idle connection out as the request went) is sent
 * once more on a fresh connection; any other broken answer fails the call.
 */
final class NettyTransport {
    private static final int CONNECT_TIMEOUT_MS = 10_000;
    private static final long POOL_IDLE_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final AsciiString JSON_TYPE = AsciiString.cached("application/json");
    private static final AsciiString ACCEPT = AsciiString.cached("application/json, text/event-stream");
    private static final AsciiString AGENT = AsciiString.cached("zooter-j");

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

    /** Where a backend's chat completions go, parsed once per base URL. */
    record Target(URI uri, String origin, String host, int port, String authority, String path) {
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
            return new Target(uri, BackendClient.originKey("http", uri.getHost(), uri.getPort()), host,
                    uri.getPort() > 0 ? uri.getPort() : 80, uri.getRawAuthority(), path);
        }
    }

    /** Requests sent a second time since the start, because a reused connection closed before any answer. */
    static long retries() {
        return RETRIES.sum();
    }

    /** Whether the calling thread is one of the shared event loops (where nothing may wait for an answer). */
    static boolean onEventLoop() {
        for (EventLoop l : Loops.ALL) {
            if (l.inEventLoop()) {
                return true;
            }
        }
        return false;
    }

    static final class Loops {
        static final EventLoop[] ALL = loops();

        private static EventLoop[] loops() {
            java.util.List<EventLoop> all = new java.util.ArrayList<>();
            EventLoops.group().forEach(e -> all.add((EventLoop) e));
            return all.toArray(new EventLoop[0]);
        }
    }

    /**
     * The calling thread's loop when it runs one ({@link EventLoops#current()}); for any other thread always the same
     * loop (by its thread id), so one thread's calls one after another find the connection its last call left in that
     * loop's pool, where the group's round robin would spread them over every loop's pool.
     */
    static EventLoop loopFor(Thread t) {
        EventLoop[] all = Loops.ALL;
        for (EventLoop l : all) {
            if (l.inEventLoop(t)) {
                return l;
            }
        }
        return all[(int) Math.floorMod(t.getId() * 0x9E3779B97F4A7C15L >>> 32, (long) all.length)];
    }

    /** Starts {@code call} on the caller's loop (see {@link #loopFor}); the capture completes on that loop. */
    static Capture send(Call call, long maxOk, long timeoutNanos) {
        return send(call, maxOk, timeoutNanos, loopFor(Thread.currentThread()));
    }

    /** Starts {@code call} on {@code loop}; the capture completes there. */
    static Capture send(Call call, long maxOk, long timeoutNanos, EventLoop loop) {
        Exchange x = new Exchange(call, maxOk, loop);
        if (loop.inEventLoop()) {
            x.start(timeoutNanos);
        } else {
            loop.execute(() -> x.start(timeoutNanos));
        }
        return x;
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
        private final Target target;
        private final String origin;
        private Conn conn;
        private ChannelFuture connecting;
        private ScheduledFuture<?> timer;
        private boolean reused;
        private boolean retried;
        private boolean written;
        private boolean received;
        private boolean informational;
        private int status;
        private String retryAfter;
        private boolean keepAlive;
        private long limit;
        private boolean truncate;
        private byte[] buf;
        private int size;

        Exchange(Call call, long maxOk, EventLoop loop) {
            this.call = call;
            this.maxOk = maxOk;
            this.loop = loop;
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
            if (c != null) {
                reused = true;
                write(c);
            } else {
                connect();
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
                } catch (UnknownHostException e) {
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
            Conn c = new Conn(origin, BackendClient.poolSize(origin));
            ChannelFuture f = Template.BOOT.clone(loop).handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
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
                    if (t instanceof ConnectTimeoutException) {
                        SocketTimeoutException s = new SocketTimeoutException("connect timed out after "
                                + CONNECT_TIMEOUT_MS + " ms");
                        s.initCause(t);
                        t = s;
                    } else if (t instanceof ConnectException && i + 1 < addresses.length) {
                        connect(addresses, i + 1);
                        return;
                    }
                    fail(t);
                    return;
                }
                write(c);
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
            if (msg instanceof HttpResponse r) {
                if (r.decoderResult().isFailure()) {
                    broken(new IOException("unreadable HTTP answer: " + r.decoderResult().cause().getMessage(),
                            r.decoderResult().cause()));
                    return;
                }
                received = true;
                int code = r.status().code();
                if (code / 100 == 1 && code != 101) {
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
            if (reused && !received && !retried) {
                retried = true;
                reused = false;
                RETRIES.increment();
                Conn c = conn;
                detach();
                if (c != null) {
                    c.ch.close();
                }
                connect();
                return;
            }
            fail(cause instanceof IOException ? cause : new IOException(String.valueOf(cause.getMessage()), cause));
        }

        private void detach() {
            if (conn != null) {
                conn.ex = null;
                conn = null;
            }
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
