package dev.zooterj.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** export → import-dl4j → route as a user runs them, on a head-mode router over frozen MiniLM (16 tokens, 2 epochs). */
class Dl4jCommandsTest {
    @TempDir
    static Path dir;
    static Path router;
    static Path sim;

    @BeforeAll
    static void simulateAndTrain() {
        sim = dir.resolve("sim");
        assertEquals(0, CliRunner.run("simulate", "--out", sim.toString(), "--train-size", "60", "--per-subset", "2").exitCode());
        router = dir.resolve("router");
        CliRunner r = CliRunner.run("train", "--data", sim.resolve("train.jsonl").toString(), "--out", router.toString(),
                "--max-tokens", "16", "--epochs", "2", "--seed", "5");
        assertEquals(0, r.exitCode(), r.err());
    }

    @Test
    void anExportedHeadImportedBackRoutesTheSame() throws IOException {
        Path head = dir.resolve("head.zip");
        CliRunner e = CliRunner.run("export", "--router", router.toString(), "--format", "dl4j", "--out", head.toString());
        assertEquals(0, e.exitCode(), e.err());
        assertTrue(e.out().contains("MultiLayerNetwork"), e.out());
        Path imported = dir.resolve("imported");
        CliRunner i = CliRunner.run("import-dl4j", "--model", head.toString(), "--like", router.toString(), "--out", imported.toString());
        assertEquals(0, i.exitCode(), i.err());
        JsonNode m = new ObjectMapper().readTree(imported.resolve("router.json").toFile());
        assertEquals("dl4j", m.path("kind").asText());
        assertTrue(m.path("provenance").path("source").asText().contains("head.zip"), m.toString());

        Path q = sim.resolve("eval.jsonl");
        Path d1 = dir.resolve("d1.jsonl");
        Path d2 = dir.resolve("d2.jsonl");
        assertEquals(0, CliRunner.run("route", "--router", router.toString(), "--in", q.toString(), "--out", d1.toString()).exitCode());
        CliRunner r2 = CliRunner.run("route", "--router", imported.toString(), "--in", q.toString(), "--out", d2.toString());
        assertEquals(0, r2.exitCode(), r2.err());
        List<String> a = Files.readAllLines(d1);
        List<String> b = Files.readAllLines(d2);
        assertEquals(a.size(), b.size());
        ObjectMapper json = new ObjectMapper();
        for (int k = 0; k < a.size(); k++) {
            JsonNode x = json.readTree(a.get(k));
            JsonNode y = json.readTree(b.get(k));
            assertEquals(x.path("model").asText(), y.path("model").asText(), "query " + x.path("id"));
            var names = x.path("distribution").fieldNames();
            while (names.hasNext()) {
                String n = names.next();
                assertEquals(x.path("distribution").path(n).asDouble(), y.path("distribution").path(n).asDouble(), 1e-6);
            }
        }

        // export takes only zooter routers; the error is one line
        CliRunner bad = CliRunner.run("export", "--router", imported.toString(), "--format", "dl4j", "--out", dir.resolve("x.zip").toString());
        assertEquals(1, bad.exitCode());
        assertTrue(bad.err().contains("dl4j router") && bad.err().lines().count() == 1, bad.err());
    }

    @Test
    void samediffExportWritesTheGraphAndItsDescription() throws IOException {
        Path sd = dir.resolve("router.sd");
        CliRunner e = CliRunner.run("export", "--router", router.toString(), "--format", "samediff", "--out", sd.toString());
        assertEquals(0, e.exitCode(), e.err());
        assertTrue(Files.size(sd) > 40_000_000);
        JsonNode d = new ObjectMapper().readTree(dir.resolve("router.sd.json").toFile());
        assertEquals(16, d.path("tokenizer").path("maxTokens").asInt());
        assertEquals(6, d.path("models").size());
    }

    @Test
    void badInputGivesOneLineErrors() {
        CliRunner missing = CliRunner.run("import-dl4j", "--model", dir.resolve("nope.zip").toString(), "--like", router.toString(),
                "--out", dir.resolve("o").toString());
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("nope.zip") && missing.err().lines().count() == 1, missing.err());
        CliRunner format = CliRunner.run("export", "--router", router.toString(), "--format", "onnx", "--out", "x");
        assertEquals(2, format.exitCode());
        assertTrue(format.err().contains("--format"), format.err());
        assertEquals(0, CliRunner.run("export", "--help").exitCode());
        assertEquals(0, CliRunner.run("import-dl4j", "--help").exitCode());
    }
}
