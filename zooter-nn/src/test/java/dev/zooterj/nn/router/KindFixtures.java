package dev.zooterj.nn.router;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * Hand-made rows over three models and three topics: on "math" queries model b scores 1 and the others 0, on "code"
 * queries model c, on "chat" queries model a; overall (by row count) a is best on average. Scores are the metric,
 * rewards a graded version of them.
 */
final class KindFixtures {
    static final List<String> MODELS = List.of("a", "b", "c");
    static final List<String> TOPICS = List.of("math", "code", "chat");

    private KindFixtures() {
    }

    /** {@code perTopic[t]} rows of topic t, ids prefixed with {@code prefix}, split {@code split}. */
    static RewardDataset rows(String prefix, String split, int... perTopic) {
        List<RewardRecord> out = new ArrayList<>();
        for (int t = 0; t < TOPICS.size(); t++) {
            for (int i = 0; i < perTopic[t]; i++) {
                double[] scores = new double[3];
                scores[best(t)] = 1;
                double[] rewards = {0.2 + 0.6 * scores[0], 0.2 + 0.6 * scores[1], 0.2 + 0.6 * scores[2]};
                String topic = TOPICS.get(t);
                out.add(new RewardRecord(prefix + topic + i, topic + " question number " + i + " " + prefix, null, List.of(topic), topic,
                        split, rewards, scores, null));
            }
        }
        return new RewardDataset(MODELS, out);
    }

    /** The best model's index on topic t. */
    static int best(int topic) {
        return switch (topic) {
            case 0 -> 1;
            case 1 -> 2;
            default -> 0;
        };
    }

    static KindContext context() {
        return KindContext.of(new ToyEmbedder(TOPICS));
    }
}
