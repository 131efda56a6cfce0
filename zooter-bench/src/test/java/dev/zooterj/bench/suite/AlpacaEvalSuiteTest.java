package dev.zooterj.bench.suite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zooterj.core.data.RewardRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The AlpacaEval suite on a fixture folder in the real files' formats: 30 queries, 6 per subset, in wide CSVs whose
 * model columns come in different orders and include models outside the pool; one AE2 cell of a pool model is
 * blank (query 7), so that row is skipped and counted.
 */
class AlpacaEvalSuiteTest {
    private static final Path DIR = Fixtures.dir("alpaca_eval");

    @Test
    void rewardsComeFromAe2ScoresFromAe1AndCostFromAe1Lengths() {
        AlpacaEvalSuite suite = new AlpacaEvalSuite(DIR, null, 5, 42);
        List<RewardRecord> all = allTestRows(suite);
        assertEquals(29, all.size());
        Map<String, Map<String, String>> ae2 = Fixtures.wideCsv(DIR.resolve("ae2_weighted_gpt4turbo_winprob_wide.csv"));
        Map<String, Map<String, String>> ae1 = Fixtures.wideCsv(DIR.resolve("ae1_gpt4_winprob_wide.csv"));
        Map<String, Map<String, String>> chars = Fixtures.wideCsv(DIR.resolve("ae1_gpt4_output_chars_wide.csv"));
        List<String> pool = AlpacaEvalSuite.OPEN_POOL;
        for (RewardRecord r : all) {
            assertEquals(pool, suite.folds().get(0).test().models());
            assertArrayEquals(cells(ae2.get(r.id()), pool), r.rewards(), r.id());
            assertArrayEquals(cells(ae1.get(r.id()), pool), r.scores(), r.id());
            assertArrayEquals(cells(chars.get(r.id()), pool), r.cost(), r.id());
            assertEquals(ae2.get(r.id()).get("dataset"), r.subset(), r.id());
            assertTrue(r.query().startsWith("[" + r.subset() + "]"), r.id() + ": " + r.query());
        }
        assertFalse(all.stream().anyMatch(r -> r.id().equals("7")), "query 7 has a blank AE2 cell");
        assertTrue(suite.source().contains("29 queries (1 skipped"), suite.source());
    }

    @Test
    void everyQueryIsTestedExactlyOnceAndNeverTrainsItsOwnFold() {
        AlpacaEvalSuite suite = new AlpacaEvalSuite(DIR, null, 5, 42);
        List<BenchmarkSuite.Fold> folds = suite.folds();
        assertEquals(5, folds.size());
        List<String> tested = new ArrayList<>();
        for (BenchmarkSuite.Fold f : folds) {
            Set<String> train = f.train().records().stream().map(RewardRecord::id).collect(Collectors.toSet());
            Set<String> test = f.test().records().stream().map(RewardRecord::id).collect(Collectors.toSet());
            Set<String> overlap = new HashSet<>(train);
            overlap.retainAll(test);
            assertTrue(overlap.isEmpty(), "fold " + f.index() + " trains on its test rows " + overlap);
            assertEquals(29, train.size() + test.size(), "fold " + f.index());
            tested.addAll(test);
        }
        assertEquals(29, tested.size());
        assertEquals(29, new HashSet<>(tested).size(), "a query is tested twice");
    }

    @Test
    void foldsAreStratifiedBySubsetAndSeeded() {
        AlpacaEvalSuite suite = new AlpacaEvalSuite(DIR, null, 5, 42);
        for (BenchmarkSuite.Fold f : suite.folds()) {
            Map<String, Long> perSubset = f.test().records().stream()
                    .collect(Collectors.groupingBy(RewardRecord::subset, Collectors.counting()));
            // 6 queries per subset (5 in koala after the skipped row) over 5 folds: 1 or 2 per fold
            for (String s : AlpacaEvalSuite.SUBSETS) {
                long n = perSubset.getOrDefault(s, 0L);
                assertTrue(n >= 1 && n <= 2, "fold " + f.index() + " tests " + n + " " + s + " queries");
            }
        }
        assertEquals(testIds(suite), testIds(new AlpacaEvalSuite(DIR, null, 5, 42)));
        assertNotEquals(testIds(suite), testIds(new AlpacaEvalSuite(DIR, null, 5, 7)));
    }

    @Test
    void subsetsFormTheAlpacaEvalGroupAndAPoolCanBeChosen() {
        AlpacaEvalSuite suite = new AlpacaEvalSuite(DIR, List.of("minichat-3b", "vicuna-13b"), 3, 1);
        assertEquals(List.of("minichat-3b", "vicuna-13b"), suite.folds().get(0).train().models());
        assertEquals(3, suite.folds().size());
        // query 7 is blank only for falcon-40b-instruct, which this pool leaves out
        assertEquals(30, allTestRows(suite).size());
        Map<String, String> groups = suite.groupOfSubset();
        assertEquals(AlpacaEvalSuite.SUBSETS, List.copyOf(groups.keySet()));
        assertTrue(groups.values().stream().allMatch("AlpacaEval"::equals), groups.toString());
        assertFalse(suite.simulated());
    }

    @Test
    void aFolderWithoutTheFilesIsNamed(@org.junit.jupiter.api.io.TempDir Path empty) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AlpacaEvalSuite(empty, null, 5, 42));
        assertTrue(e.getMessage().contains(empty.toString()) && e.getMessage().contains("ae2_weighted_gpt4turbo_winprob_wide.csv"),
                e.getMessage());
    }

    private static List<RewardRecord> allTestRows(AlpacaEvalSuite suite) {
        List<RewardRecord> out = new ArrayList<>();
        suite.folds().forEach(f -> out.addAll(f.test().records()));
        return out;
    }

    private static List<Set<String>> testIds(AlpacaEvalSuite suite) {
        return suite.folds().stream().map(f -> f.test().records().stream().map(RewardRecord::id)
                .collect(Collectors.toSet())).toList();
    }

    private static double[] cells(Map<String, String> row, List<String> models) {
        return models.stream().mapToDouble(m -> Double.parseDouble(row.get(m))).toArray();
    }
}
