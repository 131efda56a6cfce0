package dev.zooterj.gateway.serve;

import dev.zooterj.gateway.Limits;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link GatewayServer} listens and protects itself.
 *
 * @param host            address to bind, e.g. {@code 127.0.0.1} (loopback only) or {@code 0.0.0.0}
 * @param port            port to bind; 0 picks a free one ({@link GatewayServer#port()} tells which)
 * @param alias           the {@code model} name that means "let the router choose"
 * @param maxInFlight     chat and route requests handled at once (1 to {@link Limits#MAX_IN_FLIGHT}); more are refused
 *                        with 503 and Retry-After
 * @param maxBodyBytes    largest request body accepted; larger is 413
 * @param shutdownGrace   how long {@link GatewayServer#close()} lets in-flight requests finish
 * @param bodyReadTimeout how long a client may take to send its request body once its headers are in; a slower one's
 *                        connection is closed (it holds no in-flight slot meanwhile: the body is read before admission)
 * @param headerReadTimeout how long a connection may take to send a whole request line and headers, from its opening
 *                        or from the end of the previous response; then it is closed (idle keep-alive ones too)
 * @param idleTimeout     how long a connection may make no progress, reading or writing: a client that stops reading
 *                        its answer (a stream included) is disconnected after it, and its slot freed
 * @param maxConnectionsPerAddress connections one client address may hold open at once; more are closed at once
 */
public record GatewayConfig(String host, int port, String alias, int maxInFlight, long maxBodyBytes,
                            Duration shutdownGrace, Duration bodyReadTimeout, Duration headerReadTimeout,
                            Duration idleTimeout, int maxConnectionsPerAddress) {
    public static final String DEFAULT_ALIAS = "zooter";
    public static final Duration DEFAULT_BODY_READ_TIMEOUT = Duration.ofSeconds(20);
    public static final Duration DEFAULT_HEADER_READ_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 128;

    public GatewayConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in 0..65535, got " + port);
        }
        if (alias.isBlank()) {
            throw new IllegalArgumentException("the routing alias must not be blank");
        }
        if (maxInFlight < 1 || maxInFlight > Limits.MAX_IN_FLIGHT) {
            throw new IllegalArgumentException("maxInFlight must be in 1.." + Limits.MAX_IN_FLIGHT + ", got " + maxInFlight);
        }
        if (maxBodyBytes < 1 || maxBodyBytes > Limits.MAX_BODY_BYTES) {
            throw new IllegalArgumentException("maxBodyBytes must be in 1.." + Limits.MAX_BODY_BYTES + ", got " + maxBodyBytes);
        }
        Duration longest = Duration.ofSeconds((long) Limits.MAX_WAIT_SECONDS);
        if (shutdownGrace.isNegative() || shutdownGrace.compareTo(longest) > 0) {
            throw new IllegalArgumentException("shutdownGrace must be in 0.." + longest + ", got " + shutdownGrace);
        }
        requirePositive("bodyReadTimeout", bodyReadTimeout);
        requirePositive("headerReadTimeout", headerReadTimeout);
        requirePositive("idleTimeout", idleTimeout);
        if (maxConnectionsPerAddress < 1 || maxConnectionsPerAddress > Limits.MAX_IN_FLIGHT) {
            throw new IllegalArgumentException("maxConnectionsPerAddress must be in 1.." + Limits.MAX_IN_FLIGHT + ", got " + maxConnectionsPerAddress);
        }
    }

    private static void requirePositive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
        Duration longest = Duration.ofSeconds((long) Limits.MAX_WAIT_SECONDS);
        if (d.compareTo(longest) > 0) {
            throw new IllegalArgumentException(name + " must be positive and at most " + longest + ", got " + d);
        }
    }

    /** With the default connection limits and deadlines, and this body read timeout. */
    public GatewayConfig(String host, int port, String alias, int maxInFlight, long maxBodyBytes, Duration shutdownGrace,
                         Duration bodyReadTimeout) {
        this(host, port, alias, maxInFlight, maxBodyBytes, shutdownGrace, bodyReadTimeout, DEFAULT_HEADER_READ_TIMEOUT,
                DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_CONNECTIONS_PER_ADDRESS);
    }

    /** With the default connection limits and deadlines ({@link #DEFAULT_BODY_READ_TIMEOUT} and the others). */
    public GatewayConfig(String host, int port, String alias, int maxInFlight, long maxBodyBytes, Duration shutdownGrace) {
        this(host, port, alias, maxInFlight, maxBodyBytes, shutdownGrace, DEFAULT_BODY_READ_TIMEOUT);
    }

    /**
     * Loopback, port 8080, alias "zooter", 64 requests in flight, 1 MiB bodies, 30 s shutdown grace, 10 s to send the
     * request head, 20 s to send a body, 30 s idle timeout, 128 connections per client address.
     */
    public static GatewayConfig defaults() {
        return new GatewayConfig("127.0.0.1", 8080, DEFAULT_ALIAS, 64, 1 << 20, Duration.ofSeconds(30));
    }

    public GatewayConfig withHost(String host) {
        return new GatewayConfig(host, port, alias, maxInFlight, maxBodyBytes, shutdownGrace, bodyReadTimeout,
                headerReadTimeout, idleTimeout, maxConnectionsPerAddress);
    }

    public GatewayConfig withPort(int port) {
        return new GatewayConfig(host, port, alias, maxInFlight, maxBodyBytes, shutdownGrace, bodyReadTimeout,
                headerReadTimeout, idleTimeout, maxConnectionsPerAddress);
    }

    public GatewayConfig withAlias(String alias) {
        return new GatewayConfig(host, port, alias, maxInFlight, maxBodyBytes, shutdownGrace, bodyReadTimeout,
                headerReadTimeout, idleTimeout, maxConnectionsPerAddress);
    }

    public GatewayConfig withMaxInFlight(int maxInFlight) {
        return new GatewayConfig(host, port, alias, maxInFlight, maxBodyBytes, shutdownGrace, bodyReadTimeout,
                headerReadTimeout, idleTimeout, maxConnectionsPerAddress);
    }

    public GatewayConfig withMaxBodyBytes(long maxBodyBytes) {
        return new GatewayConfig(host, port, alias, maxInFlight, maxBodyBytes, shutdownGrace, bodyReadTimeout,
                headerReadTimeout, idleTimeout, maxConnectionsPerAddress);
    }

    public GatewayConfig withShutdownGrace(Duration shutdownGrace) {
        return new GatewayConfig(host, port, alias, maxInFlight, maxBodyBytes, shutdownGrace, bodyReadTimeout,
                headerReadTimeout, idleTimeout, maxConnectionsPerAddress);
    }

    public GatewayConfig withBodyReadTimeout(Duration bodyReadTimeout) {
        return new GatewayConfig(host, port, alias, maxInFlight, maxBodyBytes, shutdownGrace, bodyReadTimeout,
                headerReadTimeout, idleTimeout, maxConnectionsPerAddress);
    }

    public GatewayConfig withHeaderReadTimeout(Duration headerReadTimeout) {
        return new GatewayConfig(host, port, alias, maxInFlight, maxBodyBytes, shutdownGrace, bodyReadTimeout,
                headerReadTimeout, idleTimeout, maxConnectionsPerAddress);
    }

    public GatewayConfig withIdleTimeout(Duration idleTimeout) {
        return new GatewayConfig(host, port, alias, maxInFlight, maxBodyBytes, shutdownGrace, bodyReadTimeout,
                headerReadTimeout, idleTimeout, maxConnectionsPerAddress);
    }

    public GatewayConfig withMaxConnectionsPerAddress(int maxConnectionsPerAddress) {
        return new GatewayConfig(host, port, alias, maxInFlight, maxBodyBytes, shutdownGrace, bodyReadTimeout,
                headerReadTimeout, idleTimeout, maxConnectionsPerAddress);
    }
}
