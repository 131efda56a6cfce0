package dev.zooterj.core.routing;

import dev.zooterj.core.label.ProbabilityVectors;

/**
 * What is done with a router's {@link Estimate}: today, pick the candidate with the highest value. A policy that
 * picks a set to rerank, or weighs cost, implements this interface and works with every router kind unchanged.
 * Implementations are thread-safe.
 */
@FunctionalInterface
public interface Policy {
    RoutingDecision decide(Estimate estimate);

    /** The candidate with the highest value, lowest index on a tie. */
    Policy ARGMAX = e -> new RoutingDecision(e.models(), e.weights(), ProbabilityVectors.argmax(e.values()));
}
