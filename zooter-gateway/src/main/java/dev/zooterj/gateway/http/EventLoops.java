package dev.zooterj.gateway.http;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The process's Netty event loops, shared by the routing gateway's server and the backend client's (plain and TLS)
 * connections: a request read on one loop is sent to its backend on a connection of the same loop, and the answer is
 * written back from there, so a relayed exchange crosses no thread. Linux's epoll transport where it loads, NIO
 * elsewhere. The threads are daemons named {@code zooter-io-N}; there are {@code -Dzooterj.gateway.ioThreads} of them
 * (default: the available processors). Nothing that blocks may run on them.
 */
public final class EventLoops {
    private static final boolean EPOLL = Epoll.isAvailable();

    private EventLoops() {
    }

    private static final class Shared {
        static final EventLoopGroup GROUP = create();
        /** The group's loops, in a fixed order. */
        static final EventLoop[] LOOPS = loops(GROUP);

        private static EventLoopGroup create() {
            int n = Integer.getInteger("zooterj.gateway.ioThreads", Runtime.getRuntime().availableProcessors());
            if (n < 1) {
                throw new IllegalArgumentException("-Dzooterj.gateway.ioThreads must be at least 1, got " + n);
            }
            DefaultThreadFactory threads = new DefaultThreadFactory("zooter-io", true);
            return EPOLL ? new EpollEventLoopGroup(n, threads) : new NioEventLoopGroup(n, threads);
        }

        private static EventLoop[] loops(EventLoopGroup group) {
            java.util.List<EventLoop> all = new java.util.ArrayList<>();
            group.forEach(e -> all.add((EventLoop) e));
            return all.toArray(new EventLoop[0]);
        }
    }

    /** The shared group, created on first use; it lives as long as the process (its threads are daemons). */
    public static EventLoopGroup group() {
        return Shared.GROUP;
    }

    /** The group's loops, in a fixed order (a copy). */
    static EventLoop[] loops() {
        return Shared.LOOPS.clone();
    }

    /** Whether the calling thread is one of the group's loops (where nothing may wait). */
    public static boolean inEventLoop() {
        for (EventLoop l : Shared.LOOPS) {
            if (l.inEventLoop()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The loop {@code t} runs, when it is one of the group's; for any other thread always the same loop (by its thread
     * id), so one thread's calls one after another find the connection its last call left in that loop's pool, where
     * the group's round robin would spread them over every loop's pool.
     */
    public static EventLoop loopFor(Thread t) {
        EventLoop[] all = Shared.LOOPS;
        for (EventLoop l : all) {
            if (l.inEventLoop(t)) {
                return l;
            }
        }
        return all[(int) Math.floorMod(t.getId() * 0x9E3779B97F4A7C15L >>> 32, (long) all.length)];
    }

    /** The transport's connecting socket channel class (epoll or NIO, matching {@link #group()}). */
    public static Class<? extends SocketChannel> socketChannel() {
        return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** The transport's listening channel class (epoll or NIO, matching {@link #group()}). */
    public static Class<? extends ServerChannel> serverChannel() {
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }
}
