package dev.zooterj.core.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Queries with per-model rewards over one ordered set of candidate models. Every record's arrays are
 * indexed like {@link #models()}.
 */
public final class RewardDataset {
    private final List<String> models;
    private final List<RewardRecord> records;

    public RewardDataset(List<String> models, List<RewardRecord> records) {
        this.models = List.copyOf(models);
        this.records = List.copyOf(records);
        if (this.models.isEmpty()) {
            throw new IllegalArgumentException("a dataset needs at least one model");
        }
        if (new java.util.HashSet<>(this.models).size() != this.models.size()) {
            throw new IllegalArgumentException("duplicate model names in " + this.models);
        }
        Map<String, Integer> seen = new HashMap<>();
        for (RewardRecord r : this.records) {
            if (r.modelCount() != this.models.size()) {
                throw new IllegalArgumentException("record " + r.id() + " has " + r.modelCount()
                        + " rewards, the dataset has " + this.models.size() + " models");
            }
            if (seen.put(r.id(), 1) != null) {
                throw new IllegalArgumentException("duplicate id " + r.id());
            }
        }
    }

    public List<String> models() {
        return models;
    }

    public List<RewardRecord> records() {
        return records;
    }

    public int size() {
        return records.size();
    }

    public int modelIndex(String model) {
        int i = models.indexOf(model);
        if (i < 0) {
            throw new IllegalArgumentException("unknown model '" + model + "'; models are " + models);
        }
        return i;
    }

    public RewardDataset filter(Predicate<RewardRecord> keep) {
        return new RewardDataset(models, records.stream().filter(keep).toList());
    }

    public RewardDataset withRecords(List<RewardRecord> newRecords) {
        return new RewardDataset(models, newRecords);
    }

    /** Records of the named split ({@link RewardRecord#split()}). */
    public RewardDataset split(String name) {
        return filter(r -> Objects.equals(name, r.split()));
    }

    /** Records grouped by subset, in first-seen order; records without a subset fall under {@code ""}. */
    public Map<String, List<RewardRecord>> bySubset() {
        Map<String, List<RewardRecord>> out = new LinkedHashMap<>();
        for (RewardRecord r : records) {
            out.computeIfAbsent(r.subset() == null ? "" : r.subset(), k -> new ArrayList<>()).add(r);
        }
        return out;
    }

    /** Keeps only the given models, in the given order. */
    public RewardDataset selectModels(List<String> pool) {
        int[] idx = pool.stream().mapToInt(this::modelIndex).toArray();
        List<RewardRecord> out = new ArrayList<>(records.size());
        for (RewardRecord r : records) {
            out.add(new RewardRecord(r.id(), r.query(), r.messages(), r.tags(), r.subset(), r.split(),
                    pick(r.rewards(), idx), pick(r.scores(), idx), pick(r.cost(), idx)));
        }
        return new RewardDataset(pool, out);
    }

    private static double[] pick(double[] v, int[] idx) {
        if (v == null) {
            return null;
        }
        double[] out = new double[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = v[idx[i]];
        }
        return out;
    }

    /** Mean of each model's reward over all records. */
    public double[] meanRewards() {
        return meanOf(RewardRecord::rewards);
    }

    /** Mean of each model's evaluation score ({@link RewardRecord#evaluationScores()}). */
    public double[] meanScores() {
        return meanOf(RewardRecord::evaluationScores);
    }

    private double[] meanOf(java.util.function.Function<RewardRecord, double[]> f) {
        double[] sum = new double[models.size()];
        for (RewardRecord r : records) {
            double[] v = f.apply(r);
            for (int i = 0; i < sum.length; i++) {
                sum[i] += v[i];
            }
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] /= Math.max(1, records.size());
        }
        return sum;
    }
}
