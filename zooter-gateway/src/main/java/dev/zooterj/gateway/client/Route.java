package dev.zooterj.gateway.client;

import dev.zooterj.core.routing.RoutingDecision;

import java.util.List;

/**
 * Where a request goes: the models to try, best first. A routed request carries the router's decision (its ranking is
 * the fallback order); an explicit one names a single backend and has no decision and no fallback.
 *
 * @param ranking     candidate models, best first (the client tries at most its {@code attempts} of them)
 * @param decision    the router's decision, or null for an explicit model
 * @param routerNanos time the router took, 0 for an explicit model
 */
public record Route(List<String> ranking, RoutingDecision decision, long routerNanos) {
    public Route {
        ranking = List.copyOf(ranking);
        if (ranking.isEmpty()) {
            throw new IllegalArgumentException("a route needs at least one model");
        }
    }

    /** Whether the router chose (as opposed to the caller naming a model). */
    public boolean routed() {
        return decision != null;
    }

    /** The router's probability for {@code model}, or NaN for an explicit route. */
    public double probability(String model) {
        if (decision == null) {
            return Double.NaN;
        }
        Double p = decision.distributionByModel().get(model);
        return p == null ? Double.NaN : p;
    }
}
