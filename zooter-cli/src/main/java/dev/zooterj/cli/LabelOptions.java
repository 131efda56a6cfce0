package dev.zooterj.cli;

import dev.zooterj.core.label.LabelConfig;
import dev.zooterj.core.label.RewardNormalization;
import picocli.CommandLine.Option;

/** Label settings shared by the commands that build labels. */
final class LabelOptions {
    @Option(names = "--tau", defaultValue = "1.0", description = "Softmax temperature on rewards (default: ${DEFAULT-VALUE}, the paper's).")
    double tau;

    @Option(names = "--beta", defaultValue = "0.3", description = "Tag enhancement s* = beta·s + (1-beta)·tag mean (default: ${DEFAULT-VALUE}, the paper's; 1 = none).")
    double beta;

    @Option(names = "--normalize", defaultValue = "none", description = "Reward normalisation before the softmax: none or standardize (per-query z-score).")
    String normalize;

    @Option(names = "--hard-labels", description = "Hard-label ablation: the argmax of the label (ties split).")
    boolean hard;

    LabelConfig config() {
        return new LabelConfig(tau, RewardNormalization.parse(normalize), beta, hard);
    }
}
