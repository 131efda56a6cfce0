package dev.zooterj.core.routing;

import java.util.List;

/** Always the same candidate: a single model, or BMA (the best on average on the training split). */
public final class FixedModelRouter implements Router {
    private final List<String> models;
    private final RoutingDecision decision;

    public FixedModelRouter(List<String> models, String model) {
        this.models = List.copyOf(models);
        int index = this.models.indexOf(model);
        if (index < 0) {
            throw new IllegalArgumentException("unknown model '" + model + "'; models are " + models);
        }
        double[] oneHot = new double[models.size()];
        oneHot[index] = 1;
        this.decision = new RoutingDecision(models, oneHot, index);
    }

    @Override
    public List<String> models() {
        return models;
    }

    @Override
    public RoutingDecision route(String query) {
        return decision;
    }
}
