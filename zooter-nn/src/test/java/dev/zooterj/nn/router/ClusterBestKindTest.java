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
