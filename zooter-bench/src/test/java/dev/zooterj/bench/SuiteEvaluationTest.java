package dev.zooterj.bench;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.core.ensemble.EnsembleMethod;
import dev.zooterj.core.ensemble.EnsembleMethods;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SuiteEvaluationTest {
    private static final List<String> MODELS = List.of("a", "b", "c");

    /** Subset s1: a is best; s2: b is best; s3: c is best. Rewards point the reward model the wrong way in s3. */
    private static RewardDataset data() {
        List<RewardRecord> rs = new ArrayList<>();
        int id = 0;
        for (int i = 0; i < 4; i++) {
            rs.add(rec(id++, "s1", new double[]{1, 0.5, 0}, new double[]{1, .5, 0}));
            rs.add(rec(id++, "s2", new double[]{0, 1, 0.5}, new double[]{0, 1, .5}));
            rs.add(rec(id++, "s3", new double[]{1, 0, 0}, new double[]{0, 0, 1}));
        }
        return new RewardDataset(MODELS, rs);
    }

    private static RewardRecord rec(int id, String subset, double[] rewards, double[] scores) {
        return new RewardRecord("q" + id, "query", null, List.of(subset), subset, "test", rewards, scores, null);
    }

    private static Map<String, String> groups() {
        Map<String, String> g = new LinkedHashMap<>();
        g.put("s1", "G1");
        g.put("s2", "G1");
        g.put("s3", "G2");
        return g;
    }

    private static MethodResult find(List<MethodResult> rs, String name) {
        return rs.stream().filter(r -> r.method().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void oracleRanksFirstEverywhereAndSingleModelsRankAmongThemselves() {
        RewardDataset d = data();
        List<EnsembleMethod> methods = new ArrayList<>();
        MODELS.forEach(m -> methods.add(EnsembleMethods.single(MODELS, m)));
        methods.add(EnsembleMethods.oracle());
        methods.add(EnsembleMethods.rewardRanking());
        methods.add(EnsembleMethods.random(MODELS));
        List<MethodResult> rs = new SuiteEvaluation(d, groups()).evaluate(methods);

        MethodResult oracle = find(rs, "oracle");
        // the oracle ties the best candidate on each subset: rank 1 + 0.5
        assertEquals(1.5, oracle.mtr(), 1e-12);
        assertEquals(0.0, oracle.uplift());
        assertEquals(3, oracle.generationsPerQuery());

        MethodResult a = find(rs, "a");
        assertEquals("a", a.candidate());
        // a ranks 1, 3, 2.5 (tied with b on s3), ranked among the candidates only: it is one of them
        assertEquals(6.5 / 3, a.mtr(), 1e-12);
        assertEquals(1.0 / 3, a.uplift(), 1e-12);
        assertEquals(0.5, a.groups().get("G1").average(), 1e-12);
        assertEquals(2.0, a.groups().get("G1").mtr(), 1e-12);

        MethodResult rmr = find(rs, "rmr");
        // RMR picks the right model on s1, s2 and the worst on s3
        assertEquals(1.0, rmr.subsets().get("s1"), 1e-12);
        assertEquals(0.0, rmr.subsets().get("s3"), 1e-12);
        assertNull(rmr.candidate());

        MethodResult random = find(rs, "random");
        assertEquals(0.5, random.subsets().get("s1"), 1e-12);
        assertEquals(1.0 / 3, random.routingShare().get("b"), 1e-12);
        String table = ResultTable.format(List.of("G1", "G2"), rs);
        assertTrue(table.contains("oracle"), table);
    }

    @Test
    void gapClosedIsTheShareOfTheBmaToOracleDistance() {
        RewardDataset d = data();
        RewardDataset train = new RewardDataset(MODELS, List.of(rec(99, "s1", new double[]{1, 0, 0}, new double[]{1, 0, 0})));
        List<EnsembleMethod> methods = new ArrayList<>(List.of(EnsembleMethods.bestOnAverage(train), EnsembleMethods.oracle(),
                EnsembleMethods.rewardRanking(), EnsembleMethods.random(MODELS)));
        List<MethodResult> rs = new SuiteEvaluation(d, groups()).evaluate(methods);
        BenchResults r = new BenchResults("t", false, "hand-made", MODELS, groups(), rs, Map.of(), Map.of(), List.of(), Map.of(), "");
        // G1: bma (= a) averages (1 + 0)/2 = 0.5, oracle 1, rmr 1 → closes 100%; random 0.5 → 0%
        assertEquals(1.0, r.gapClosed("rmr", "G1"), 1e-12);
        assertEquals(0.0, r.gapClosed("random", "G1"), 1e-12);
        // G2 (s3): bma 0, oracle 1, rmr 0 (misled by the rewards) → 0%; random 1/3 → 1/3
        assertEquals(0.0, r.gapClosed("rmr", "G2"), 1e-12);
        assertEquals(1.0 / 3, r.gapClosed("random", "G2"), 1e-12);
        assertTrue(Double.isNaN(r.gapClosed("zooter", "G1")), "a method that did not run has no gap share");
    }

    @Test
    void rankAveragesTies() {
        assertEquals(1.0, SuiteEvaluation.rank(5, new double[]{1, 2, 3}, -1));
        assertEquals(2.5, SuiteEvaluation.rank(2, new double[]{1, 2, 3}, -1));
        assertEquals(2.0, SuiteEvaluation.rank(2, new double[]{1, 2, 3}, 1));
        assertEquals(4.0, SuiteEvaluation.rank(0, new double[]{1, 2, 3}, -1));
    }

    @Test
    void subsetsOutsideTheLayoutAreAnError() {
        Map<String, String> partial = Map.of("s1", "G1");
        assertThrows(IllegalArgumentException.class, () -> new SuiteEvaluation(data(), partial));
    }
}
