package dev.zooterj.data.sim;

import static dev.zooterj.data.sim.Domain.CODING;
import static dev.zooterj.data.sim.Domain.COMMONSENSE;
import static dev.zooterj.data.sim.Domain.EXTRACTION;
import static dev.zooterj.data.sim.Domain.HUMANITIES;
import static dev.zooterj.data.sim.Domain.KNOWLEDGE;
import static dev.zooterj.data.sim.Domain.MATH;
import static dev.zooterj.data.sim.Domain.REASONING;
import static dev.zooterj.data.sim.Domain.ROLEPLAY;
import static dev.zooterj.data.sim.Domain.STEM;
import static dev.zooterj.data.sim.Domain.WRITING;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Which domains each evaluation subset's queries come from, as weights. AlpacaEval's subsets are broad
 * mixtures of everyday requests, FLASK's and MT-Bench's categories lean on the domains their names suggest,
 * and the exact-answer benchmarks are narrow.
 */
final class SubsetDomains {
    // Looked up by name only; iteration order never matters.
    private static final Map<String, Map<Domain, Double>> MIXTURES = new HashMap<>();

    static {
        mixture("helpful_base", Map.of(COMMONSENSE, 0.35, KNOWLEDGE, 0.25, WRITING, 0.2, REASONING, 0.1, STEM, 0.1));
        mixture("koala", Map.of(KNOWLEDGE, 0.3, COMMONSENSE, 0.2, HUMANITIES, 0.2, WRITING, 0.15, CODING, 0.15));
        mixture("oasst", Map.of(KNOWLEDGE, 0.25, CODING, 0.2, WRITING, 0.2, STEM, 0.2, COMMONSENSE, 0.15));
        mixture("selfinstruct", Map.of(EXTRACTION, 0.3, WRITING, 0.3, KNOWLEDGE, 0.2, MATH, 0.1, REASONING, 0.1));
        mixture("vicuna", Map.of(WRITING, 0.25, KNOWLEDGE, 0.2, COMMONSENSE, 0.2, ROLEPLAY, 0.15, CODING, 0.1, MATH, 0.1));

        mixture("flask_humanities", Map.of(HUMANITIES, 0.8, WRITING, 0.2));
        mixture("flask_language", Map.of(WRITING, 0.5, EXTRACTION, 0.5));
        mixture("flask_culture", Map.of(HUMANITIES, 0.5, KNOWLEDGE, 0.3, ROLEPLAY, 0.2));
        mixture("flask_health", Map.of(KNOWLEDGE, 0.6, STEM, 0.3, COMMONSENSE, 0.1));
        mixture("flask_history", Map.of(HUMANITIES, 0.6, KNOWLEDGE, 0.4));
        mixture("flask_natural_science", Map.of(STEM, 0.8, KNOWLEDGE, 0.2));
        mixture("flask_math", Map.of(MATH, 0.8, REASONING, 0.2));
        mixture("flask_social_science", Map.of(HUMANITIES, 0.5, KNOWLEDGE, 0.5));
        mixture("flask_technology", Map.of(STEM, 0.4, CODING, 0.3, KNOWLEDGE, 0.3));
        mixture("flask_coding", Map.of(CODING, 0.9, REASONING, 0.1));

        mixture("mtbench_writing", Map.of(WRITING, 1.0));
        mixture("mtbench_roleplay", Map.of(ROLEPLAY, 1.0));
        mixture("mtbench_reasoning", Map.of(REASONING, 1.0));
        mixture("mtbench_math", Map.of(MATH, 1.0));
        mixture("mtbench_coding", Map.of(CODING, 1.0));
        mixture("mtbench_extraction", Map.of(EXTRACTION, 1.0));
        mixture("mtbench_stem", Map.of(STEM, 1.0));
        mixture("mtbench_humanities", Map.of(HUMANITIES, 1.0));

        mixture("mmlu", Map.of(KNOWLEDGE, 0.4, STEM, 0.3, HUMANITIES, 0.3));
        mixture("gsm8k", Map.of(MATH, 0.8, REASONING, 0.2));
        mixture("humaneval", Map.of(CODING, 1.0));

        for (BenchmarkSubset subset : PaperLayout.subsets()) {
            if (!MIXTURES.containsKey(subset.name())) {
                throw new IllegalStateException("no domain mixture for subset " + subset.name());
            }
        }
    }

    private SubsetDomains() {
    }

    /** Draws the domain of one query of {@code subset}. */
    static Domain draw(String subset, SplittableRandom random) {
        Map<Domain, Double> weights = MIXTURES.get(subset);
        if (weights == null) {
            throw new IllegalArgumentException("no domain mixture for subset " + subset);
        }
        double total = weights.values().stream().mapToDouble(Double::doubleValue).sum();
        double u = random.nextDouble() * total;
        Domain last = null;
        for (Map.Entry<Domain, Double> e : weights.entrySet()) {
            last = e.getKey();
            u -= e.getValue();
            if (u < 0) {
                return last;
            }
        }
        return last;
    }

    private static void mixture(String subset, Map<Domain, Double> weights) {
        // Copied into an EnumMap so that the draw walks the domains in a fixed order.
        MIXTURES.put(subset, new EnumMap<>(weights));
    }
}
