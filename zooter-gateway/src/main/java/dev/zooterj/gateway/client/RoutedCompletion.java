package dev.zooterj.gateway.client;

import dev.zooterj.gateway.http.Completion;

import java.util.List;

/**
 * A chat completion and how it was obtained.
 *
 * @param route      the route: the router's decision, or the model the caller named
 * @param model      the backend that answered (the router's pick, or a later one in its ranking after failures)
 * @param completion the backend's answer; {@link Completion#content()} is null for an answer made of tool calls
 * @param attempts   how many backends were tried, this one included
 * @param failures   the backends that failed before it, in order
 */
public record RoutedCompletion(Route route, String model, Completion completion, int attempts,
                               List<FallbackChain.Failure> failures) {
    public RoutedCompletion {
        failures = List.copyOf(failures);
    }

    /** The answer's text. */
    public String content() {
        return completion.content();
    }
}
