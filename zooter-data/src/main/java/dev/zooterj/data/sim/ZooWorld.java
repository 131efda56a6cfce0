package dev.zooterj.data.sim;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The hidden truth of a simulated zoo: which model is good at what, down to the tag level, and how a
 * query's answers turn out.
 *
 * <p>A model's quality on a query is its domain expertise, plus its mean offset over the query's traits (the
 * tags a perfect tagger would give), minus the query's difficulty scaled by the model's sensitivity, plus
 * per-answer noise. The noise is what makes the oracle (best model per query) beat any router; the tag
 * offsets are what make tags worth more than the domain alone.
 */
final class ZooWorld {
    // A mixed query (template of one domain, topic of another) needs both skills, the template's most.
    private static final double TOPIC_DOMAIN_WEIGHT = 0.3;
    private static final double TAG_OFFSET_SPREAD = 0.25;
    // Each tag has one model that is markedly good at it, not always the domain's specialist.
    private static final double TAG_FAVOURITE_BONUS = 0.8;
    private static final double DIFFICULTY_SPREAD = 0.6;
    private static final double ANSWER_NOISE = 0.6;
    // The reference answer (AlpacaEval's text-davinci-003) is an older, weaker model.
    private static final double REFERENCE_EXPERTISE = -0.2;
    private static final double REFERENCE_DIFFICULTY_SENSITIVITY = 0.9;
    private static final double QUERY_LENGTH_SPREAD = 0.3;
    private static final double ANSWER_LENGTH_SPREAD = 0.25;

    private final List<ModelProfile> models;
    // Only looked up by tag, never iterated, so hash order cannot leak into the output.
    private final Map<String, double[]> tagOffsets;

    private ZooWorld(List<ModelProfile> models, Map<String, double[]> tagOffsets) {
        this.models = models;
        this.tagOffsets = tagOffsets;
    }

    /** Draws the tag-level offsets of {@code models} over every tag of the vocabulary. */
    static ZooWorld sample(List<ModelProfile> models, SplittableRandom random) {
        Map<String, double[]> offsets = new HashMap<>();
        for (String tag : QueryVocabulary.allTags()) {
            double[] offset = new double[models.size()];
            for (int m = 0; m < offset.length; m++) {
                offset[m] = TAG_OFFSET_SPREAD * random.nextGaussian();
            }
            offset[random.nextInt(offset.length)] += TAG_FAVOURITE_BONUS;
            offsets.put(tag, offset);
        }
        return new ZooWorld(List.copyOf(models), offsets);
    }

    List<ModelProfile> models() {
        return models;
    }

    /** Lets every model answer {@code query}. */
    QueryOutcome answer(SimulatedQuery query, SplittableRandom random) {
        double difficulty = DIFFICULTY_SPREAD * random.nextGaussian();
        double queryLength = Math.exp(QUERY_LENGTH_SPREAD * random.nextGaussian())
                * query.domain().answerLengthFactor();
        double[] quality = new double[models.size()];
        double[] tokens = new double[models.size()];
        for (int m = 0; m < quality.length; m++) {
            ModelProfile model = models.get(m);
            quality[m] = skill(model, query) + tagOffset(m, query.traits())
                    - model.difficultySensitivity() * difficulty + ANSWER_NOISE * random.nextGaussian();
            tokens[m] = Math.max(1, Math.round(model.typicalOutputTokens() * queryLength
                    * Math.exp(ANSWER_LENGTH_SPREAD * random.nextGaussian())));
        }
        double reference = REFERENCE_EXPERTISE - REFERENCE_DIFFICULTY_SENSITIVITY * difficulty
                + ANSWER_NOISE * random.nextGaussian();
        return new QueryOutcome(quality, reference, tokens);
    }

    private static double skill(ModelProfile model, SimulatedQuery query) {
        if (!query.mixed()) {
            return model.expertise(query.domain());
        }
        return (1 - TOPIC_DOMAIN_WEIGHT) * model.expertise(query.domain())
                + TOPIC_DOMAIN_WEIGHT * model.expertise(query.topicDomain());
    }

    private double tagOffset(int model, List<String> traits) {
        double sum = 0;
        for (String trait : traits) {
            sum += tagOffsets.get(trait)[model];
        }
        return traits.isEmpty() ? 0 : sum / traits.size();
    }
}
