package dev.zooterj.gateway.client;

import dev.zooterj.gateway.http.RawAnswer;

import java.util.List;

/**
 * A chat completion kept as the backend's bytes ({@link RawAnswer}), and how it was obtained: what the gateway passes
 * on with only its {@code model} changed.
 *
 * @param route    the route: the router's decision, or the model the caller named
 * @param model    the backend that answered
 * @param answer   its answer, as it sent it
 * @param attempts how many backends were tried, this one included
 * @param failures the backends that failed before it, in order
 */
public record RoutedRelay(Route route, String model, RawAnswer answer, int attempts, List<FallbackChain.Failure> failures) {
    public RoutedRelay {
        failures = List.copyOf(failures);
    }
}
