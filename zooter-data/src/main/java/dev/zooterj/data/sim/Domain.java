package dev.zooterj.data.sim;

import java.util.Locale;

/**
 * The latent skill a query mainly calls on. Routers never see it directly: it shows only through the
 * query's words and tags, and a training record's {@code subset}.
 */
enum Domain {
    // Relative answer length: a story or an essay runs longer than an extracted table.
    CODING(1.3),
    MATH(0.9),
    WRITING(1.4),
    KNOWLEDGE(0.9),
    ROLEPLAY(1.0),
    REASONING(0.8),
    EXTRACTION(0.6),
    STEM(1.1),
    HUMANITIES(1.3),
    COMMONSENSE(0.8);

    private final double answerLengthFactor;

    Domain(double answerLengthFactor) {
        this.answerLengthFactor = answerLengthFactor;
    }

    double answerLengthFactor() {
        return answerLengthFactor;
    }

    /** The name used as a training record's subset, e.g. {@code coding}. */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
