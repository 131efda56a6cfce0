package dev.zooterj.nn.router;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ClusterBestKindTest {
    @Test
    void shrinkageTableByHand() {
        // cluster 0: rows 0, 1; cluster 1: row 2; cluster 2: empty
        int[] assignment = {0, 0, 1};
        double[][] scores = {{1, 0}, {1, 1}, {0, 1}};
        // global means: a = 2/3, b = 2/3
        double[][] t = ClusterBestKind.shrunkTable(assignment, 3, scores, 2);
        // cluster 0: n = 2, means (1, 0.5) → ((2·1 + 2·2/3)/4, (2·0.5 + 2·2/3)/4) = (5/6, 7/12)
        assertArrayEquals(new double[]{5.0 / 6, 7.0 / 12}, t[0], 1e-12);
        // cluster 1: n = 1, means (0, 1) → ((0 + 4/3)/3, (1 + 4/3)/3) = (4/9, 7/9)
        assertArrayEquals(new double[]{4.0 / 9, 7.0 / 9}, t[1], 1e-12);
        // an empty cluster gets the global means
        assertArrayEquals(new double[]{2.0 / 3, 2.0 / 3}, t[2], 1e-12);
        // α = 0: the plain cluster means
        assertArrayEquals(new double[]{1, 0.5}, ClusterBestKind.shrunkTable(assignment, 3, scores, 0)[0], 1e-12);
    }

    @Test
    void objectiveWeightingPicksTheModelThatMaximisesTheMacroMean() {
        // one cluster; subset A: 3 rows where m0 scores 1 and m1 0.5; subset B: 1 row where m0 scores 0 and m1 1
        List<RewardRecord> rows = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            rows.add(new RewardRecord("a" + i, "qa" + i, null, List.of(), "A", "train", new double[]{1, 0.5}, new double[]{1, 0.5}, null));
        }
        rows.add(new RewardRecord("b0", "qb0", null, List.of(), "B", "train", new double[]{0, 1}, new double[]{0, 1}, null));
        RewardDataset train = new RewardDataset(List.of("m0", "m1"), rows);
        double[][] scores = rows.stream().map(RewardRecord::evaluationScores).toArray(double[][]::new);
        int[] one = {0, 0, 0, 0};
        // rows: m0 3/4, m1 2.5/4 → m0; macro mean: m0 (1 + 0)/2 = 0.5, m1 (0.5 + 1)/2 = 0.75 → m1
        assertArrayEquals(new double[]{0.75, 0.625}, ClusterBestKind.shrunkTable(one, 1, scores, 0)[0], 1e-12);
        double[] w = ClusterBestKind.objectiveWeights(train, Map.of());
        assertArrayEquals(new double[]{2.0 / 3, 2.0 / 3, 2.0 / 3, 2}, w, 1e-12, "w_s / n_s rescaled to average 1");
        assertArrayEquals(new double[]{0.5, 0.75}, ClusterBestKind.shrunkTable(one, 1, scores, 0, w)[0], 1e-12);
        // B weighs 0: only A counts, m0 again
        double[] onlyA = ClusterBestKind.objectiveWeights(train, Map.of("B", 0.0));
        assertArrayEquals(new double[]{1, 0.5}, ClusterBestKind.shrunkTable(one, 1, scores, 0, onlyA)[0], 1e-12);
        // with shrinkage the global means are the weighted ones: α = 4 with n_c = 4 gives the same table here
        assertArrayEquals(new double[]{0.5, 0.75}, ClusterBestKind.shrunkTable(one, 1, scores, 4, w)[0], 1e-12);
        // end to end: k = 1 routes every query to the macro-mean best
        KindContext context = KindFixtures.context();
        assertEquals(0, RouterKinds.fit("cluster_best", train, Map.of("k", "1", "alpha", "0"), context).router().route("qa0").chosen());
        assertEquals(1, RouterKinds.fit("cluster_best", train, Map.of("k", "1", "alpha", "0", "weighting", "objective"), context)
                .router().route("qa0").chosen());
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ClusterBestKind.objectiveWeights(train, Map.of("A", 0.0, "B", 0.0)));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("weighs 0"), e.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new ClusterBestKind().defaults().with("weighting", "bogus"));
    }

    @Test
    void strongShrinkageFallsBackToTheBestModelOverall() {
        // topic sizes 30/5/5: "chat" (best model a) dominates, so a is best on average
        RewardDataset train = KindFixtures.rows("tr-", "train", 5, 5, 30);
        List<String> queries = KindFixtures.rows("te-", "test", 1, 1, 1).records().stream().map(RewardRecord::query).toList();
        var plain = RouterKinds.fit("cluster_best", train, Map.of("k", "3", "alpha", "0"), KindFixtures.context()).router().route(queries);
        assertEquals(List.of(1, 2, 0), plain.stream().map(d -> d.chosen()).toList());
        // α = 1000 rows' worth of the global means outweighs 5 rows of math or code
        var shrunk = RouterKinds.fit("cluster_best", train, Map.of("k", "3", "alpha", "1000"), KindFixtures.context()).router().route(queries);
        assertEquals(List.of(0, 0, 0), shrunk.stream().map(d -> d.chosen()).toList());
    }
}
