package dev.zooterj.core.label;

import dev.zooterj.core.data.RewardRecord;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TagEnhancedLabelsTest {
    private static final double LN2 = Math.log(2);

    @Test
    void enhancedLabelMixesTheQueryLabelWithItsTagMeans() {
        // Two models; rewards chosen so that s = softmax(r) is easy: r = (ln 3, 0) gives s = (0.75, 0.25).
        RewardRecord a = RewardRecord.of("a", "q", List.of("code"), null, new double[]{Math.log(3), 0});
        RewardRecord b = RewardRecord.of("b", "q", List.of("code", "math"), null, new double[]{0, Math.log(3)});
        TagEnhancedLabels labels = TagEnhancedLabels.fit(LabelConfig.paper(), List.of(a, b));
        // s_code = mean(0.75,0.25 ; 0.25,0.75) = (0.5, 0.5); s_math = (0.25, 0.75)
        assertArrayEquals(new double[]{0.5, 0.5}, labels.tagStatistics().mean("code").orElseThrow(), 1e-12);
        // s*(a) = 0.3·(0.75, 0.25) + 0.7·(0.5, 0.5)
        assertArrayEquals(new double[]{0.3 * 0.75 + 0.35, 0.3 * 0.25 + 0.35}, labels.label(a), 1e-12);
        // s*(b) uses the mean over both tags: ((0.5+0.25)/2, (0.5+0.75)/2)
        assertArrayEquals(new double[]{0.3 * 0.25 + 0.7 * 0.375, 0.3 * 0.75 + 0.7 * 0.625}, labels.label(b), 1e-12);
    }

    @Test
    void aQueryWithNoKnownTagKeepsItsOwnLabel() {
        RewardRecord train = RewardRecord.of("a", "q", List.of("code"), null, new double[]{1, 0});
        RewardRecord unseen = RewardRecord.of("b", "q", List.of("poetry"), null, new double[]{0, LN2});
        TagEnhancedLabels labels = TagEnhancedLabels.fit(LabelConfig.paper(), List.of(train));
        assertArrayEquals(labels.normalised(unseen), labels.label(unseen), 0.0);
        assertArrayEquals(new double[]{1.0 / 3, 2.0 / 3}, labels.normalised(unseen), 1e-12);
    }

    @Test
    void hardLabelsAreTheArgmaxAndSplitTies() {
        LabelConfig hard = LabelConfig.paper().withBeta(1).withHard(true);
        RewardRecord unique = RewardRecord.of("a", "q", List.of(), null, new double[]{0.2, 0.9, 0.1});
        RewardRecord tie = RewardRecord.of("b", "q", List.of(), null, new double[]{1, 0, 1});
        TagEnhancedLabels labels = TagEnhancedLabels.fit(hard, List.of(unique, tie));
        assertArrayEquals(new double[]{0, 1, 0}, labels.label(unique), 0.0);
        assertArrayEquals(new double[]{0.5, 0, 0.5}, labels.label(tie), 0.0);
    }

    @Test
    void standardisationMakesTheScaleIrrelevant() {
        LabelConfig std = LabelConfig.paper().withNormalization(RewardNormalization.STANDARDIZE);
        double[] small = TagEnhancedLabels.normalise(std, new double[]{0.1, 0.2, 0.3});
        double[] large = TagEnhancedLabels.normalise(std, new double[]{100, 200, 300});
        assertArrayEquals(small, large, 1e-12);
        assertArrayEquals(new double[]{1.0 / 3, 1.0 / 3, 1.0 / 3},
                TagEnhancedLabels.normalise(std, new double[]{5, 5, 5}), 1e-12);
    }

    @Test
    void entropyOfUniformIsLogN() {
        assertEquals(Math.log(4), ProbabilityVectors.entropy(new double[]{.25, .25, .25, .25}), 1e-12);
        assertEquals(0.0, ProbabilityVectors.entropy(new double[]{0, 1, 0}), 0.0);
    }

    @Test
    void badSettingsAreRejectedWithTheAllowedRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LabelConfig(1, RewardNormalization.NONE, 1.5, false));
        assertEquals("beta must be in [0, 1], got 1.5", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LabelConfig(-1, RewardNormalization.NONE, 0.3, false));
        assertThrows(IllegalArgumentException.class, () -> TagEnhancedLabels.fit(LabelConfig.paper(), List.of()));
    }
}
