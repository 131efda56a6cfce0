package dev.zooterj.core.ensemble;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.core.routing.RandomRouter;
import dev.zooterj.core.routing.RoutingDecision;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EnsembleMethodsTest {
    private static final List<String> MODELS = List.of("a", "b", "c");

    private static RewardRecord rec(String id, double[] rewards, double[] scores, double[] cost) {
        return new RewardRecord(id, "query " + id, null, List.of(), "s", null, rewards, scores, cost);
    }

    @Test
    void rankingTakesTheRewardBestAnswerAndPaysForAllGenerations() {
        RewardRecord r = rec("1", new double[]{0.1, 0.9, 0.5}, new double[]{1, 0, 0}, new double[]{10, 20, 30});
        Selection s = EnsembleMethods.rewardRanking().select(r);
        assertEquals(0.0, s.expectedScore(r.evaluationScores()));
        assertEquals(3, s.generations());
        assertEquals(60.0, s.expectedCost(r.cost()));
        Selection o = EnsembleMethods.oracle().select(r);
        assertEquals(1.0, o.expectedScore(r.evaluationScores()));
    }

    @Test
    void randomIsTheExpectedScoreOfAUniformPick() {
        RewardRecord r = rec("1", new double[]{0, 0, 0}, new double[]{3, 6, 9}, new double[]{1, 2, 6});
        Selection s = EnsembleMethods.random(MODELS).select(r);
        assertEquals(6.0, s.expectedScore(r.evaluationScores()), 1e-12);
        assertEquals(3.0, s.expectedCost(r.cost()), 1e-12);
        assertEquals(1, s.generations());
    }

    @Test
    void datasetOracleUsesEachSubsetsBestModelOnTheRowsGiven() {
        // subset s: b scores 1 on both rows; subset t: c best (mean 0.75 against a 0.5)
        RewardDataset test = new RewardDataset(MODELS, List.of(
                new RewardRecord("1", "q1", null, List.of(), "s", null, new double[]{9, 0, 0}, new double[]{0, 1, 0}, null),
                new RewardRecord("2", "q2", null, List.of(), "s", null, new double[]{9, 0, 0}, new double[]{0, 1, 0.5}, null),
                new RewardRecord("3", "q3", null, List.of(), "t", null, new double[]{9, 0, 0}, new double[]{1, 0, 0.5}, null),
                new RewardRecord("4", "q4", null, List.of(), "t", null, new double[]{9, 0, 0}, new double[]{0, 0, 1}, null)));
        EnsembleMethod d = EnsembleMethods.datasetOracle(test);
        assertEquals("dataset_oracle", d.name());
        List<Selection> s = d.selectAll(test.records());
        double[] expected = {1, 1, 0.5, 1};
        for (int i = 0; i < 4; i++) {
            assertEquals(expected[i], s.get(i).expectedScore(test.records().get(i).evaluationScores()), 1e-12);
            assertEquals(1, s.get(i).generations());
        }
    }

    @Test
    void bmaIsChosenOnTrainingScoresOnly() {
        RewardDataset train = new RewardDataset(MODELS, List.of(
                rec("1", new double[]{9, 0, 0}, new double[]{0, 1, 0}, null),
                rec("2", new double[]{9, 0, 0}, new double[]{0, 1, 0}, null)));
        // by scores b is best although a has the higher rewards
        assertEquals("b", EnsembleMethods.bestOnAverageModel(train));
        RewardDataset rewardsOnly = new RewardDataset(MODELS, List.of(rec("1", new double[]{0, 0, 5}, null, null)));
        assertEquals("c", EnsembleMethods.bestOnAverageModel(rewardsOnly));
    }

    @Test
    void costAccountCountsGenerations() {
        CostAccount acc = new CostAccount();
        RewardRecord r = rec("1", new double[]{1, 0, 0}, null, new double[]{1, 2, 3});
        acc.add(r, EnsembleMethods.rewardRanking().select(r));
        acc.add(r, EnsembleMethods.single(MODELS, "b").select(r));
        assertEquals(2.0, acc.generationsPerQuery());
        assertEquals(4.0, acc.costPerQuery());
    }

    @Test
    void randomRouterIsDeterministicPerQueryAndUsesEveryModel() {
        RandomRouter router = new RandomRouter(MODELS, 7);
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 100; i++) {
            RoutingDecision d = router.route("q" + i);
            assertEquals(d, new RandomRouter(MODELS, 7).route("q" + i));
            seen.add(d.model());
        }
        assertEquals(3, seen.size());
    }

    @Test
    void decisionRankingPutsTheChosenModelFirst() {
        RoutingDecision d = new RoutingDecision(MODELS, new double[]{0.5, 0.2, 0.3}, 1);
        assertEquals(List.of("b", "a", "c"), d.ranking());
        RoutingDecision argmax = RoutingDecision.argmax(MODELS, new double[]{0.1, 0.2, 0.7});
        assertEquals("c", argmax.model());
        assertTrue(argmax.entropy() > 0);
    }
}
