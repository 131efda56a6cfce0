package dev.zooterj.core.routing;

import dev.zooterj.core.label.ProbabilityVectors;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Which model a router picked for one query, with the router's distribution over all candidates.
 *
 * @param models       candidate names, in the router's order
 * @param distribution the router's probability per candidate
 * @param chosen       index of the picked candidate (the argmax for learned routers)
 */
public record RoutingDecision(List<String> models, double[] distribution, int chosen) {
    public RoutingDecision {
        models = List.copyOf(models);
        if (distribution.length != models.size()) {
            throw new IllegalArgumentException(distribution.length + " probabilities for " + models.size() + " models");
        }
        if (chosen < 0 || chosen >= models.size()) {
            throw new IllegalArgumentException("chosen index " + chosen + " outside 0.." + (models.size() - 1));
        }
        distribution = distribution.clone();
    }

    /** The decision of a learned router: the most probable candidate (lowest index on a tie). */
    public static RoutingDecision argmax(List<String> models, double[] distribution) {
        return new RoutingDecision(models, distribution, ProbabilityVectors.argmax(distribution));
    }

    public String model() {
        return models.get(chosen);
    }

    public double probability() {
        return distribution[chosen];
    }

    /** Entropy of the distribution in nats: 0 = certain, log N = no preference. */
    public double entropy() {
        return ProbabilityVectors.entropy(distribution);
    }

    @Override
    public double[] distribution() {
        return distribution.clone();
    }

    /** Candidates from most to least probable, the chosen one first: the fallback order of a gateway. */
    public List<String> ranking() {
        Integer[] order = IntStream.range(0, models.size()).boxed().toArray(Integer[]::new);
        Arrays.sort(order, (a, b) -> a == chosen ? -1 : b == chosen ? 1 : Double.compare(distribution[b], distribution[a]));
        return Arrays.stream(order).map(models::get).toList();
    }

    /** Model name → probability, in the router's order. */
    public Map<String, Double> distributionByModel() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < models.size(); i++) {
            out.put(models.get(i), distribution[i]);
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RoutingDecision d && chosen == d.chosen && models.equals(d.models)
                && Arrays.equals(distribution, d.distribution);
    }

    @Override
    public int hashCode() {
        return 31 * models.hashCode() + 17 * chosen + Arrays.hashCode(distribution);
    }

    @Override
    public String toString() {
        return "RoutingDecision[" + model() + " p=" + probability() + "]";
    }
}
