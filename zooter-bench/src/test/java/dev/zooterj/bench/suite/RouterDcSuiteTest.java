package dev.zooterj.bench.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zooterj.core.data.RewardRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The RouterDC suite's wiring on a 47-row fixture in {@code routerdc_split2_model7.jsonl}'s format: 21 train rows, 15
 * in-distribution test rows and 11 out-of-distribution rows over the real file's 10 datasets and 3 splits. It checks
 * which rows train and which test, and that in-distribution and out-of-distribution subsets land in different
 * groups; it does not look at the score scale.
 */
class RouterDcSuiteTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DIR = Fixtures.dir("routerdc");
    private static final Path FILE = DIR.resolve("routerdc_split2_model7.jsonl");

    /** dataset/split/idx → split, read straight from the fixture. */
    private static Map<String, String> splitOfId() {
        Map<String, String> out = new HashMap<>();
        for (String line : Fixtures.lines(FILE)) {
            JsonNode n = read(line);
            out.put(n.get("dataset").asText() + "/" + n.get("split").asText() + "/" + n.get("idx").asLong(),
                    n.get("split").asText());
        }
        return out;
    }

    @Test
    void theFixtureHasTheRealFilesSplitsAndDatasets() {
        Map<String, Long> bySplit = splitOfId().values().stream()
                .collect(Collectors.groupingBy(s -> s, TreeMap::new, Collectors.counting()));
        assertEquals(Map.of("ood_test", 11L, "test", 15L, "train", 21L), bySplit);
    }

    @Test
    void routersTrainOnTheTrainSplitAndAreTestedOnTestAndOodTest() {
        RouterDcSuite suite = new RouterDcSuite(DIR);
        List<BenchmarkSuite.Fold> folds = suite.folds();
        assertEquals(1, folds.size());
        BenchmarkSuite.Fold fold = folds.get(0);
        Map<String, String> split = splitOfId();

        Set<String> trainIds = ids(fold.train().records());
        Set<String> expectedTrain = split.entrySet().stream().filter(e -> e.getValue().equals("train"))
                .map(Map.Entry::getKey).collect(Collectors.toSet());
        assertEquals(expectedTrain, trainIds);
        assertEquals(21, fold.train().size());

        Set<String> testIds = ids(fold.test().records());
        assertEquals(testIds.size(), fold.test().size(), "a test row appears twice");
        for (String id : testIds) {
            assertTrue(Set.of("test", "ood_test").contains(split.get(id)), id + " is tested but its split is " + split.get(id));
            assertFalse(trainIds.contains(id), id + " both trains and tests");
        }
        // Every test or ood_test row of a subset the suite reports on is tested, none left out.
        Map<String, String> groups = suite.groupOfSubset();
        long expectedTested = split.entrySet().stream()
                .filter(e -> !e.getValue().equals("train") && groups.containsKey(e.getKey().split("/")[0])).count();
        assertEquals(expectedTested, fold.test().size());
        assertEquals(List.of("org-a/Alpha-7B", "org-b/Beta-Math-7B", "org-c/Gamma-Chinese-7B", "org-d/Delta-chat-7b",
                "org-e/Epsilon-2.6-7b", "org-f/Zeta-8B", "org-g/Eta-2.9-8b"), fold.train().models());
        assertEquals(fold.train().models(), fold.test().models());
    }

    @Test
    void everyTestedSubsetHasAGroupAndOodSubsetsAreGroupedApartFromInDistributionOnes() {
        RouterDcSuite suite = new RouterDcSuite(DIR);
        Map<String, String> groups = suite.groupOfSubset();
        BenchmarkSuite.Fold fold = suite.folds().get(0);
        Set<String> inDistributionGroups = new HashSet<>();
        Set<String> oodGroups = new HashSet<>();
        for (RewardRecord r : fold.test().records()) {
            String group = groups.get(r.subset());
            assertTrue(group != null, r.id() + ": subset " + r.subset() + " has no group in the report");
            (r.split().equals("ood_test") ? oodGroups : inDistributionGroups).add(group);
        }
        assertFalse(inDistributionGroups.isEmpty());
        assertFalse(oodGroups.isEmpty());
        Set<String> both = new HashSet<>(inDistributionGroups);
        both.retainAll(oodGroups);
        assertTrue(both.isEmpty(), "groups mixing in-distribution and out-of-distribution subsets: " + both);
        for (String s : RouterDcSuite.IN_DISTRIBUTION) {
            assertTrue(inDistributionGroups.contains(groups.get(s)), s);
        }
        for (String s : RouterDcSuite.OUT_OF_DISTRIBUTION) {
            assertTrue(oodGroups.contains(groups.get(s)), s);
        }
    }

    @Test
    void aFolderAndTheFileInItGiveTheSameSuite() {
        RouterDcSuite fromDir = new RouterDcSuite(DIR);
        RouterDcSuite fromFile = new RouterDcSuite(FILE);
        assertEquals(fromDir.folds().get(0).train().records(), fromFile.folds().get(0).train().records());
        assertEquals(fromDir.folds().get(0).test().records(), fromFile.folds().get(0).test().records());
        assertTrue(fromDir.source().contains("train split 21 queries"), fromDir.source());
        assertFalse(fromDir.simulated());
        assertEquals("routerdc", fromDir.name());
    }

    @Test
    void aMissingFileIsNamed(@org.junit.jupiter.api.io.TempDir Path empty) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RouterDcSuite(empty));
        assertTrue(e.getMessage().contains(empty.resolve("routerdc_split2_model7.jsonl").toString()), e.getMessage());
    }

    private static Set<String> ids(List<RewardRecord> records) {
        return records.stream().map(RewardRecord::id).collect(Collectors.toSet());
    }

    private static JsonNode read(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
