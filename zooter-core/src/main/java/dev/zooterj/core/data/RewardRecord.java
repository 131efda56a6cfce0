package dev.zooterj.core.data;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One training or evaluation query with a reward per candidate model.
 *
 * <p>Arrays are indexed like the owning {@link RewardDataset#models()}. {@code rewards} is the training
 * signal (a reward model's view); {@code scores} is the benchmark's metric when it differs (null when the
 * rewards are the metric); {@code cost} is optional per-model cost (null when unknown).
 *
 * @param id       unique id within its dataset
 * @param query    the text a router reads: the query, or the first user turn of {@code messages}
 * @param messages the chat turns when the record was given as a chat, else null
 * @param tags     tags of the query (may be empty, never null)
 * @param subset   benchmark subset or source (may be null)
 * @param split    named split the record belongs to, e.g. {@code train}/{@code test} (may be null)
 */
public record RewardRecord(
        String id,
        String query,
        List<ChatMessage> messages,
        List<String> tags,
        String subset,
        String split,
        double[] rewards,
        double[] scores,
        double[] cost) {

    public RewardRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(rewards, "rewards");
        tags = tags == null ? List.of() : List.copyOf(tags);
        messages = messages == null ? null : List.copyOf(messages);
        if (scores != null && scores.length != rewards.length) {
            throw new IllegalArgumentException("record " + id + ": " + scores.length + " scores for "
                    + rewards.length + " rewards");
        }
        if (cost != null && cost.length != rewards.length) {
            throw new IllegalArgumentException("record " + id + ": " + cost.length + " costs for "
                    + rewards.length + " rewards");
        }
    }

    /** A plain query with rewards only. */
    public static RewardRecord of(String id, String query, List<String> tags, String subset, double[] rewards) {
        return new RewardRecord(id, query, null, tags, subset, null, rewards, null, null);
    }

    /** The first user turn of a chat: what a router reads. */
    public static String firstUserTurn(List<ChatMessage> messages) {
        return messages.stream().filter(ChatMessage::isUser).map(ChatMessage::content).findFirst().orElse(null);
    }

    /** The evaluation metric per model: {@code scores} when given, else the rewards. */
    public double[] evaluationScores() {
        return scores != null ? scores : rewards;
    }

    public int modelCount() {
        return rewards.length;
    }

    public RewardRecord withSplit(String newSplit) {
        return new RewardRecord(id, query, messages, tags, subset, newSplit, rewards, scores, cost);
    }

    // Records compare arrays by identity; datasets are compared by content in tests and round trips.
    @Override
    public boolean equals(Object o) {
        return o instanceof RewardRecord r
                && id.equals(r.id) && query.equals(r.query) && Objects.equals(messages, r.messages)
                && tags.equals(r.tags) && Objects.equals(subset, r.subset) && Objects.equals(split, r.split)
                && Arrays.equals(rewards, r.rewards) && Arrays.equals(scores, r.scores)
                && Arrays.equals(cost, r.cost);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, query, tags, subset, split, Arrays.hashCode(rewards));
    }

    @Override
    public String toString() {
        return "RewardRecord[" + id + ", subset=" + subset + ", tags=" + tags + ", rewards="
                + Arrays.toString(rewards) + "]";
    }
}
