package dev.zooterj.core.label;

import dev.zooterj.core.data.RewardRecord;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Zooter's training labels: s = softmax(norm(r) / tau), and the tag-enhanced label
 * s* = beta·s + (1 − beta)·mean over the query's known tags of s_t, with s_t fitted on the training
 * records only. A query none of whose tags was seen in training keeps s* = s.
 */
public final class TagEnhancedLabels {
    private final LabelConfig config;
    private final TagStatistics tagStatistics;

    private TagEnhancedLabels(LabelConfig config, TagStatistics tagStatistics) {
        this.config = config;
        this.tagStatistics = tagStatistics;
    }

    /** Fits the tag statistics on {@code training} (the training split, and nothing else). */
    public static TagEnhancedLabels fit(LabelConfig config, Collection<RewardRecord> training) {
        if (training.isEmpty()) {
            throw new IllegalArgumentException("cannot fit labels on an empty training split");
        }
        int models = training.iterator().next().modelCount();
        List<TagStatistics.TaggedLabel> tagged = new ArrayList<>(training.size());
        for (RewardRecord r : training) {
            tagged.add(new TagStatistics.TaggedLabel(r.tags(), normalise(config, r.rewards())));
        }
        return new TagEnhancedLabels(config, TagStatistics.fit(models, tagged));
    }

    /**
     * Fits on the records of {@code data} whose split is {@code trainSplit}; rows of every other split
     * (validation, test) never reach the tag statistics.
     */
    public static TagEnhancedLabels fitOnSplit(LabelConfig config, dev.zooterj.core.data.RewardDataset data,
                                               String trainSplit) {
        List<RewardRecord> train = data.records().stream()
                .filter(r -> java.util.Objects.equals(trainSplit, r.split())).toList();
        if (train.isEmpty()) {
            throw new IllegalArgumentException("no records of split '" + trainSplit + "' to fit labels on");
        }
        return fit(config, train);
    }

    /** s = softmax(norm(r) / tau). */
    public static double[] normalise(LabelConfig config, double[] rewards) {
        double[] r = config.normalization() == RewardNormalization.STANDARDIZE
                ? ProbabilityVectors.standardize(rewards) : rewards;
        return ProbabilityVectors.softmax(r, config.tau());
    }

    /** The normalised reward s of a record (before enhancement). */
    public double[] normalised(RewardRecord r) {
        return normalise(config, r.rewards());
    }

    /** The training target: s*, or its argmax under {@link LabelConfig#hard()}. */
    public double[] label(RewardRecord r) {
        double[] s = normalised(r);
        double[] enhanced = s;
        if (config.beta() < 1) {
            Optional<double[]> tagMean = tagStatistics.meanOverTags(r.tags());
            if (tagMean.isPresent()) {
                double[] t = tagMean.get();
                enhanced = new double[s.length];
                for (int i = 0; i < s.length; i++) {
                    enhanced[i] = config.beta() * s[i] + (1 - config.beta()) * t[i];
                }
            }
        }
        return config.hard() ? ProbabilityVectors.uniformOverArgmax(enhanced) : enhanced;
    }

    public LabelConfig config() {
        return config;
    }

    public TagStatistics tagStatistics() {
        return tagStatistics;
    }
}
