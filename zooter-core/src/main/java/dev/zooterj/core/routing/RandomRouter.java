package dev.zooterj.core.routing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * A uniform pick. The distribution is uniform (so evaluations take the expected score of a random pick,
 * not one lucky draw); the chosen model is a seeded hash of the query, so the same query and seed always
 * go to the same model and concurrent callers need no shared random state.
 */
public final class RandomRouter implements Router {
    private final List<String> models;
    private final long seed;
    private final double[] uniform;

    public RandomRouter(List<String> models, long seed) {
        this.models = List.copyOf(models);
        this.seed = seed;
        this.uniform = new double[models.size()];
        Arrays.fill(uniform, 1.0 / models.size());
    }

    @Override
    public List<String> models() {
        return models;
    }

    @Override
    public RoutingDecision route(String query) {
        long h = seed * 0x9E3779B97F4A7C15L;
        for (byte b : query.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ b) * 0x100000001B3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return new RoutingDecision(models, uniform, (int) Math.floorMod(h, (long) models.size()));
    }
}
