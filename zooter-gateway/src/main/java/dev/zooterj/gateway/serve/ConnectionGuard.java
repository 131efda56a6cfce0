package dev.zooterj.gateway.serve;

import org.eclipse.jetty.io.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the server library does not bound on its own, per client connection: how many connections one client address
 * may hold open, and how long a connection may take to deliver a whole request head (request line and headers).
 * Jetty's idle timeout only notices silence, so a client sending one byte a second would otherwise keep a connection
 * forever.
 *
 * <p>The head deadline runs from the moment the connection opens, and again from the end of each response: a
 * keep-alive connection that sends no next request within it is closed too. It is suspended while a request is being
 * handled (the body then has its own deadline, and the answer the idle timeout).
 */
final class ConnectionGuard implements Connection.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

    private final int maxPerAddress;
    private final long headNanos;
    private final ScheduledExecutorService timer;
    private final Map<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    private final Map<Connection, Guarded> open = new ConcurrentHashMap<>();
    private final LongAdder refused = new LongAdder();
    private final LongAdder headTimeouts = new LongAdder();

    ConnectionGuard(int maxPerAddress, Duration headerReadTimeout, ScheduledExecutorService timer) {
        this.maxPerAddress = maxPerAddress;
        this.headNanos = headerReadTimeout.toNanos();
        this.timer = timer;
    }

    /**
     * One open connection: its client address and the deadline for its next request head, when one is pending. The
     * deadline is a time stamp, checked by one timer per connection that re-arms itself for what is left: a request
     * costs two field writes, not a timer scheduled and cancelled (each of which woke the timer thread).
     */
    private final class Guarded implements Runnable {
        final Connection connection;
        final InetAddress address;
        private boolean inRequest;
        private boolean closed;
        private long dueNanos;
        /** The pending check, or null: at most one per connection. */
        private ScheduledFuture<?> check;

        Guarded(Connection connection, InetAddress address) {
            this.connection = connection;
            this.address = address;
        }

        /** The next request head is due within the deadline from now. */
        synchronized void awaitHead() {
            inRequest = false;
            dueNanos = System.nanoTime() + headNanos;
            if (check == null && !closed) {
                check = timer.schedule(this, headNanos, TimeUnit.NANOSECONDS);
            }
        }

        /** A head arrived: no deadline until the response is out (a pending check finds this and stops). */
        synchronized void requestStarted() {
            inRequest = true;
        }

        @Override
        public void run() {
            synchronized (this) {
                check = null;
                if (inRequest || closed) {
                    return;
                }
                long left = dueNanos - System.nanoTime();
                if (left > 0) {
                    check = timer.schedule(this, left, TimeUnit.NANOSECONDS);
                    return;
                }
            }
            headTimeouts.increment();
            LOG.debug("closed a connection from {} that sent no whole request head within {} ms", address,
                    TimeUnit.NANOSECONDS.toMillis(headNanos));
            connection.getEndPoint().close();
        }

        /** The connection closed: no more checks. */
        synchronized void cancel() {
            closed = true;
            if (check != null) {
                check.cancel(false);
                check = null;
            }
        }
    }

    @Override
    public void onOpened(Connection connection) {
        InetAddress address = addressOf(connection.getEndPoint().getRemoteSocketAddress());
        Guarded g = new Guarded(connection, address);
        open.put(connection, g);
        int n = address == null ? 1 : perAddress.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
        if (n > maxPerAddress) {
            refused.increment();
            LOG.debug("refused a connection from {}: it already has {} open (the limit)", address, maxPerAddress);
            connection.getEndPoint().close();
            return;
        }
        g.awaitHead();
    }

    @Override
    public void onClosed(Connection connection) {
        Guarded g = open.remove(connection);
        if (g == null) {
            return;
        }
        g.cancel();
        if (g.address != null) {
            perAddress.computeIfPresent(g.address, (a, count) -> count.decrementAndGet() <= 0 ? null : count);
        }
    }

    /** A request head arrived on this connection: its deadline is met. */
    void requestStarted(Connection connection) {
        Guarded g = open.get(connection);
        if (g != null) {
            g.requestStarted();
        }
    }

    /** The response went out: the next request head is due within the deadline. */
    void requestEnded(Connection connection) {
        Guarded g = open.get(connection);
        if (g != null) {
            g.awaitHead();
        }
    }

    /** Connections refused because their address was at its limit, since start. */
    long refused() {
        return refused.sum();
    }

    /** Connections closed because no whole request head arrived in time, since start. */
    long headTimeouts() {
        return headTimeouts.sum();
    }

    private static InetAddress addressOf(SocketAddress a) {
        return a instanceof InetSocketAddress i ? i.getAddress() : null;
    }
}
