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
 * @param chosen       index of the picked candidate (the argmax for learned routers): the answer when only one
 *                     generates, the fallback when the set's answers cannot be compared
 * @param set          indices of the candidates that generate, the chosen one first (a set-picking policy such as
 *                     {@link RerankPolicy} names several; the answers are then compared by a reward source)
 */
public record RoutingDecision(List<String> models, double[] distribution, int chosen, int[] set) {
    public RoutingDecision {
        models = List.copyOf(models);
        if (distribution.length != models.size()) {
            throw new IllegalArgumentException(distribution.length + " probabilities for " + models.size() + " models");
        }
        if (chosen < 0 || chosen >= models.size()) {
            throw new IllegalArgumentException("chosen index " + chosen + " outside 0.." + (models.size() - 1));
        }
        distribution = distribution.clone();
        set = set == null ? new int[] {chosen} : set.clone();
        if (set.length == 0 || set[0] != chosen) {
            throw new IllegalArgumentException("a decision's set must start with the chosen index " + chosen + ", got "
                    + Arrays.toString(set));
        }
        boolean[] seen = new boolean[models.size()];
        for (int i : set) {
            if (i < 0 || i >= models.size() || seen[i]) {
                throw new IllegalArgumentException("set " + Arrays.toString(set) + ": indices must be distinct, in 0.."
                        + (models.size() - 1));
            }
            seen[i] = true;
        }
    }

    /** One generation: the chosen candidate alone. */
    public RoutingDecision(List<String> models, double[] distribution, int chosen) {
        this(models, distribution, chosen, null);
    }

    /** The decision of a learned router: the most probable candidate (lowest index on a tie). */
    public static RoutingDecision argmax(List<String> models, double[] distribution) {
        return new RoutingDecision(models, distribution, ProbabilityVectors.argmax(distribution));
    }

    @Override
    public int[] set() {
        return set.clone();
    }

    /** The candidates that generate, the chosen one first. */
    public List<String> generate() {
        return Arrays.stream(set).mapToObj(models::get).toList();
    }

    /** How many candidates generate for this decision. */
    public int generations() {
        return set.length;
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
                && Arrays.equals(distribution, d.distribution) && Arrays.equals(set, d.set);
    }

    @Override
    public int hashCode() {
        return 31 * models.hashCode() + 17 * chosen + Arrays.hashCode(distribution) + 7 * Arrays.hashCode(set);
    }

    @Override
    public String toString() {
        return "RoutingDecision[" + model() + " p=" + probability() + (set.length > 1 ? " set=" + generate() : "") + "]";
    }
}
