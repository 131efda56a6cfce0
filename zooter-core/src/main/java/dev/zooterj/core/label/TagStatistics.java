package dev.zooterj.core.label;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Tag-wise rewards s_t: for each tag, the mean normalised reward vector over the training queries that
 * carry it. Built from the training split only, so no evaluation query leaks into a label.
 */
public final class TagStatistics {
    private final int models;
    private final Map<String, double[]> means;
    private final Map<String, Integer> counts;

    private TagStatistics(int models, Map<String, double[]> means, Map<String, Integer> counts) {
        this.models = models;
        this.means = Collections.unmodifiableMap(means);
        this.counts = Collections.unmodifiableMap(counts);
    }

    /** A tagged, normalised training example. */
    public record TaggedLabel(List<String> tags, double[] normalised) {
    }

    public static TagStatistics fit(int models, Iterable<TaggedLabel> training) {
        Map<String, double[]> sums = new LinkedHashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (TaggedLabel t : training) {
            if (t.normalised().length != models) {
                throw new IllegalArgumentException("label of length " + t.normalised().length + " for "
                        + models + " models");
            }
            // A query lists each tag once even if its data repeats it.
            for (String tag : new java.util.LinkedHashSet<>(t.tags())) {
                double[] sum = sums.computeIfAbsent(tag, k -> new double[models]);
                for (int i = 0; i < models; i++) {
                    sum[i] += t.normalised()[i];
                }
                counts.merge(tag, 1, Integer::sum);
            }
        }
        for (Map.Entry<String, double[]> e : sums.entrySet()) {
            int n = counts.get(e.getKey());
            double[] v = e.getValue();
            for (int i = 0; i < models; i++) {
                v[i] /= n;
            }
        }
        return new TagStatistics(models, sums, counts);
    }

    /** The mean of s_t over the query's tags that were seen in training; empty when none was. */
    public Optional<double[]> meanOverTags(List<String> tags) {
        double[] sum = new double[models];
        int known = 0;
        for (String tag : new java.util.LinkedHashSet<>(tags)) {
            double[] m = means.get(tag);
            if (m != null) {
                for (int i = 0; i < models; i++) {
                    sum[i] += m[i];
                }
                known++;
            }
        }
        if (known == 0) {
            return Optional.empty();
        }
        for (int i = 0; i < models; i++) {
            sum[i] /= known;
        }
        return Optional.of(sum);
    }

    public Optional<double[]> mean(String tag) {
        double[] m = means.get(tag);
        return m == null ? Optional.empty() : Optional.of(m.clone());
    }

    public int count(String tag) {
        return counts.getOrDefault(tag, 0);
    }

    /** Tags seen in training with their query counts, in first-seen order. */
    public Map<String, Integer> counts() {
        return counts;
    }

    public int tagCount() {
        return means.size();
    }

    public int models() {
        return models;
    }
}
