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

        private static EventLoopGroup create() {
            int n = Integer.getInteger("zooterj.gateway.ioThreads", Runtime.getRuntime().availableProcessors());
            if (n < 1) {
                throw new IllegalArgumentException("-Dzooterj.gateway.ioThreads must be at least 1, got " + n);
            }
            DefaultThreadFactory threads = new DefaultThreadFactory("zooter-io", true);
            return EPOLL ? new EpollEventLoopGroup(n, threads) : new NioEventLoopGroup(n, threads);
        }
    }

    /** The shared group, created on first use; it lives as long as the process (its threads are daemons). */
    public static EventLoopGroup group() {
        return Shared.GROUP;
    }

    /** The loop the calling thread runs, when it is one of the group's; else the group's next loop. */
    public static EventLoop current() {
        for (io.netty.util.concurrent.EventExecutor e : group()) {
            if (e.inEventLoop()) {
                return (EventLoop) e;
            }
        }
        return group().next();
    }

    /** Whether the calling thread is one of the group's loops (where nothing may wait). */
    public static boolean inEventLoop() {
        for (io.netty.util.concurrent.EventExecutor e : group()) {
            if (e.inEventLoop()) {
                return true;
            }
        }
        return false;
    }

    /** The transport's connecting socket channel class (epoll or NIO, matching {@link #group()}). */
    public static Class<? extends SocketChannel> socketChannel() {
        return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** The transport's listening channel class (epoll or NIO, matching {@link #group()}). */
    public static Class<? extends ServerChannel> serverChannel() {
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** {@code epoll} or {@code nio}: what the group runs on, for logs and reports. */
    public static String transport() {
        return EPOLL ? "epoll" : "nio";
    }
}
