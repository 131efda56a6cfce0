package dev.zooterj.core.routing;

import java.util.Arrays;
import java.util.Objects;

/**
 * Route-or-rerank: the router's top candidates by its estimate generate, as many as the {@link RerankRule} gives for
 * the router's confidence on the query; a reward source then keeps the best of their answers. The decision's chosen
 * candidate is the estimate's argmax (the answer when the set is one, the fallback when the answers cannot be
 * compared). Works with every estimate kind, so with every router kind.
 */
public final class RerankPolicy implements Policy {
    private final RerankRule rule;

    public RerankPolicy(RerankRule rule) {
        this.rule = Objects.requireNonNull(rule, "rule");
    }

    public RerankRule rule() {
        return rule;
    }

    @Override
    public RoutingDecision decide(Estimate e) {
        int[] order = RerankRule.order(e.values());
        int k = rule.k(RerankRule.sortedWeights(e, order));
        return new RoutingDecision(e.models(), e.weights(), order[0], Arrays.copyOf(order, k));
    }

    @Override
    public String toString() {
        return "rerank(" + rule.describe() + ")";
    }
}
