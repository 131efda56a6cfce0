package dev.zooterj.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bench --mode finetune}: Zooter with the encoder trained, on a tiny paper-sim suite (16 tokens, one epoch). */
class BenchModeTest {
    @TempDir
    Path dir;

    @Test
    void benchFineTunesTheEncoderWhenAskedFromAProbedHead() throws IOException {
        Path out = dir.resolve("bench");
        CliRunner r = CliRunner.run("bench", "--suite", "paper-sim", "--train-size", "40", "--per-subset", "1", "--mode", "finetune",
                "--head-start", "probe", "--no-tune", "--methods", "zooter", "--epochs", "1", "--max-tokens", "16", "--no-hard-label", "--no-rerank",
                "--no-cost-sweep", "--bootstrap", "20", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        String router = results.path("settings").path("router").asText();
        assertTrue(router.contains("mode=finetune") && router.contains("epochs=1") && router.contains("headStart=probe"), router);
        assertTrue(r.out().contains("head start: kept epoch"), r.out());
        assertTrue(results.path("methods").has("zooter"), results.path("methods").toString());
    }

    @Test
    void fineTuningWithTheValidationSearchIsRefusedWithOneLine() {
        CliRunner r = CliRunner.run("bench", "--suite", "paper-sim", "--mode", "finetune", "--out", dir.resolve("x").toString());
        assertEquals(true, r.exitCode() != 0);
        assertEquals("zooter bench: error: --mode finetune trains the encoder once per validation fit (up to 17 for zooter); add --no-tune",
                r.err().strip());
        CliRunner bad = CliRunner.run("bench", "--suite", "paper-sim", "--mode", "scratch", "--no-tune", "--out", dir.resolve("y").toString());
        assertTrue(bad.err().contains("--mode: expected head or finetune"), bad.err());
        CliRunner probe = CliRunner.run("bench", "--suite", "paper-sim", "--head-start", "probe", "--out", dir.resolve("z").toString());
        assertTrue(probe.exitCode() != 0 && probe.err().strip().lines().count() == 1 && probe.err().contains("needs --mode finetune"),
                probe.err());
    }
}
