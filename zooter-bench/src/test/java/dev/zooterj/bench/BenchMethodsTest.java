package dev.zooterj.bench;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.label.LabelConfig;
import dev.zooterj.nn.head.HeadConfig;
import dev.zooterj.nn.router.RouterSpec;
import dev.zooterj.nn.train.TrainingConfig;
import dev.zooterj.nn.train.TrainingMode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The expected-score, hierarchical and auto kinds in a bench run with a tiny embedder: reported, tuned on validation,
 * and what they choose and route does not depend on the test rows.
 */
class BenchMethodsTest {
    static final List<String> KINDS = List.of("expected_score", "hierarchical", "auto");

    static BenchResults run(boolean flipTestScores) {
        RewardDataset train = new RewardDataset(BenchKindsTest.MODELS, BenchKindsTest.rows("train", 40, false));
        RewardDataset test = new RewardDataset(BenchKindsTest.MODELS, BenchKindsTest.rows("test", 8, flipTestScores));
        RouterSpec spec = new RouterSpec(RouterSpec.MINILM, null, TrainingMode.HEAD, HeadConfig.linear(), LabelConfig.paper(),
                TrainingConfig.headDefaults().withSeed(5), 16, false, null);
        BenchRunner.Options o = new BenchRunner.Options(spec, List.of(), false, KINDS, true,
                Map.of("auto", Map.of("candidates", "task_best,knn,expected_score"), "expected_score", Map.of("epochs", "20")),
                new BenchKindsTest.Toy(), 1, 50, 0);
        return BenchRunner.run(new BenchKindsTest.Suite(train, test), o, Map.of(), "test", line -> { });
    }

    @Test
    void theNewKindsAreReportedTunedAndIndependentOfTheTestRows() {
        BenchResults a = run(false);
        BenchResults b = run(true);
        for (String m : KINDS) {
            assertTrue(a.method(m) != null, m + " is reported");
            assertEquals(a.method(m).subsetRoutingShare(), b.method(m).subsetRoutingShare(), m);
        }
        assertTrue(a.settings().get("expected_score chosen on validation").contains("hidden="), a.settings().toString());
        assertTrue(a.settings().get("hierarchical chosen on validation").contains("margin="), a.settings().toString());
        assertTrue(a.settings().get("auto chosen on validation").startsWith("kind="), a.settings().toString());
        for (String m : List.of("hierarchical", "auto")) {
            assertEquals(a.settings().get(m + " chosen on validation"), b.settings().get(m + " chosen on validation"), m);
        }
        // the topics are separable: these kinds reach each topic's best model as the dataset oracle does
        double oracle = a.method("dataset_oracle").groups().get("all").average();
        assertEquals(oracle, a.method("auto").groups().get("all").average(), 1e-12);
        assertNotEquals(oracle, b.method("dataset_oracle").groups().get("all").average(), "the oracle reads the test rows");
    }
}
