package dev.zooterj.core.routing;

import dev.zooterj.core.label.ProbabilityVectors;

/**
 * What is done with a router's {@link Estimate}: pick the candidate with the highest value ({@link #ARGMAX}), a set to
 * rerank ({@link RerankPolicy}), the best quality for the cost ({@link CostAwarePolicy}) or a calibrated threshold
 * ({@link BiasPolicy}). Every policy works with every router kind unchanged.
 * Implementations are thread-safe.
 */
@FunctionalInterface
public interface Policy {
    RoutingDecision decide(Estimate estimate);

    /** The candidate with the highest value, lowest index on a tie. */
    Policy ARGMAX = e -> new RoutingDecision(e.models(), e.weights(), ProbabilityVectors.argmax(e.values()));
}
