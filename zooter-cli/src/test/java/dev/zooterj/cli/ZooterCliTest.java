package dev.zooterj.cli;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.data.RewardDatasetReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ZooterCliTest {
    @TempDir
    Path dir;

    @Test
    void everySubcommandHasHelp() {
        CliRunner top = CliRunner.run("--help");
        assertEquals(0, top.exitCode());
        java.util.Set<String> subs = new picocli.CommandLine(new ZooterCli()).getSubcommands().keySet();
        assertTrue(subs.containsAll(List.of("demo", "simulate", "import", "labels", "split", "train", "route", "evaluate",
                "bench", "info", "select", "decontaminate", "collect", "serve", "tags")), subs.toString());
        for (String sub : subs) {
            if (sub.equals("help")) {
                continue;
            }
            assertTrue(top.out().contains(sub), sub);
            CliRunner r = CliRunner.run(sub, "--help");
            assertEquals(0, r.exitCode(), sub);
            assertTrue(r.out().contains("Usage: zooter " + sub), r.out());
        }
    }

    @Test
    void demoPrintsTheBaselineTableOnSimulatedData() {
        CliRunner r = CliRunner.run("demo", "--train-size", "300", "--per-subset", "5", "--no-router",
                "--out", dir.resolve("baselines").toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("SIMULATED"), r.out());
        assertTrue(r.out().contains("evaluation vs training: 0 of 130 evaluation queries occur word for word in training"),
                r.out());
        assertTrue(r.out().contains("share a 6-word n-gram with a training query"), r.out());
        for (String method : List.of("bma", "random", "rmr", "oracle", "AlpacaEval", "FLASK", "MT-Bench", "Benchmarks")) {
            assertTrue(r.out().contains(method), method);
        }
        assertTrue(r.out().lines().noneMatch(l -> l.startsWith("zooter ")), "--no-router skips the router");
    }

    @Test
    void demoTrainsAMiniLmRouterAndCachesItsEmbeddings() throws IOException {
        Path cache = dir.resolve("cache");
        String[] args = {"demo", "--train-size", "80", "--per-subset", "2", "--epochs", "3", "--cache", cache.toString(),
                "--out", dir.resolve("report").toString()};
        CliRunner first = CliRunner.run(args);
        assertEquals(0, first.exitCode(), first.err());
        assertTrue(first.out().contains("zooter "), first.out());
        assertTrue(first.out().contains("knn "), first.out());
        var zoo = dev.zooterj.data.sim.SimulatedZoo.generate(dev.zooterj.data.sim.SimulatedZoo.Config.defaults()
                .withTrainingQueries(80).withQueriesPerSubset(2));
        long distinct = java.util.stream.Stream.concat(zoo.training().records().stream(), zoo.evaluation().records().stream())
                .map(r -> r.query()).distinct().count();
        try (var files = Files.list(cache)) {
            Path emb = files.findFirst().orElseThrow();
            // one record per distinct query text: a 32-byte key and 384 floats
            assertEquals(distinct * (32 + 4 * 384), Files.size(emb));
        }
        long cached;
        try (var files = Files.list(cache)) {
            cached = Files.size(files.findFirst().orElseThrow());
        }
        CliRunner second = CliRunner.run(args);
        try (var files = Files.list(cache)) {
            assertEquals(cached, Files.size(files.findFirst().orElseThrow()), "the second run embeds nothing new");
        }
        assertEquals(tableRow(first.out(), "zooter "), tableRow(second.out(), "zooter "), "same seed, same router, same results");
        assertTrue(Files.exists(dir.resolve("report/report.md")));
        assertTrue(Files.readString(dir.resolve("report/results.json")).contains("\"simulated\":true")
                || Files.readString(dir.resolve("report/results.json")).contains("\"simulated\" : true"));
    }

    private static String tableRow(String out, String method) {
        return out.lines().filter(l -> l.startsWith(method)).findFirst().orElseThrow();
    }

    @Test
    void simulateThenLabelsAndSplitWorkOnTheWrittenFiles() throws IOException {
        Path sim = dir.resolve("sim");
        CliRunner simulate = CliRunner.run("simulate", "--out", sim.toString(), "--train-size", "200", "--per-subset", "3");
        assertEquals(0, simulate.exitCode(), simulate.err());
        assertTrue(simulate.out().contains("0 of 78 evaluation queries occur word for word in training"), simulate.out());
        RewardDataset train = RewardDatasetReader.read(sim.resolve("train.jsonl"));
        assertEquals(200, train.size());
        assertEquals(78, RewardDatasetReader.read(sim.resolve("eval.jsonl")).size());

        CliRunner labels = CliRunner.run("labels", "--data", sim.resolve("train.jsonl").toString(), "--beta", "0.5");
        assertEquals(0, labels.exitCode(), labels.err());
        assertTrue(labels.out().contains("beta=0.5"), labels.out());
        assertTrue(labels.out().contains("entropy of s"), labels.out());

        Path splits = dir.resolve("splits");
        CliRunner split = CliRunner.run("split", "--data", sim.resolve("train.jsonl").toString(), "--out", splits.toString(),
                "--folds", "4", "--seed", "3");
        assertEquals(0, split.exitCode(), split.err());
        int tested = 0;
        for (int i = 0; i < 4; i++) {
            tested += RewardDatasetReader.read(splits.resolve("fold-" + i + "/test.jsonl")).size();
        }
        assertEquals(200, tested);
    }

    @Test
    void badInputGivesOneLineOnStderrAndANonZeroExit() throws IOException {
        Path bad = dir.resolve("bad.jsonl");
        Files.write(bad, List.of("{\"id\":\"a\",\"query\":\"x\",\"rewards\":{\"m\":1,\"n\":2}}",
                "{\"id\":\"b\",\"query\":\"y\",\"rewards\":{\"m\":NaN,\"n\":2}}"));
        CliRunner r = CliRunner.run("labels", "--data", bad.toString());
        assertEquals(1, r.exitCode());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("bad.jsonl:2: field 'rewards.m': expected a finite number, got NaN"), r.err());
        assertFalse(r.err().contains("at dev.zooterj"), "no stack trace without --debug");

        CliRunner debug = CliRunner.run("labels", "--data", bad.toString(), "--debug");
        assertTrue(debug.err().contains("at dev.zooterj"), "--debug prints the stack trace");

        CliRunner lenient = CliRunner.run("labels", "--data", bad.toString(), "--lenient");
        assertEquals(0, lenient.exitCode(), lenient.err());
        assertTrue(lenient.out().contains("kept 1 of 2 rows, skipped 1"), lenient.out());
    }

    @Test
    void labelsWarnWhenRewardsOnASmallScaleGiveNearlyUniformLabels() throws IOException {
        Path small = dir.resolve("small.jsonl");
        Files.write(small, List.of("{\"id\":\"a\",\"query\":\"x\",\"rewards\":{\"m\":0.10,\"n\":0.12}}",
                "{\"id\":\"b\",\"query\":\"y\",\"rewards\":{\"m\":0.05,\"n\":0.02}}"));
        CliRunner raw = CliRunner.run("labels", "--data", small.toString());
        assertEquals(0, raw.exitCode(), raw.err());
        assertTrue(raw.out().contains("warning: the labels s = softmax(r/tau) are nearly uniform"), raw.out());
        assertTrue(raw.out().contains("--normalize standardize"), raw.out());
        CliRunner std = CliRunner.run("labels", "--data", small.toString(), "--normalize", "standardize");
        assertFalse(std.out().contains("warning:"), std.out());
    }

    @Test
    void usageErrorsNameTheOptionAndPointToHelp() {
        CliRunner r = CliRunner.run("import", "--format", "excel", "--in", "x", "--out", "y");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("unknown format 'excel'; expected score-matrix-csv or routerdc"), r.err());
        assertTrue(r.err().contains("zooter import --help"), r.err());
        CliRunner missing = CliRunner.run("labels");
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("--data"), missing.err());
    }

    @Test
    void importWritesAValidDatasetFromAScoreMatrix() throws IOException {
        Path q = dir.resolve("q.jsonl");
        Files.write(q, List.of("{\"id\": 0, \"dataset\": \"koala\", \"instruction\": \"Hi\"}"));
        Path m = dir.resolve("m.csv");
        Files.write(m, List.of("id,dataset,x,y", "0,koala,0.25,0.75"));
        Path out = dir.resolve("out.jsonl");
        CliRunner r = CliRunner.run("import", "--format", "score-matrix-csv", "--in", m.toString(), "--queries", q.toString(),
                "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        RewardDataset d = RewardDatasetReader.read(out);
        assertEquals(List.of("x", "y"), d.models());
        assertTrue(r.out().contains("0.7500"), r.out());
    }
}
