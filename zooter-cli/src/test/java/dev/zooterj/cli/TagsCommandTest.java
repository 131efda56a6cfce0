package dev.zooterj.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.data.RewardDatasetReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code tags}, and {@code --tags} in train and bench, on a small simulated zoo. Cluster tags embed with the real
 * MiniLM through a throw-away cache (60 short queries, each embedded once for the whole class); routers use a tiny
 * scratch encoder.
 */
class TagsCommandTest {
    @TempDir
    static Path dir;
    static Path train;
    static Path cache;
    static Path tagged;
    static CliRunner clustered;

    @BeforeAll
    static void simulateAndTag() {
        Path sim = dir.resolve("sim");
        assertEquals(0, CliRunner.run("simulate", "--out", sim.toString(), "--train-size", "60", "--per-subset", "1").exitCode());
        train = sim.resolve("train.jsonl");
        cache = dir.resolve("cache");
        tagged = dir.resolve("tagged.jsonl");
        clustered = CliRunner.run("tags", "--data", train.toString(), "--method", "cluster", "--k", "4,8", "--seed", "3",
                "--max-tokens", "24", "--cache", cache.toString(), "--out", tagged.toString(), "--save-tagger", dir.resolve("t.tagger").toString());
        assertEquals(0, clustered.exitCode(), clustered.err());
    }

    @Test
    void clusterTagsAreAddedToEveryRowAndReported() {
        RewardDataset before = RewardDatasetReader.read(train);
        RewardDataset after = RewardDatasetReader.read(tagged);
        assertEquals(before.size(), after.size());
        for (int i = 0; i < after.size(); i++) {
            RewardRecord b = before.records().get(i);
            RewardRecord a = after.records().get(i);
            assertEquals(b.id(), a.id());
            assertEquals(b.tags(), a.tags().subList(0, b.tags().size()), "the row's own tags come first");
            List<String> added = a.tags().subList(b.tags().size(), a.tags().size());
            assertEquals(2, added.size(), a.tags().toString());
            assertTrue(added.get(0).matches("c4:[^-]+(-[^-]+){0,2}(-\\d+)?"), added.get(0));
            assertTrue(added.get(1).startsWith("c8:"), added.get(1));
            assertArrayEquals(b.rewards(), a.rewards());
        }
        String out = clustered.out();
        assertTrue(out.contains("fitting cluster:4,8 tags on 60 training rows (split 'train')"), out);
        assertTrue(out.contains("c4: 4 tags (4 given to rows); training rows per cluster min "), out);
        assertTrue(out.contains("c8: 8 tags"), out);
        assertTrue(out.contains("  largest: c4:"), out);
        assertTrue(Files.isRegularFile(dir.resolve("t.tagger")));
    }

    @Test
    void aSavedTaggerGivesTheSameTagsAgain() throws IOException {
        Path again = dir.resolve("again.jsonl");
        CliRunner r = CliRunner.run("tags", "--data", train.toString(), "--tagger", dir.resolve("t.tagger").toString(),
                "--cache", cache.toString(), "--out", again.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("applying the saved cluster:4,8 tagger (fitted on 60 training rows, seed 3)"), r.out());
        assertArrayEquals(Files.readAllBytes(tagged), Files.readAllBytes(again));
        CliRunner both = CliRunner.run("tags", "--data", train.toString(), "--tagger", dir.resolve("t.tagger").toString(),
                "--k", "4", "--out", again.toString());
        assertEquals(1, both.exitCode());
        assertEquals("zooter tags: error: --tagger applies a saved tagger as it was fitted: --k cannot be combined with it", both.err().strip());
    }

    @Test
    void keywordTagsReplaceTheRowsOwnWithReplace() {
        Path out = dir.resolve("kw.jsonl");
        CliRunner r = CliRunner.run("tags", "--data", train.toString(), "--method", "keywords", "--replace", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("keywords: a vocabulary of "), r.out());
        RewardDataset d = RewardDatasetReader.read(out);
        assertTrue(d.records().stream().anyMatch(x -> !x.tags().isEmpty()));
        d.records().forEach(x -> x.tags().forEach(t -> assertTrue(t.startsWith("kw:"), t)));

        // re-tagging the tagged file keeps its tags, which equal the new ones: they still count as given
        Path again = dir.resolve("kw-again.jsonl");
        CliRunner r2 = CliRunner.run("tags", "--data", out.toString(), "--method", "keywords", "--out", again.toString());
        assertEquals(0, r2.exitCode(), r2.err());
        long none = d.records().stream().filter(x -> x.tags().isEmpty()).count();
        assertTrue(r2.out().contains(" " + none + " of " + d.size() + " rows got none"), r2.out());
        assertEquals(d.records().stream().map(RewardRecord::tags).toList(),
                RewardDatasetReader.read(again).records().stream().map(RewardRecord::tags).toList());
    }

    @Test
    void badArgumentsAreOneClearLine() {
        String out = dir.resolve("x.jsonl").toString();
        assertError(1, "zooter tags: error: --k: every k must be a whole number >= 1, got 0",
                "tags", "--data", train.toString(), "--k", "0", "--out", out);
        assertError(1, "zooter tags: error: cluster:100 needs at least 100 training rows, got 60",
                "tags", "--data", train.toString(), "--k", "4,100", "--cache", cache.toString(), "--out", out);
        assertError(1, "zooter tags: error: " + train + " has no rows with split 'dev'; its splits are train",
                "tags", "--data", train.toString(), "--split", "dev", "--out", out);
        CliRunner method = CliRunner.run("tags", "--data", train.toString(), "--method", "instag", "--out", out);
        assertEquals(2, method.exitCode());
        assertTrue(method.err().contains("unknown method 'instag'; expected cluster or keywords"), method.err());
        assertTrue(Files.notExists(dir.resolve("x.jsonl")), "nothing is written when the command fails");
        CliRunner scheme = CliRunner.run("train", "--data", train.toString(), "--out", dir.resolve("r").toString(), "--tags", "cluster:abc");
        assertEquals(2, scheme.exitCode());
        assertTrue(scheme.err().contains("tag scheme 'cluster:abc': k must be a whole number >= 1, got 'abc'"), scheme.err());
        CliRunner unknown = CliRunner.run("bench", "--tags", "topics");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("unknown tag scheme 'topics'; expected data, subset, cluster:K[,K2...], keywords or none"), unknown.err());
    }

    @Test
    void helpListsTheMethodsAndTheTopLevelListsTheCommand() {
        CliRunner help = CliRunner.run("tags", "--help");
        assertEquals(0, help.exitCode());
        for (String s : List.of("Usage: zooter tags", "--method", "--k", "--split", "--replace", "--save-tagger", "--tagger", "c512:sql-join-query")) {
            assertTrue(help.out().contains(s), s + " in\n" + help.out());
        }
        assertTrue(CliRunner.run("--help").out().contains("tags"));
        assertTrue(CliRunner.run("train", "--help").out().contains("--tags=SCHEME"));
        assertTrue(CliRunner.run("bench", "--help").out().contains("--tags=SCHEME"));
    }

    private static List<String> clusterTags(RewardRecord row) {
        return row.tags().stream().filter(t -> t.startsWith("c4:") || t.startsWith("c8:")).toList();
    }

    private static void assertError(int code, String expected, String... args) {
        CliRunner r = CliRunner.run(args);
        assertEquals(code, r.exitCode(), r.out());
        assertEquals(expected, r.err().strip());
    }

    @Test
    void trainWithClusterTagsSavesTheTaggerThatTagsLikeTheTagsCommand() throws IOException {
        Path router = dir.resolve("router");
        // MiniLM frozen (head mode): every embedding is in the cache already, so only the head trains
        String[] common = {"--data", train.toString(), "--max-tokens", "24", "--epochs", "1", "--batch", "16", "--seed", "3",
                "--cache", cache.toString()};
        CliRunner r = CliRunner.run(concat(new String[]{"train", "--out", router.toString(), "--tags", "cluster:4,8"}, common));
        assertEquals(0, r.exitCode(), r.err());
        // fitted on the rows the router trains on: the 60 rows less train's validation hold-out (10%, seed 3)
        int fitted = dev.zooterj.data.Splits.trainValTest(RewardDatasetReader.read(train), 0.1, 0, 3).train().size();
        assertTrue(fitted < 60, "some rows are held out for validation");
        assertTrue(r.out().contains("tags cluster:4,8 fitted on the training share of the 60 rows (not the validation hold-out): "
                + fitted + " training rows; c4: 4 clusters"), r.out());
        assertTrue(r.out().contains(", tags=cluster:4,8"), r.out());
        JsonNode m = new ObjectMapper().readTree(router.resolve("router.json").toFile());
        assertEquals("cluster:4,8", m.path("tags").path("scheme").asText());
        assertEquals("tagger.bin", m.path("tags").path("tagger").asText());
        assertTrue(m.path("provenance").path("tags").asInt() <= 12, "tag means over the 4 + 8 cluster tags, not the data's own");
        assertTrue(Files.isRegularFile(router.resolve("tagger.bin")));

        Path plain = dir.resolve("plain-router");
        assertEquals(0, CliRunner.run(concat(new String[]{"train", "--out", plain.toString()}, common)).exitCode());
        JsonNode p = new ObjectMapper().readTree(plain.resolve("router.json").toFile());
        assertEquals("data", p.path("tags").path("scheme").asText());
        assertTrue(p.path("provenance").path("tags").asInt() > 12, "the simulated data's own tags are many more");
        assertTrue(Files.notExists(plain.resolve("tagger.bin")));

        Path viaRouter = dir.resolve("via-router.jsonl");
        CliRunner apply = CliRunner.run("tags", "--data", train.toString(), "--tagger", router.toString(), "--cache", cache.toString(),
                "--out", viaRouter.toString());
        assertEquals(0, apply.exitCode(), apply.err());
        assertEquals(fitted, m.path("tags").path("trainingRows").asInt());

        // the router's tagger tags every row exactly as the tags command does when it fits with the same settings on
        // the same rows: the router's fitting rows marked split "train", its validation hold-out "validation"
        var split = dev.zooterj.data.Splits.trainValTest(RewardDatasetReader.read(train), 0.1, 0, 3);
        List<RewardRecord> relabelled = new java.util.ArrayList<>(split.train().records());
        relabelled.addAll(split.validation().records());
        Path marked = dir.resolve("marked.jsonl");
        dev.zooterj.data.RewardDatasetWriter.write(new RewardDataset(split.train().models(), relabelled), marked);
        Path viaCommand = dir.resolve("via-command.jsonl");
        CliRunner fit = CliRunner.run("tags", "--data", marked.toString(), "--split", "train", "--method", "cluster", "--k", "4,8",
                "--seed", "3", "--max-tokens", "24", "--cache", cache.toString(), "--out", viaCommand.toString());
        assertEquals(0, fit.exitCode(), fit.err());
        assertTrue(fit.out().contains(fitted + " training rows"), fit.out());
        java.util.Map<String, List<String>> commandTags = new java.util.HashMap<>();
        RewardDatasetReader.read(viaCommand).records().forEach(row -> commandTags.put(row.id(), clusterTags(row)));
        List<RewardRecord> routerTagged = RewardDatasetReader.read(viaRouter).records();
        assertEquals(60, routerTagged.size());
        for (RewardRecord row : routerTagged) {
            assertEquals(commandTags.get(row.id()), clusterTags(row), row.id());
        }
        // the saved tagger re-applies deterministically, and gives every row one tag per granularity
        Path again = dir.resolve("via-router-again.jsonl");
        assertEquals(0, CliRunner.run("tags", "--data", train.toString(), "--tagger", router.toString(), "--cache", cache.toString(),
                "--out", again.toString()).exitCode());
        assertArrayEquals(Files.readAllBytes(viaRouter), Files.readAllBytes(again));
        for (var row : RewardDatasetReader.read(viaRouter).records()) {
            assertEquals(1, row.tags().stream().filter(t -> t.startsWith("c4:")).count(), row.tags().toString());
            assertEquals(1, row.tags().stream().filter(t -> t.startsWith("c8:")).count(), row.tags().toString());
        }
        CliRunner none = CliRunner.run("tags", "--data", train.toString(), "--tagger", plain.toString(), "--out", viaRouter.toString());
        assertEquals("zooter tags: error: the router in " + plain + " has no tagger: its training rows were not tagged by clusters or keywords",
                none.err().strip());
    }

    @Test
    void benchFitsTheTagsPerFoldAndReportsTheScheme() throws IOException {
        Path out = dir.resolve("bench");
        CliRunner r = CliRunner.run("bench", "--suite", "paper-sim", "--train-size", "60", "--per-subset", "1", "--epochs", "2",
                "--max-tokens", "24", "--knn", "0", "--no-hard-label", "--beta-sweep", "1", "--bootstrap", "50", "--tags", "cluster:4",
                "--cache", cache.toString(), "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("tags: cluster: k-means clusters of the pretrained MiniLM embeddings at k = 4"), r.out());
        java.util.regex.Matcher fit = java.util.regex.Pattern.compile("  tags cluster:4: (\\d+) training rows; c4: 4 clusters").matcher(r.out());
        assertTrue(fit.find(), r.out());
        int fitted = Integer.parseInt(fit.group(1));
        assertTrue(fitted > 40 && fitted < 60, "fitted on the 60 training rows less the routers' validation hold-out: " + fitted);
        JsonNode settings = new ObjectMapper().readTree(out.resolve("results.json").toFile()).path("settings");
        assertTrue(settings.path("tags").asText().startsWith("cluster: k-means clusters"), settings.toString());
        assertTrue(settings.path("tags fitted").asText().startsWith("4 distinct tags (" + fitted + " training rows; c4: 4 clusters"),
                settings.toString());
        assertTrue(settings.path("router").asText().endsWith(", tags=cluster:4"), settings.toString());
        String report = Files.readString(out.resolve("report.md"));
        assertTrue(report.contains("k-means clusters of the pretrained MiniLM embeddings at k = 4"), "report.md names the tags");
        assertTrue(r.out().contains("beta sweep (All MTR, lower is better): β=1.0 "), r.out());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
