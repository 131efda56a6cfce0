package dev.zooterj.cli;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.label.LabelConfig;
import dev.zooterj.core.label.LabelStatistics;
import dev.zooterj.core.label.RewardNormalization;
import dev.zooterj.core.label.TagEnhancedLabels;

import java.io.PrintWriter;
import java.util.Locale;

/** Warns when the chosen label settings leave almost nothing to learn. */
final class LabelWarnings {
    /** Mean H(s) above this share of log N counts as "nearly uniform". */
    static final double NEARLY_UNIFORM = 0.97;

    private LabelWarnings() {
    }

    /** Prints a warning and returns true when the normalised rewards are nearly uniform on average. */
    static boolean warnIfFlat(PrintWriter o, RewardDataset data, LabelConfig config) {
        if (data.models().size() < 2 || data.size() == 0) {
            return false;
        }
        LabelStatistics s = LabelStatistics.of(data, TagEnhancedLabels.fit(config.withBeta(1), data.records()), 1);
        double ratio = s.meanEntropy() / Math.log(data.models().size());
        if (ratio < NEARLY_UNIFORM) {
            return false;
        }
        o.println(String.format(Locale.ROOT, "warning: the labels s = softmax(r/tau) are nearly uniform (mean entropy %.1f%% of log N): "
                + "there is little to learn. Rewards on a small scale (e.g. probabilities or 0/1 in [0, 1]) need %s.",
                100 * ratio, config.normalization() == RewardNormalization.NONE
                        ? "--normalize standardize or a smaller --tau" : "a smaller --tau"));
        return true;
    }
}
