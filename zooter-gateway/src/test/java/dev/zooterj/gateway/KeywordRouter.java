package dev.zooterj.gateway;

import dev.zooterj.core.routing.Router;
import dev.zooterj.core.routing.RoutingDecision;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A router for tests: a query containing {@code @name} goes to that model, anything else to the first model. The
 * pick gets probability 0.6 and the rest share 0.4 equally, so the ranking (the fallback order) is the pick, then the
 * other models in declared order.
 */
public final class KeywordRouter implements Router {
    private final List<String> models;
    private final AtomicInteger calls = new AtomicInteger();

    public KeywordRouter(String... models) {
        this.models = List.of(models);
    }

    @Override
    public List<String> models() {
        return models;
    }

    @Override
    public RoutingDecision route(String query) {
        calls.incrementAndGet();
        int chosen = 0;
        for (int i = 0; i < models.size(); i++) {
            if (query.contains("@" + models.get(i))) {
                chosen = i;
                break;
            }
        }
        double[] p = new double[models.size()];
        Arrays.fill(p, models.size() == 1 ? 0 : 0.4 / (models.size() - 1));
        p[chosen] = models.size() == 1 ? 1 : 0.6;
        return new RoutingDecision(models, p, chosen);
    }

    /** How many times {@link #route(String)} ran. */
    public int calls() {
        return calls.get();
    }
}
