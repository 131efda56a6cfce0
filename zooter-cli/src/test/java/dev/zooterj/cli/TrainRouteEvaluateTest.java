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

/** The train → route → evaluate loop as a user runs it, with a tiny scratch encoder so it takes seconds. */
class TrainRouteEvaluateTest {
    @TempDir
    static Path dir;
    static Path router;

    @BeforeAll
    static void simulateAndTrain() {
        Path sim = dir.resolve("sim");
        assertEquals(0, CliRunner.run("simulate", "--out", sim.toString(), "--train-size", "60", "--per-subset", "2").exitCode());
        router = dir.resolve("router");
        CliRunner r = CliRunner.run("train", "--data", sim.resolve("train.jsonl").toString(), "--out", router.toString(),
                "--encoder", "scratch", "--scratch-hidden", "16", "--scratch-layers", "1", "--max-tokens", "24",
                "--epochs", "2", "--batch", "16", "--seed", "5");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("saved router to"), r.out());
        assertTrue(r.out().contains("← kept"), r.out());
    }

    @Test
    void theRouterDirectoryHoldsSettingsProvenanceAndCurve() throws IOException {
        JsonNode m = new ObjectMapper().readTree(router.resolve("router.json").toFile());
        assertEquals("scratch", m.path("mode").asText());
        assertEquals(5, m.path("training").path("seed").asLong());
        assertEquals(2, m.path("curve").size());
        assertEquals(64, m.path("provenance").path("datasetSha256").asText().length());
        assertEquals(60, m.path("provenance").path("rows").asInt());
        assertEquals(6, m.path("models").size());
        assertTrue(Files.exists(router.resolve("encoder.bin")));
        assertTrue(Files.notExists(dir.resolve(".router.checkpoint")), "checkpoints are removed after a successful save");
    }

    @Test
    void routesOneQueryAndAFile() throws IOException {
        CliRunner one = CliRunner.run("route", "--router", router.toString(), "Solve 3x + 5 = 11 for x");
        assertEquals(0, one.exitCode(), one.err());
        assertTrue(one.out().startsWith("model: sim-"), one.out());
        assertTrue(one.out().contains("entropy:"), one.out());

        Path in = dir.resolve("queries.jsonl");
        Files.write(in, List.of("{\"id\": \"a\", \"query\": \"Write a haiku about rain\"}",
                "{\"id\": \"b\", \"messages\": [{\"role\": \"user\", \"content\": \"Fix this SQL join\"}]}"));
        Path out = dir.resolve("decisions.jsonl");
        CliRunner many = CliRunner.run("route", "--router", router.toString(), "--in", in.toString(), "--out", out.toString());
        assertEquals(0, many.exitCode(), many.err());
        List<String> lines = Files.readAllLines(out);
        assertEquals(2, lines.size());
        JsonNode b = new ObjectMapper().readTree(lines.get(1));
        assertEquals("b", b.path("id").asText());
        double sum = 0;
        for (JsonNode p : b.path("distribution")) {
            sum += p.asDouble();
        }
        assertEquals(1.0, sum, 1e-6);
        assertTrue(b.path("distribution").has(b.path("model").asText()));
        assertTrue(b.path("entropy").asDouble() > 0);
    }

    @Test
    void evaluatesAgainstTheBaselines() {
        Path sim = dir.resolve("sim");
        CliRunner r = CliRunner.run("evaluate", "--router", router.toString(), "--data", sim.resolve("eval.jsonl").toString(),
                "--train", sim.resolve("train.jsonl").toString());
        assertEquals(0, r.exitCode(), r.err());
        for (String s : List.of("zooter", "bma", "oracle", "rmr", "random", "zooter routing share")) {
            assertTrue(r.out().contains(s), s + " in\n" + r.out());
        }
    }

    @Test
    void anyKindTrainsRoutesAndEvaluatesTheSameWay() throws IOException {
        Path sim = dir.resolve("sim");
        Path clusters = dir.resolve("clusters");
        CliRunner t = CliRunner.run("train", "--kind", "cluster_best", "--tune", "--set", "alpha=5", "--data",
                sim.resolve("train.jsonl").toString(), "--out", clusters.toString(), "--max-tokens", "24", "--seed", "3",
                "--cache", dir.resolve("cache").toString());
        assertEquals(0, t.exitCode(), t.err());
        assertTrue(t.out().contains("chosen on validation: k="), t.out());
        JsonNode m = new ObjectMapper().readTree(clusters.resolve("router.json").toFile());
        assertEquals("cluster_best", m.path("kind").asText());
        assertEquals("5.0", m.path("settings").path("alpha").asText(), "--set fixes alpha; only k is tuned");
        assertEquals(6, m.path("tuning").path("candidates").size(), "k in {1, 4, 8, 16, 32, 64}");
        assertEquals("3", m.path("settings").path("seed").asText());
        assertEquals(24, m.path("embedder").path("maxTokens").asInt());

        CliRunner one = CliRunner.run("route", "--router", clusters.toString(), "Solve 3x + 5 = 11 for x");
        assertEquals(0, one.exitCode(), one.err());
        assertTrue(one.out().startsWith("model: sim-"), one.out());
        CliRunner e = CliRunner.run("evaluate", "--router", clusters.toString(), "--data", sim.resolve("eval.jsonl").toString(),
                "--train", sim.resolve("train.jsonl").toString(), "--cache", dir.resolve("cache").toString());
        assertEquals(0, e.exitCode(), e.err());
        assertTrue(e.out().contains("cluster_best routing share"), e.out());
    }

    @Test
    void calibrateSetsTheShareOfTrafficAndRouteAppliesIt() throws IOException {
        Path copy = dir.resolve("calibrated");
        Files.createDirectories(copy);
        try (var files = Files.list(router)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        Path queries = dir.resolve("sim/eval.jsonl");
        JsonNode models = new ObjectMapper().readTree(router.resolve("router.json").toFile()).path("models");
        String target = models.get(models.size() - 1).asText();
        CliRunner c = CliRunner.run("calibrate", "--router", copy.toString(), "--data", queries.toString(), "--share", "0.25",
                "--model", target);
        assertEquals(0, c.exitCode(), c.err());
        JsonNode stored = new ObjectMapper().readTree(copy.resolve("calibration.json").toFile());
        assertEquals("share", stored.path("policy").asText());
        assertEquals(stored, new ObjectMapper().readTree(copy.resolve("router.json").toFile()).path("calibration"),
                "router.json records the calibration");
        Path out = dir.resolve("calibrated-decisions.jsonl");
        CliRunner r = CliRunner.run("route", "--router", copy.toString(), "--in", queries.toString(), "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        List<String> lines = Files.readAllLines(out);
        long toTarget = lines.stream().filter(l -> l.contains("\"model\":\"" + target + "\"")).count();
        assertEquals(stored.path("measured_share").asDouble(), (double) toTarget / lines.size(), 1e-12);
        assertEquals(0.25, (double) toTarget / lines.size(), 1.5 / lines.size(), "a quarter of the traffic, up to ties");

        // a mean cost: every model costs 1 except the target, which costs 10
        StringBuilder costs = new StringBuilder();
        for (JsonNode m : models) {
            costs.append(costs.length() == 0 ? "" : ",").append(m.asText()).append('=').append(m.asText().equals(target) ? 10 : 1);
        }
        CliRunner mc = CliRunner.run("calibrate", "--router", copy.toString(), "--data", queries.toString(), "--mean-cost", "1",
                "--costs", costs.toString());
        assertEquals(0, mc.exitCode(), mc.err());
        JsonNode cost = new ObjectMapper().readTree(copy.resolve("calibration.json").toFile());
        assertEquals(1.0, cost.path("measured_mean_cost").asDouble(), 1e-12, "nothing goes to the dear model");
        CliRunner r2 = CliRunner.run("route", "--router", copy.toString(), "--in", queries.toString(), "--out", out.toString());
        assertEquals(0, r2.exitCode(), r2.err());
        assertTrue(Files.readAllLines(out).stream().noneMatch(l -> l.contains("\"model\":\"" + target + "\"")));

        CliRunner bad = CliRunner.run("calibrate", "--router", copy.toString(), "--data", queries.toString(), "--share", "0.3",
                "--model", "nobody");
        assertEquals(1, bad.exitCode());
        assertTrue(bad.err().contains("--model: 'nobody' is not one of the router's models"), bad.err());
        CliRunner noCosts = CliRunner.run("route", "--router", router.toString(), "--cost-weight", "0.5", "hello");
        assertTrue(noCosts.err().contains("--cost-weight needs per-model costs"), noCosts.err());
    }

    @Test
    void anUnknownKindOrSettingIsOneLineNamingWhatExists() {
        CliRunner k = CliRunner.run("train", "--kind", "magic", "--data", dir.resolve("sim/train.jsonl").toString(), "--out",
                dir.resolve("x").toString());
        assertEquals(1, k.exitCode());
        assertEquals("zooter train: error: unknown router kind 'magic'; available kinds are [zooter, knn, task_best, cluster_best, "
                + "expected_score, hierarchical, best_single, auto, dl4j]",
                k.err().strip());
        CliRunner s = CliRunner.run("train", "--kind", "knn", "--set", "neighbours=3", "--data", dir.resolve("sim/train.jsonl").toString(),
                "--out", dir.resolve("x").toString());
        assertEquals(1, s.exitCode());
        assertTrue(s.err().contains("--set neighbours=3: knn has no setting 'neighbours'; its settings are [k, target, tau, normalize, seed]"),
                s.err());
    }

    @Test
    void aBadRouterDirectoryIsOneClearLine() {
        CliRunner r = CliRunner.run("route", "--router", dir.resolve("missing").toString(), "hello");
        assertEquals(1, r.exitCode());
        assertEquals("zooter route: error: router directory " + dir.resolve("missing") + " not found", r.err().strip());
        CliRunner both = CliRunner.run("route", "--router", router.toString());
        assertEquals(1, both.exitCode());
        assertTrue(both.err().contains("give either a QUERY or --in FILE"), both.err());
    }

    @Test
    void impossibleSettingsAreRefusedBeforeAnyWork() {
        CliRunner r = CliRunner.run("train", "--data", dir.resolve("sim/train.jsonl").toString(), "--out", dir.resolve("x").toString(),
                "--encoder", "scratch", "--mode", "head");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("--mode head needs a pretrained encoder"), r.err());
        CliRunner beta = CliRunner.run("train", "--data", dir.resolve("sim/train.jsonl").toString(), "--out", dir.resolve("x").toString(),
                "--beta", "2");
        assertTrue(beta.err().contains("beta must be in [0, 1], got 2.0"), beta.err());
    }
}
