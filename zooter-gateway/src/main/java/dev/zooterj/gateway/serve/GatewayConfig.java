package dev.zooterj.gateway.serve;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link GatewayServer} listens and protects itself.
 *
 * @param host          address to bind, e.g. {@code 127.0.0.1} (loopback only) or {@code 0.0.0.0}
 * @param port          port to bind; 0 picks a free one ({@link GatewayServer#port()} tells which)
 * @param alias         the {@code model} name that means "let the router choose"
 * @param maxInFlight   chat and route requests handled at once; more are refused with 503 and Retry-After
 * @param maxBodyBytes  largest request body accepted; larger is 413
 * @param shutdownGrace how long {@link GatewayServer#close()} lets in-flight requests finish
 */
public record GatewayConfig(String host, int port, String alias, int maxInFlight, long maxBodyBytes,
                            Duration shutdownGrace) {
    public static final String DEFAULT_ALIAS = "zooter";

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
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be >= 1, got " + maxInFlight);
        }
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("maxBodyBytes must be >= 1, got " + maxBodyBytes);
        }
        if (shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("shutdownGrace must not be negative, got " + shutdownGrace);
        }
    }

    /** Loopback, port 8080, alias "zooter", 64 requests in flight, 1 MiB bodies, 30 s shutdown grace. */
    public static GatewayConfig defaults() {
        return new GatewayConfig("127.0.0.1", 8080, DEFAULT_ALIAS, 64, 1 << 20, Duration.ofSeconds(30));
    }

    public GatewayConfig withHost(String host) {
        return new GatewayConfig(host, port, alias, maxInFlight, maxBodyBytes, shutdownGrace);
    }

    public GatewayConfig withPort(int port) {
        return new GatewayConfig(host, port, alias, maxInFlight, maxBodyBytes, shutdownGrace);
    }

    public GatewayConfig withAlias(String alias) {
        return new GatewayConfig(host, port, alias, maxInFlight, maxBodyBytes, shutdownGrace);
    }

    public GatewayConfig withMaxInFlight(int maxInFlight) {
        return new GatewayConfig(host, port, alias, maxInFlight, maxBodyBytes, shutdownGrace);
    }

    public GatewayConfig withMaxBodyBytes(long maxBodyBytes) {
        return new GatewayConfig(host, port, alias, maxInFlight, maxBodyBytes, shutdownGrace);
    }

    public GatewayConfig withShutdownGrace(Duration shutdownGrace) {
        return new GatewayConfig(host, port, alias, maxInFlight, maxBodyBytes, shutdownGrace);
    }
}
