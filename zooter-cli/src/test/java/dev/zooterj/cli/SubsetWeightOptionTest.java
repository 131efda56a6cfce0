package dev.zooterj.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zooterj.data.RewardDatasetReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --subset-weight} in train and bench: the weight reaches the router, and bad values are one-line errors. */
class SubsetWeightOptionTest {
    @TempDir
    static Path dir;
    static Path train;
    static List<String> subsets;

    @BeforeAll
    static void simulate() throws IOException {
        Path sim = dir.resolve("sim");
        assertEquals(0, CliRunner.run("simulate", "--out", sim.toString(), "--train-size", "60", "--per-subset", "2").exitCode());
        train = sim.resolve("train.jsonl");
        subsets = new ArrayList<>(new TreeSet<>(RewardDatasetReader.read(train).bySubset().keySet()));
    }

    @Test
    void aTrainedTaskBestRouterRecordsTheWeights() throws IOException {
        Path router = dir.resolve("weighted");
        CliRunner r = CliRunner.run("train", "--data", train.toString(), "--out", router.toString(), "--kind", "task_best",
                "--subset-weight", subsets.get(0) + "=0", "--subset-weight", subsets.get(1) + "=2.5");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode m = new ObjectMapper().readTree(router.resolve("router.json").toFile());
        List<String> classes = new ArrayList<>();
        m.path("classes").forEach(c -> classes.add(c.asText()));
        assertEquals(subsets, classes);
        assertEquals(0.0, m.path("subsetWeights").get(0).asDouble());
        assertEquals(2.5, m.path("subsetWeights").get(1).asDouble());
        for (int c = 2; c < classes.size(); c++) {
            assertEquals(1.0, m.path("subsetWeights").get(c).asDouble(), classes.get(c));
        }
    }

    @Test
    void badWeightsAreOneLineErrors() {
        String out = dir.resolve("never").toString();
        assertError("zooter train: error: --subset-weight nosuch=0: no subset 'nosuch' in the training rows; expected one of " + subsets,
                "train", "--data", train.toString(), "--out", out, "--kind", "task_best", "--subset-weight", "nosuch=0");
        assertError("zooter train: error: --subset-weight " + subsets.get(0) + ": expected SUBSET=WEIGHT, e.g. arc_easy=0",
                "train", "--data", train.toString(), "--out", out, "--kind", "task_best", "--subset-weight", subsets.get(0));
        assertError("zooter train: error: --subset-weight " + subsets.get(0) + "=-1: expected a finite weight ≥ 0 after '='",
                "train", "--data", train.toString(), "--out", out, "--kind", "task_best", "--subset-weight", subsets.get(0) + "=-1");
        assertError("zooter bench: error: --subset-weight nosuch=1: no subset 'nosuch' in the training rows; expected one of "
                        + subsets,
                "bench", "--suite", "jsonl", "--data", train.toString(), "--eval", train.toString(), "--no-router",
                "--subset-weight", "nosuch=1");
    }

    private static void assertError(String expected, String... args) {
        CliRunner r = CliRunner.run(args);
        assertTrue(r.exitCode() != 0, r.out());
        assertEquals(expected, r.err().strip());
    }
}
