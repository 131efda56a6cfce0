package dev.zooterj.cli;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.data.RewardDatasetReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SelectDecontaminateTest {
    @TempDir
    Path dir;

    /** 30 train rows (20 tagged "math", 6 "code", 4 untagged) and 5 test rows, in one dataset file. */
    private Path dataset() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 35; i++) {
            String tags = i < 20 ? "[\"math\"]" : i < 26 ? "[\"code\"]" : "[]";
            String split = i < 30 ? "train" : "test";
            String query = switch (i) {
                case 3 -> "Solve: THE TRAIN leaves the station at noon, and...";   // 6-gram shared with bench.jsonl
                case 21 -> "Compute how far a car travels in 3 hours!";          // 6-gram shared with test row q33
                case 22 -> "Why the train leaves the station at noon, and compute how far a car travels";  // both
                case 24 -> "a train leaves the station at midnight";              // a 5-gram only
                default -> "query number " + i + " about topic " + (i % 7);
            };
            if (i == 33) {
                query = "Compute how far a car travels in one hour";
            }
            sb.append("{\"id\": \"q").append(i).append("\", \"query\": \"").append(query).append("\", \"tags\": ").append(tags)
                    .append(", \"split\": \"").append(split).append("\", \"rewards\": {\"a\": ").append(i).append(", \"b\": 0}}\n");
        }
        Path p = dir.resolve("data.jsonl");
        Files.writeString(p, sb.toString());
        return p;
    }

    private Path bench() throws IOException {
        Path p = dir.resolve("bench.jsonl");
        Files.writeString(p, "{\"id\": 1, \"instruction\": \"the train leaves the station at noon today\"}\n"
                + "{\"id\": 2, \"instruction\": \"hi\"}\n");
        return p;
    }

    private static Map<String, Integer> tagCounts(RewardDataset d) {
        Map<String, Integer> counts = new HashMap<>();
        for (RewardRecord r : d.records()) {
            for (String t : r.tags().isEmpty() ? List.of("<untagged>") : r.tags()) {
                counts.merge(t, 1, Integer::sum);
            }
        }
        return counts;
    }

    @Test
    void selectKeepsAtMostKPerTagOfTheSplitAndPassesTheRestThrough() throws IOException {
        Path out = dir.resolve("sel.jsonl");
        CliRunner r = CliRunner.run("select", "--data", dataset().toString(), "--out", out.toString(), "--per-tag", "3",
                "--seed", "5", "--split", "train");
        assertEquals(0, r.exitCode(), r.err());
        RewardDataset sel = RewardDatasetReader.read(out);
        assertEquals(Map.of("math", 3, "code", 3, "<untagged>", 3), tagCounts(sel.split("train")));
        assertEquals(5, sel.split("test").size(), "other splits pass through");
        assertTrue(r.out().contains("30 rows of split 'train' with 3 tags (largest 20 rows); at most 3 per tag, seed 5"), r.out());
        assertTrue(r.out().contains("kept 9 rows, dropped 21; 3 tags kept (largest 3 rows); 5 rows of other splits passed through"), r.out());

        Path again = dir.resolve("again.jsonl");
        CliRunner.run("select", "--data", dataset().toString(), "--out", again.toString(), "--per-tag", "3", "--seed", "5", "--split", "train");
        assertEquals(Files.readString(out), Files.readString(again), "same seed, same file");
        Path other = dir.resolve("other.jsonl");
        CliRunner.run("select", "--data", dataset().toString(), "--out", other.toString(), "--per-tag", "3", "--seed", "6", "--split", "train");
        assertFalse(Files.readString(out).equals(Files.readString(other)), "another seed picks other rows");
    }

    @Test
    void selectWithoutSplitWorksOnAllRows() throws IOException {
        Path out = dir.resolve("all.jsonl");
        CliRunner r = CliRunner.run("select", "--data", dataset().toString(), "--out", out.toString(), "--per-tag", "100");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(35, RewardDatasetReader.read(out).size(), "K above every tag's size keeps everything");
        assertTrue(r.out().contains("35 rows (all rows)"), r.out());
    }

    @Test
    void decontaminateDropsOverlapsAgainstFilesAndSplitsAndWritesTheIds() throws IOException {
        Path out = dir.resolve("clean.jsonl");
        CliRunner r = CliRunner.run("decontaminate", "--data", dataset().toString(), "--out", out.toString(),
                "--split", "train", "--against-split", "test", "--against", bench().toString());
        assertEquals(0, r.exitCode(), r.err());
        RewardDataset clean = RewardDatasetReader.read(out);
        assertEquals(35 - 3, clean.size());
        assertTrue(clean.records().stream().noneMatch(x -> List.of("q3", "q21", "q22").contains(x.id())));
        assertTrue(clean.records().stream().anyMatch(x -> x.id().equals("q24")), "a 5-gram overlap is kept");
        assertTrue(clean.records().stream().anyMatch(x -> x.id().equals("q33")), "the test rows stay");
        assertEquals(List.of("q3", "q21", "q22"), Files.readAllLines(Path.of(out + ".dropped.txt")));
        assertTrue(r.out().contains("checking 30 rows of split 'train' for shared 6-grams with 2 evaluation sets (5 other rows passed through)"), r.out());
        assertTrue(r.out().contains("split 'test': 5 queries (0 shorter than 6 words)"), r.out());
        assertTrue(r.out().contains("overlapping rows: 2"), r.out()); // q21 and q22 overlap the test split
        assertTrue(r.out().contains(bench() + ": 2 queries (1 shorter than 6 words)"), r.out());
        assertTrue(r.out().contains("kept 27 rows, dropped 3"), r.out());
    }

    @Test
    void decontaminateWritesTheDroppedIdsWhereAsked() throws IOException {
        Path out = dir.resolve("clean.jsonl");
        Path ids = dir.resolve("ids/dropped.txt");
        CliRunner r = CliRunner.run("decontaminate", "--data", dataset().toString(), "--out", out.toString(),
                "--against", bench().toString(), "--ngram", "5", "--dropped", ids.toString());
        assertEquals(0, r.exitCode(), r.err());
        // with 5-grams, q24 ("a train leaves the station at midnight") overlaps too
        assertEquals(List.of("q3", "q22", "q24"), Files.readAllLines(ids));
        assertFalse(Files.exists(Path.of(out + ".dropped.txt")));
    }

    @Test
    void badArgumentsGiveOneLineNamingTheProblem() throws IOException {
        String data = dataset().toString();
        String out = dir.resolve("x.jsonl").toString();
        assertError(CliRunner.run("select", "--data", data, "--out", out, "--per-tag", "0"), "--per-tag must be >= 1, got 0");
        assertError(CliRunner.run("select", "--data", data, "--out", out, "--split", "trian"),
                "--split 'trian': no row has this split; splits present: test, train");
        assertError(CliRunner.run("decontaminate", "--data", data, "--out", out, "--against", bench().toString(), "--ngram", "0"),
                "--ngram must be >= 1, got 0");
        Path missing = dir.resolve("missing-bench.jsonl");
        assertError(CliRunner.run("decontaminate", "--data", data, "--out", out, "--against", bench().toString(), missing.toString()),
                "--against " + missing + ": file not found");
        assertError(CliRunner.run("decontaminate", "--data", data, "--out", out), "no evaluation queries");
        assertError(CliRunner.run("decontaminate", "--data", data, "--out", out, "--split", "test", "--against-split", "test"),
                "is also an --against-split");
        assertError(CliRunner.run("select", "--data", data, "--out", out, "--per-tag", "many"), "'many'");
        assertFalse(Files.exists(Path.of(out)), "nothing written on error");
    }

    private static void assertError(CliRunner r, String expected) {
        assertTrue(r.exitCode() == 1 || r.exitCode() == 2, "exit " + r.exitCode());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains(expected), r.err());
    }

    @Test
    void bothCommandsHaveHelpDescribingTheirRules() {
        CliRunner top = CliRunner.run("--help");
        assertTrue(top.out().contains("select") && top.out().contains("decontaminate"), top.out());
        CliRunner select = CliRunner.run("select", "--help");
        assertEquals(0, select.exitCode());
        assertTrue(select.out().contains("every one of its tags has fewer than K kept rows"), select.out());
        CliRunner decon = CliRunner.run("decontaminate", "--help");
        assertEquals(0, decon.exitCode());
        assertTrue(decon.out().contains("shorter than n words has no n-grams"), decon.out());
    }
}
