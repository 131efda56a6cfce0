package dev.zooterj.data.importer;

import dev.zooterj.core.data.RewardDataset;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Imports the real files in ../shared/data when they are there (a developer checkout); skipped with a
 * message in a fresh clone, which has no ../shared.
 */
class RealDataImportTest {
    static final Path SHARED = locateShared();

    static Path locateShared() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("../shared/data").normalize();
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    static final List<String> OPEN_POOL = List.of("vicuna-13b", "wizardlm-13b", "oasst-rlhf-llama-33b",
            "falcon-40b-instruct", "alpaca-farm-ppo-human", "minichat-3b");

    @Test
    void alpacaEvalTwoJudgeImportMatchesMethodMd() {
        Assumptions.assumeTrue(SHARED != null && Files.isDirectory(SHARED.resolve("alpaca_eval")),
                "../shared/data/alpaca_eval not found: real-data import test skipped");
        Path ae = SHARED.resolve("alpaca_eval");
        var r = ScoreMatrixCsvImporter.importData(new ScoreMatrixCsvImporter.Options(
                ae.resolve("ae2_weighted_gpt4turbo_winprob_wide.csv"), ae.resolve("ae1_gpt4_winprob_wide.csv"), null,
                ae.resolve("instructions.jsonl"), OPEN_POOL, true));
        RewardDataset d = r.dataset();
        assertEquals(805, r.report().rowsRead());
        assertEquals(803, d.size(), "METHOD.md §6: the six-model pool has both judges on 803 queries");
        double[] ae1 = d.meanScores();
        // METHOD.md §6 AE1 win rates (%): vicuna 70.4, wizardlm 75.3, oasst 66.4, falcon 45.8, ppo 41.3, minichat 48.9
        double[] expected = {70.4, 75.3, 66.4, 45.8, 41.3, 48.9};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], 100 * ae1[i], 0.05, OPEN_POOL.get(i));
        }
    }

    @Test
    void routerDcImportHasTheDocumentedSplits() {
        Path f = SHARED == null ? null : SHARED.resolve("routerdc/routerdc_split2_model7.jsonl");
        Assumptions.assumeTrue(f != null && Files.isRegularFile(f),
                "../shared/data/routerdc not found: real-data import test skipped");
        RewardDataset d = RouterDcImporter.importData(f, false).dataset();
        assertEquals(20600, d.size());
        assertEquals(7, d.models().size());
        assertEquals(7598, d.split("train").size());
    }
}
