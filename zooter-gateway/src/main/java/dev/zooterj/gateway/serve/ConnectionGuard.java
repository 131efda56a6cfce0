package dev.zooterj.gateway.serve;

import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * How many connections one client address may hold open, and the counts of connections cut off: refused at the cap,
 * or closed because no whole request head arrived within {@code headerReadTimeout}. The head deadline itself is kept
 * by each connection on its event loop (see the gateway's connection handler); this is the part shared by all of them.
 */
final class ConnectionGuard {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

    private final int maxPerAddress;
    private final Map<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    private final LongAdder refused = new LongAdder();
    private final LongAdder headTimeouts = new LongAdder();

    ConnectionGuard(int maxPerAddress) {
        this.maxPerAddress = maxPerAddress;
    }

    /**
     * A connection opened: counts it against its address. False when the address already had its limit open; the
     * caller closes it (and must still call {@link #closed} for it).
     */
    boolean opened(Channel channel) {
        InetAddress address = addressOf(channel.remoteAddress());
        if (address == null) {
            return true;
        }
        int[] n = new int[1];
        perAddress.compute(address, (a, count) -> {  // atomic with closed()'s removal of a count that reached 0
            AtomicInteger c = count == null ? new AtomicInteger() : count;
            n[0] = c.incrementAndGet();
            return c;
        });
        if (n[0] > maxPerAddress) {
            refused.increment();
            LOG.debug("refused a connection from {}: it already has {} open (the limit)", address, maxPerAddress);
            return false;
        }
        return true;
    }

    /** A connection that {@link #opened} counted closed. */
    void closed(Channel channel) {
        InetAddress address = addressOf(channel.remoteAddress());
        if (address != null) {
            perAddress.computeIfPresent(address, (a, count) -> count.decrementAndGet() <= 0 ? null : count);
        }
    }

    /** A connection was closed because its request head did not arrive in time. */
    void headTimedOut() {
        headTimeouts.increment();
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
