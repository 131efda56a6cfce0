package dev.zooterj.core.label;

/** What is done to a query's raw rewards before softmax(r / tau). */
public enum RewardNormalization {
    /** Raw rewards, as the paper does with reward-model scores (tau = 1). */
    NONE,
    /** Per-query z-score: makes rewards on very different scales (judge probabilities, 0/1) comparable. */
    STANDARDIZE;

    public static RewardNormalization parse(String s) {
        for (RewardNormalization n : values()) {
            if (n.name().equalsIgnoreCase(s)) {
                return n;
            }
        }
        throw new IllegalArgumentException("unknown reward normalisation '" + s + "'; expected none or standardize");
    }
}
