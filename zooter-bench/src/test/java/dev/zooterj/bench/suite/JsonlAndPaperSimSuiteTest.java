package dev.zooterj.bench.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.data.DatasetFormatException;
import dev.zooterj.data.sim.BenchmarkSubset;
import dev.zooterj.data.sim.PaperLayout;
import dev.zooterj.data.sim.SimulatedZoo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSONL suite on two fixture files, and the paper-sim suite on a small simulated zoo. */
class JsonlAndPaperSimSuiteTest {
    private static final Path DIR = Fixtures.dir("jsonl");

    @Test
    void jsonlTrainsOnOneFileAndTestsTheOtherSkippingABadRowOnlyWhenLenient() {
        // test.jsonl line 5 has rewards.m-b = "high"
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> new JsonlSuite(DIR.resolve("train.jsonl"), DIR.resolve("test.jsonl"), false));
        assertTrue(e.getMessage().contains("test.jsonl:5") && e.getMessage().contains("rewards.m-b"), e.getMessage());

        JsonlSuite suite = new JsonlSuite(DIR.resolve("train.jsonl"), DIR.resolve("test.jsonl"), true);
        List<BenchmarkSuite.Fold> folds = suite.folds();
        assertEquals(1, folds.size());
        assertEquals(12, folds.get(0).train().size());
        assertEquals(8, folds.get(0).test().size());
        assertTrue(folds.get(0).train().records().stream().allMatch(r -> r.id().startsWith("train-")));
        assertTrue(folds.get(0).test().records().stream().allMatch(r -> r.id().startsWith("test-") && r.scores() != null));
        assertTrue(folds.get(0).test().records().stream().noneMatch(r -> r.id().equals("test-4")));
        assertEquals(Map.of("alpha", "all", "beta", "all", "gamma", "all"), suite.groupOfSubset());
        assertTrue(suite.source().contains("(12 rows)") && suite.source().contains("(8 rows)"), suite.source());
    }

    @Test
    void jsonlTestRowsMustCoverTheTrainingModels(@TempDir Path dir) throws IOException {
        Path test = dir.resolve("other-models.jsonl");
        Files.writeString(test, "{\"id\": \"t1\", \"query\": \"q\", \"rewards\": {\"m-a\": 1, \"m-x\": 2, \"m-c\": 0}}\n");
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> new JsonlSuite(DIR.resolve("train.jsonl"), test, false));
        assertTrue(e.getMessage().contains("other-models.jsonl:1"), e.getMessage());
    }

    @Test
    void paperSimTrainsOnTheSimulatedTrainingSetAndTestsEveryPaperSubset() {
        SimulatedZoo zoo = SimulatedZoo.generate(SimulatedZoo.Config.defaults().withTrainingQueries(200).withQueriesPerSubset(4));
        PaperSimSuite suite = new PaperSimSuite(zoo);
        List<BenchmarkSuite.Fold> folds = suite.folds();
        assertEquals(1, folds.size());
        assertEquals(zoo.training().records(), folds.get(0).train().records());
        assertEquals(zoo.evaluation().records(), folds.get(0).test().records());
        Set<String> tested = folds.get(0).test().records().stream().map(RewardRecord::subset).collect(Collectors.toSet());
        assertEquals(PaperLayout.groupOfSubset().keySet(), tested);
        assertEquals(PaperLayout.groupOfSubset(), suite.groupOfSubset());
        for (BenchmarkSubset s : PaperLayout.subsets()) {
            assertEquals(List.of(s.minScore(), s.maxScore()), List.of(suite.scale(s.name())[0], suite.scale(s.name())[1]));
        }
        Set<String> trainTexts = new HashSet<>();
        folds.get(0).train().records().forEach(r -> trainTexts.add(r.query()));
        assertTrue(folds.get(0).test().records().stream().noneMatch(r -> trainTexts.contains(r.query())));
        assertTrue(suite.simulated());
        assertTrue(suite.source().startsWith("SIMULATED") && suite.source().contains("0 of 104 evaluation queries occur word for word"),
                suite.source());
    }
}
