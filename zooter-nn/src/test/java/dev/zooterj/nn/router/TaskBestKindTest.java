package dev.zooterj.nn.router;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.core.routing.Estimate;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskBestKindTest {
    @Test
    void separableTopicsAreRecognisedAndGetTheirBestModel() {
        RewardDataset train = KindFixtures.rows("tr-", "train", 10, 10, 10);
        List<String> queries = KindFixtures.rows("te-", "test", 4, 4, 4).records().stream().map(RewardRecord::query).toList();
        FittedRouter f = RouterKinds.fit("task_best", train, Map.of(), KindFixtures.context());
        var decisions = f.router().route(queries);
        for (int i = 0; i < queries.size(); i++) {
            assertEquals(KindFixtures.best(i / 4), decisions.get(i).chosen(), queries.get(i));
        }
        assertTrue(f.summary().contains("training accuracy of the task classifier 1.000"), f.summary());
    }

    @Test
    void theTableIsTheTrainingMeanOfTheMetricNotTheRewards() {
        // one topic where the rewards prefer model a but the metric prefers model b
        List<RewardRecord> rows = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            rows.add(new RewardRecord("r" + i, "math q" + i, null, List.of(), "math", "train", new double[]{0.9, 0.1, 0},
                    new double[]{0, i < 4 ? 1 : 0, 0.5}, null));
        }
        RewardDataset train = new RewardDataset(KindFixtures.MODELS, rows);
        FittedRouter f = RouterKinds.fit("task_best", train, Map.of(), KindFixtures.context());
        var router = (dev.zooterj.core.routing.EstimatingRouter) f.router();
        Estimate e = router.estimator().estimate(List.of("math new")).get(0);
        assertEquals(Estimate.Kind.EXPECTED_SCORES, e.kind());
        assertArrayEquals(new double[]{0, 4.0 / 6, 0.5}, e.values(), 1e-7);   // stored as float32
        assertEquals("b", f.router().route("math new").model());
    }

    @Test
    void softmaxRegressionSeparatesTwoPointsPerClass() {
        float[][] x = {{1, 0}, {0.9f, 0.1f}, {0, 1}, {0.1f, 0.9f}};
        int[] y = {0, 0, 1, 1};
        SoftmaxRegression lr = SoftmaxRegression.fit(x, y, 2, 0, 200, 0.1);
        for (int i = 0; i < x.length; i++) {
            assertEquals(y[i], lr.predict(x[i]));
            assertTrue(lr.probabilities(x[i])[y[i]] > 0.9, "confident on point " + i);
        }
    }
}
