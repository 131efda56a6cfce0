package dev.zooterj.core.label;

/**
 * How training labels are made from rewards (METHOD.md §3).
 *
 * @param tau           softmax temperature: s = softmax(r / tau); paper 1. 0 means the argmax limit
 * @param normalization what is done to r before the softmax
 * @param beta          enhanced label s* = beta·s + (1 − beta)·mean of the query's tag means; 1 = no enhancement
 * @param hard          hard-label ablation: the label becomes the argmax of s* (uniform over ties)
 */
public record LabelConfig(double tau, RewardNormalization normalization, double beta, boolean hard) {
    public static final double PAPER_BETA = 0.3;
    public static final double PAPER_TAU = 1.0;

    public LabelConfig {
        if (!(tau >= 0) || Double.isInfinite(tau)) {
            throw new IllegalArgumentException("tau must be a finite number >= 0, got " + tau);
        }
        if (!(beta >= 0 && beta <= 1)) {
            throw new IllegalArgumentException("beta must be in [0, 1], got " + beta);
        }
        if (normalization == null) {
            normalization = RewardNormalization.NONE;
        }
    }

    /** The paper's setting: tau = 1 on raw rewards, beta = 0.3, soft labels. */
    public static LabelConfig paper() {
        return new LabelConfig(PAPER_TAU, RewardNormalization.NONE, PAPER_BETA, false);
    }

    public LabelConfig withBeta(double newBeta) {
        return new LabelConfig(tau, normalization, newBeta, hard);
    }

    public LabelConfig withTau(double newTau) {
        return new LabelConfig(newTau, normalization, beta, hard);
    }

    public LabelConfig withHard(boolean newHard) {
        return new LabelConfig(tau, normalization, beta, newHard);
    }

    public LabelConfig withNormalization(RewardNormalization n) {
        return new LabelConfig(tau, n, beta, hard);
    }

    @Override
    public String toString() {
        return "tau=" + tau + ", normalization=" + normalization.name().toLowerCase() + ", beta=" + beta
                + (hard ? ", hard labels" : "");
    }
}
