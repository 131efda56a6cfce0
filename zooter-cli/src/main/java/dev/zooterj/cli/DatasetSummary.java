package dev.zooterj.cli;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/** Per-model means of a dataset, per split when it has splits. */
final class DatasetSummary {
    private DatasetSummary() {
    }

    static void print(PrintWriter o, RewardDataset data) {
        Map<String, List<RewardRecord>> bySplit = new java.util.TreeMap<>();
        for (RewardRecord r : data.records()) {
            bySplit.computeIfAbsent(r.split() == null ? "(all)" : r.split(), k -> new java.util.ArrayList<>()).add(r);
        }
        boolean hasScores = data.records().stream().anyMatch(r -> r.scores() != null);
        int w = Math.max(10, data.models().stream().mapToInt(String::length).max().orElse(10));
        for (Map.Entry<String, List<RewardRecord>> e : bySplit.entrySet()) {
            RewardDataset part = data.withRecords(e.getValue());
            double[] rewards = part.meanRewards();
            double[] scores = part.meanScores();
            o.println();
            o.println("split " + e.getKey() + " (" + part.size() + " rows): per-model mean");
            o.println("  " + Console.pad("model", w) + "  " + String.format("%10s", "reward") + (hasScores ? String.format("%10s", "score") : ""));
            for (int i = 0; i < data.models().size(); i++) {
                o.println("  " + Console.pad(data.models().get(i), w) + "  " + String.format("%10s", Console.f(rewards[i], 4))
                        + (hasScores ? String.format("%10s", Console.f(scores[i], 4)) : ""));
            }
        }
    }
}
