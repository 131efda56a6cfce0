package dev.zooterj.bench;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.core.ensemble.EnsembleMethod;
import dev.zooterj.core.ensemble.EnsembleMethods;
import dev.zooterj.core.ensemble.Selection;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchComparisonsTest {
    private static final List<String> MODELS = List.of("a", "b", "c");

    /** s1 (2 rows): a scores 1, b 0.5, c 0; s2 (6 rows): b 1, a 0, c 0.5; s3 (4 rows, group G2): c 1, the others 0. */
    private static RewardDataset data() {
        List<RewardRecord> rs = new ArrayList<>();
        int id = 0;
        for (int i = 0; i < 2; i++) {
            rs.add(rec(id++, "s1", new double[]{1, 0.5, 0}));
        }
        for (int i = 0; i < 6; i++) {
            rs.add(rec(id++, "s2", new double[]{0, 1, 0.5}));
        }
        for (int i = 0; i < 4; i++) {
            rs.add(rec(id++, "s3", new double[]{0, 0, 1}));
        }
        return new RewardDataset(MODELS, rs);
    }

    private static RewardRecord rec(int id, String subset, double[] scores) {
        return new RewardRecord("q" + id, "query " + id, null, List.of(subset), subset, "test", scores, scores, null);
    }

    /** A router that knows the subset: the perfect per-subset choice. */
    private static EnsembleMethod perSubset(String name, Map<String, Integer> choice) {
        return new EnsembleMethod() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Selection select(RewardRecord r) {
                double[] w = new double[3];
                w[choice.get(r.subset())] = 1;
                return new Selection(w, false);
            }
        };
    }

    @Test
    void theDefaultRouterIsComparedWithTaskBestAndEachGroupsBestSingleModelOnTheGroupAverage() {
        RewardDataset test = data();
        Map<String, String> groups = new LinkedHashMap<>();
        groups.put("s1", "G1");
        groups.put("s2", "G1");
        groups.put("s3", "G2");
        SuiteEvaluation evaluation = new SuiteEvaluation(test, groups);
        List<EnsembleMethod> methods = new ArrayList<>();
        MODELS.forEach(m -> methods.add(EnsembleMethods.single(MODELS, m)));
        methods.add(perSubset("auto", Map.of("s1", 0, "s2", 1, "s3", 2)));
        methods.add(perSubset("task_best", Map.of("s1", 1, "s2", 1, "s3", 2)));   // wrong on s1: b (0.5) instead of a (1)
        Map<String, EnsembleMethod> byName = new HashMap<>();
        methods.forEach(m -> byName.put(m.name(), m));
        List<MethodResult> results = evaluation.evaluate(methods);

        List<BenchResults.Comparison> cs = BenchRunner.comparisons(test, evaluation, results, byName, List.of("task_best", "auto"),
                MODELS, 500, 7);
        assertEquals(2, cs.size());
        BenchResults.Comparison vsTask = cs.get(0);
        assertEquals("auto", vsTask.method());
        assertEquals("task_best", vsTask.against());
        // G1 average = mean of the subset means: auto (1 + 1)/2, task_best (0.5 + 1)/2 → +0.25; every resample the same
        BenchResults.Interval g1 = vsTask.groups().get("G1");
        assertEquals(0.25, g1.estimate(), 1e-12);
        assertEquals(0.25, g1.low(), 1e-12);
        assertEquals(0.25, g1.high(), 1e-12);
        assertEquals(0.0, vsTask.groups().get("G2").estimate(), 1e-12);

        BenchResults.Comparison vsSingle = cs.get(1);
        assertEquals("best single model", vsSingle.against());
        // G1: a averages (1 + 0)/2 = 0.5, b (0.5 + 1)/2 = 0.75, c (0 + 0.5)/2 = 0.25 → b; G2: c
        assertEquals("b", vsSingle.models().get("G1"));
        assertEquals("c", vsSingle.models().get("G2"));
        assertEquals(1.0 - 0.75, vsSingle.groups().get("G1").estimate(), 1e-12);
        assertEquals(0.0, vsSingle.groups().get("G2").estimate(), 1e-12);
    }

    @Test
    void theIntervalCoversTheEstimateWhenQueriesDiffer() {
        List<RewardRecord> rs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            // a wins on even rows, b on odd rows, and a by more
            rs.add(rec(i, "s1", i % 2 == 0 ? new double[]{1, 0, 0} : new double[]{0, 0.5, 0}));
        }
        RewardDataset test = new RewardDataset(MODELS, rs);
        SuiteEvaluation evaluation = new SuiteEvaluation(test, Map.of("s1", "G"));
        Map<String, EnsembleMethod> byName = new HashMap<>();
        byName.put("a", EnsembleMethods.single(MODELS, "a"));
        byName.put("b", EnsembleMethods.single(MODELS, "b"));
        var iv = BenchRunner.macroBootstrap(test, Map.of("G", List.of("s1")), byName.get("a"), Map.of("G", "b"), byName, 2000, 3).get("G");
        assertEquals(0.5 - 0.25, iv.estimate(), 1e-12);
        assertTrue(iv.low() < iv.estimate() && iv.estimate() < iv.high(), iv.toString());
        assertTrue(iv.low() > -0.2 && iv.high() < 0.7, iv.toString());
    }

    @Test
    void aMemoisedMethodSelectsEachRecordOnceAndReturnsTheSameSelections() {
        RewardDataset test = data();
        int[] calls = {0};
        EnsembleMethod counting = new EnsembleMethod() {
            @Override
            public String name() {
                return "counting";
            }

            @Override
            public Selection select(RewardRecord r) {
                calls[0]++;
                double[] w = new double[3];
                w[r.subset().equals("s3") ? 2 : 0] = 1;
                return new Selection(w, false);
            }
        };
        EnsembleMethod m = BenchRunner.memoised(counting);
        List<Selection> bySubset = new ArrayList<>();
        bySubset.addAll(m.selectAll(test.records().subList(0, 2)));
        bySubset.addAll(m.selectAll(test.records().subList(2, 12)));
        assertEquals(12, calls[0]);
        List<Selection> all = m.selectAll(test.records());
        assertEquals(12, calls[0], "the whole set again costs nothing");
        assertEquals(bySubset, all);
        assertEquals("counting", m.name());
    }
}
