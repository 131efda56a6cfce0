package dev.zooterj.core.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A {@link Router} made of what is estimated ({@link Estimator}) and what is done with it ({@link Policy}). */
public final class EstimatingRouter implements Router {
    private final Estimator estimator;
    private final Policy policy;

    public EstimatingRouter(Estimator estimator, Policy policy) {
        this.estimator = Objects.requireNonNull(estimator, "estimator");
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /** The argmax of the estimator's values. */
    public static EstimatingRouter argmax(Estimator estimator) {
        return new EstimatingRouter(estimator, Policy.ARGMAX);
    }

    public Estimator estimator() {
        return estimator;
    }

    public Policy policy() {
        return policy;
    }

    @Override
    public List<String> models() {
        return estimator.models();
    }

    @Override
    public RoutingDecision route(String query) {
        return route(List.of(query)).get(0);
    }

    @Override
    public List<RoutingDecision> route(List<String> queries) {
        List<Estimate> estimates = estimator.estimate(queries);
        List<RoutingDecision> out = new ArrayList<>(estimates.size());
        for (Estimate e : estimates) {
            out.add(policy.decide(e));
        }
        return out;
    }
}
