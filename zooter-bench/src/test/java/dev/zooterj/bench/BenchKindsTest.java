package dev.zooterj.bench;

import dev.zooterj.bench.suite.BenchmarkSuite;
import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.core.label.LabelConfig;
import dev.zooterj.data.tags.TextEmbedder;
import dev.zooterj.nn.head.HeadConfig;
import dev.zooterj.nn.router.RouterSpec;
import dev.zooterj.nn.train.TrainingConfig;
import dev.zooterj.nn.train.TrainingMode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The learned baselines through the registry, in a bench run with a tiny embedder (no MiniLM): all are reported, the
 * dataset oracle is a reference line, and what is chosen on validation depends on the training rows only.
 */
class BenchKindsTest {
    static final List<String> MODELS = List.of("a", "b", "c");
    static final List<String> TOPICS = List.of("math", "code", "chat");

    /** Topic t's best model is model t; rewards grade the scores. Rows of the given split. */
    static List<RewardRecord> rows(String split, int perTopic, boolean flipScores) {
        List<RewardRecord> out = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            for (int i = 0; i < perTopic; i++) {
                double[] scores = new double[3];
                scores[flipScores ? 2 - t : t] = 1;
                scores[(t + 1) % 3] = i % 4 == 0 ? 1 : 0;   // some noise, so settings matter
                double[] rewards = {0.1 + 0.5 * scores[0], 0.1 + 0.5 * scores[1], 0.1 + 0.5 * scores[2]};
                out.add(new RewardRecord(split + t + "-" + i, TOPICS.get(t) + " query " + i + " of " + split, null,
                        List.of(TOPICS.get(t)), TOPICS.get(t), split, rewards, scores, null));
            }
        }
        return out;
    }

    record Suite(RewardDataset train, RewardDataset test) implements BenchmarkSuite {
        @Override
        public String name() {
            return "toy";
        }

        @Override
        public boolean simulated() {
            return true;
        }

        @Override
        public String source() {
            return "hand-made topics";
        }

        @Override
        public Map<String, String> groupOfSubset() {
            Map<String, String> g = new LinkedHashMap<>();
            TOPICS.forEach(t -> g.put(t, "all"));
            return g;
        }

        @Override
        public List<Fold> folds() {
            return List.of(new Fold(0, train, test));
        }
    }

    /** The first word picks an axis; a hash of the text wobbles two more. */
    record Toy() implements TextEmbedder {
        @Override
        public String encoder() {
            return "toy";
        }

        @Override
        public int maxTokens() {
            return 8;
        }

        @Override
        public int dimension() {
            return 5;
        }

        @Override
        public float[][] embed(List<String> texts) {
            float[][] out = new float[texts.size()][5];
            for (int i = 0; i < out.length; i++) {
                out[i][TOPICS.indexOf(texts.get(i).split(" ")[0])] = 1;
                int h = texts.get(i).hashCode();
                out[i][3] = 0.2f * ((h & 0xff) / 255f);
                out[i][4] = 0.2f * (((h >> 8) & 0xff) / 255f);
            }
            return out;
        }
    }

    static BenchResults run(boolean flipTestScores) {
        RewardDataset train = new RewardDataset(MODELS, rows("train", 40, false));
        RewardDataset test = new RewardDataset(MODELS, rows("test", 8, flipTestScores));
        RouterSpec spec = new RouterSpec(RouterSpec.MINILM, null, TrainingMode.HEAD, HeadConfig.linear(), LabelConfig.paper(),
                TrainingConfig.headDefaults().withSeed(5), 16, false, null);
        BenchRunner.Options o = new BenchRunner.Options(spec, List.of(), false, List.of("task_best", "cluster_best", "knn"), true,
                Map.of("cluster_best", Map.of("k", "3")), new Toy(), 1, 50, 0);
        return BenchRunner.run(new Suite(train, test), o, Map.of(), "test", line -> { });
    }

    @Test
    void theBaselinesAreReportedBesideTheReferenceLines() {
        BenchResults r = run(false);
        List<String> names = r.methods().stream().map(MethodResult::method).toList();
        assertEquals(List.of("a", "b", "c", "bma", "random", "task_best", "cluster_best", "knn", "dataset_oracle", "rmr", "oracle"), names);
        // the topics are separable: the learned baselines and the dataset oracle all reach the topic's best model
        for (String m : List.of("task_best", "cluster_best", "dataset_oracle")) {
            assertEquals(r.method("dataset_oracle").groups().get("all").average(), r.method(m).groups().get("all").average(), 1e-12, m);
        }
        assertTrue(r.settings().get("knn chosen on validation").startsWith("k="), r.settings().toString());
        assertTrue(r.settings().get("cluster_best chosen on validation").startsWith("alpha="), "k is fixed, only alpha is tuned: "
                + r.settings());
    }

    @Test
    void changingTheTestRowsLeavesWhatIsChosenAndRoutedUnchanged() {
        BenchResults a = run(false);
        BenchResults b = run(true);
        for (String m : List.of("task_best", "cluster_best", "knn")) {
            if (a.settings().containsKey(m + " chosen on validation")) {
                assertEquals(a.settings().get(m + " chosen on validation"), b.settings().get(m + " chosen on validation"), m);
            }
            // the same picks on the same queries, though the test scores now reward other models
            assertEquals(a.method(m).subsetRoutingShare(), b.method(m).subsetRoutingShare(), m);
        }
        // the dataset oracle reads the test rows, so it does change
        assertTrue(!a.method("dataset_oracle").subsetRoutingShare().equals(b.method("dataset_oracle").subsetRoutingShare()));
    }
}
