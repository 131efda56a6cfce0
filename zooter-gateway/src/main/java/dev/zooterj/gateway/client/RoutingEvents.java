package dev.zooterj.gateway.client;

import dev.zooterj.core.routing.RoutingDecision;
import dev.zooterj.gateway.http.BackendException;

/** What a {@link RoutingChatClient} did, for metrics; called on the request's thread, so keep it cheap. */
public interface RoutingEvents {
    RoutingEvents NONE = new RoutingEvents() {
    };

    /** The router decided, taking {@code routerNanos}. */
    default void routed(RoutingDecision decision, long routerNanos) {
    }

    /** A backend failed; {@code fallingBack} when the next model in the ranking is tried next. */
    default void backendFailed(String model, BackendException error, boolean fallingBack) {
    }

    /** {@code model} answered, after {@code attempts} tries. */
    default void answered(String model, int attempts) {
    }
}
