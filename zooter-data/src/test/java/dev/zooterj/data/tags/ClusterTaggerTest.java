package dev.zooterj.data.tags;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterTaggerTest {
    @TempDir
    Path dir;

    private static final TagScheme TWO_LEVELS = TagScheme.parse("cluster:4,10");

    private static DatasetTagger.Fitted fit(RewardDataset data, long seed) {
        return DatasetTagger.fitAndApply(data, TrainingRows.choose(data, null, "data"), TWO_LEVELS, new ClusterFixtures.HashEmbedder(), seed, false);
    }

    @Test
    void everyRowGetsOneTagPerGranularityNamedAfterItsTopic() {
        RewardDataset data = ClusterFixtures.dataset(30, 20, 1);
        DatasetTagger.Fitted f = fit(data, 7);
        ClusterTagger c = f.tagger().clusters().orElseThrow();
        assertEquals(List.of(4, 10), c.ks());
        assertEquals(120, f.tagger().trainingRows());
        Map<String, Map<String, Integer>> topicsOfTag = new HashMap<>();
        for (RewardRecord r : f.data().records()) {
            assertEquals(2, r.tags().size(), r.toString());
            assertTrue(r.tags().get(0).startsWith("c4:") && r.tags().get(1).startsWith("c10:"), r.tags().toString());
            topicsOfTag.computeIfAbsent(r.tags().get(0), t -> new HashMap<>()).merge(r.subset(), 1, Integer::sum);
        }
        // at k = 4 the clusters are the topics, and each is named with its topic's words
        assertEquals(4, topicsOfTag.size(), topicsOfTag.toString());
        for (Map.Entry<String, Map<String, Integer>> e : topicsOfTag.entrySet()) {
            assertEquals(1, e.getValue().size(), e.toString());
            String topic = e.getValue().keySet().iterator().next();
            for (String word : e.getKey().substring(3).split("-")) {
                assertTrue(ClusterFixtures.TOPICS.get(topic).contains(word), word + " in " + e.getKey() + " for " + topic);
            }
        }
    }

    @Test
    void trainingRowsTagAsTheClusterTheyWereFittedIn() {
        RewardDataset data = ClusterFixtures.dataset(25, 0, 2);
        DatasetTagger.Fitted f = fit(data, 3);
        for (ClusterTagger.Granularity g : f.tagger().clusters().orElseThrow().granularities()) {
            int level = g.k() == 4 ? 0 : 1;
            int[] counted = new int[g.k()];
            for (RewardRecord r : f.data().records()) {
                counted[g.names().indexOf(r.tags().get(level))]++;
            }
            assertArrayEquals(g.trainingSizes(), counted, "k = " + g.k());
        }
    }

    @Test
    void theSameSeedGivesTheSameTaggerFile() throws IOException {
        RewardDataset data = ClusterFixtures.dataset(20, 8, 3);
        fit(data, 5).tagger().save(dir.resolve("a.tagger"));
        fit(data, 5).tagger().save(dir.resolve("b.tagger"));
        fit(data, 6).tagger().save(dir.resolve("c.tagger"));
        assertArrayEquals(Files.readAllBytes(dir.resolve("a.tagger")), Files.readAllBytes(dir.resolve("b.tagger")));
        assertNotEquals(Arrays.toString(Files.readAllBytes(dir.resolve("a.tagger"))), Arrays.toString(Files.readAllBytes(dir.resolve("c.tagger"))),
                "the k = 10 clustering depends on the seed");
    }

    @Test
    void aSavedTaggerLoadsAndGivesTheSameTags() throws IOException {
        RewardDataset data = ClusterFixtures.dataset(20, 12, 4);
        DatasetTagger.Fitted f = fit(data, 9);
        Path file = dir.resolve("sub/tagger.bin");
        f.tagger().save(file);
        String header = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().findFirst().orElseThrow();
        assertTrue(header.startsWith("{\"format\":\"zooter-tagger/1\",\"scheme\":\"cluster:4,10\""), header);
        DatasetTagger loaded = DatasetTagger.load(file);
        assertEquals(TWO_LEVELS, loaded.scheme());
        assertEquals(9, loaded.seed());
        assertEquals(80, loaded.trainingRows());
        assertEquals(f.tagger().clusters().orElseThrow().vocabulary(), loaded.clusters().orElseThrow().vocabulary());
        RewardDataset again = loaded.apply(data, new ClusterFixtures.HashEmbedder(), false);
        assertEquals(f.data().records(), again.records());
        loaded.save(dir.resolve("resaved.bin"));
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(dir.resolve("resaved.bin")));
        try (var files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList(), "no temporary file is left");
        }
    }

    @Test
    void onlyTrainingRowsShapeTheTagger() throws IOException {
        RewardDataset data = ClusterFixtures.dataset(20, 12, 5);
        RewardDataset otherTests = ClusterFixtures.dataset(20, 30, 5);  // the same training rows, more and other test rows
        List<RewardRecord> reordered = new ArrayList<>(otherTests.records());
        java.util.Collections.reverse(reordered);
        DatasetTagger.Fitted a = fit(data, 1);
        DatasetTagger.Fitted b = fit(otherTests.withRecords(reordered), 1);
        a.tagger().save(dir.resolve("a.bin"));
        b.tagger().save(dir.resolve("b.bin"));
        assertArrayEquals(Files.readAllBytes(dir.resolve("a.bin")), Files.readAllBytes(dir.resolve("b.bin")));
        Map<String, List<String>> tagsB = new HashMap<>();
        b.data().records().forEach(r -> tagsB.put(r.id(), r.tags()));
        for (RewardRecord r : a.data().records()) {
            if ("train".equals(r.split())) {
                assertEquals(r.tags(), tagsB.get(r.id()), r.id());
            }
        }
    }

    @Test
    void tagsAreAddedToTheRecordsOwnOrReplaceThem() {
        RewardDataset data = ClusterFixtures.dataset(10, 4, 6);
        TagScheme s = TagScheme.parse("cluster:4");
        RewardDataset kept = DatasetTagger.fitAndApply(data, TrainingRows.all(), s, new ClusterFixtures.HashEmbedder(), 1, true).data();
        RewardDataset replaced = DatasetTagger.fitAndApply(data, TrainingRows.all(), s, new ClusterFixtures.HashEmbedder(), 1, false).data();
        for (int i = 0; i < data.size(); i++) {
            RewardRecord before = data.records().get(i);
            List<String> expected = new ArrayList<>(before.tags());
            expected.addAll(replaced.records().get(i).tags());
            assertEquals(expected, kept.records().get(i).tags());
            assertEquals(1, replaced.records().get(i).tags().size());
            assertArrayEquals(before.rewards(), replaced.records().get(i).rewards());
            assertEquals(before.split(), replaced.records().get(i).split());
        }
    }

    @Test
    void eachTextIsEmbeddedOnce() {
        RewardDataset data = ClusterFixtures.dataset(10, 6, 7);
        ClusterFixtures.HashEmbedder e = new ClusterFixtures.HashEmbedder();
        DatasetTagger.fitAndApply(data, TrainingRows.choose(data, null, "d"), TWO_LEVELS, e, 1, false);
        assertEquals(46, e.embedded.get());
    }

    @Test
    void moreClustersThanTrainingRowsIsAClearError() {
        RewardDataset data = ClusterFixtures.dataset(3, 40, 8);
        ClusterFixtures.HashEmbedder embedder = new ClusterFixtures.HashEmbedder();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DatasetTagger.fitAndApply(data,
                TrainingRows.choose(data, null, "d"), TagScheme.parse("cluster:4,16"), embedder, 1, false));
        assertEquals("cluster:16 needs at least 16 training rows, got 12", e.getMessage());
        assertEquals(0, embedder.embedded.get(), "refused before any embedding work");
    }

    @Test
    void aTaggerRefusesEmbeddingsOfAnotherEncoder() {
        RewardDataset data = ClusterFixtures.dataset(10, 0, 9);
        DatasetTagger t = fit(data, 1).tagger();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> t.apply(data, new ClusterFixtures.HashEmbedder("other-encoder"), false));
        assertEquals("this tagger was fitted on embeddings of hash-bow (64 tokens, 48-d), not of other-encoder (64 tokens, 48-d)", e.getMessage());
    }

    @Test
    void aDamagedTaggerFileIsRefusedWithWhatIsWrong() throws IOException {
        Path file = dir.resolve("t.bin");
        fit(ClusterFixtures.dataset(10, 0, 10), 1).tagger().save(file);
        byte[] good = Files.readAllBytes(file);

        byte[] flipped = good.clone();
        flipped[flipped.length - 3] ^= 0x10;
        Files.write(file, flipped);
        assertEquals(file + ": the centroids do not match the checksum in the header (the file was altered)", loadError(file));

        Files.write(file, Arrays.copyOf(good, good.length - 8));
        assertTrue(loadError(file).startsWith(file + ": " + (good.length - 8 - headerLength(good) - 1) + " bytes of centroids, the header says"),
                loadError(file));

        Files.writeString(file, "{\"id\": \"q1\", \"query\": \"hi\"}\n");
        assertTrue(loadError(file).contains("format ''"), loadError(file));

        Files.writeString(file, "not json");
        assertEquals(file + ": not a tagger file (expected a JSON header line, then the centroids)", loadError(file));

        assertEquals("tagger file " + dir.resolve("missing.bin") + " not found", loadError(dir.resolve("missing.bin")));

        String text = new String(good, StandardCharsets.ISO_8859_1).replace("\"scheme\":\"cluster:4,10\"", "\"scheme\":\"cluster:4,x\"");
        Files.write(file, text.getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(loadError(file).startsWith(file + ": field 'scheme': tag scheme 'cluster:4,x'"), loadError(file));
    }

    private static int headerLength(byte[] file) {
        int i = 0;
        while (file[i] != '\n') {
            i++;
        }
        return i;
    }

    private static String loadError(Path file) {
        return assertThrows(IllegalArgumentException.class, () -> DatasetTagger.load(file)).getMessage();
    }

    @Test
    void namesAreUniqueAcrossAGranularity() {
        DatasetTagger.Fitted f = fit(ClusterFixtures.dataset(30, 0, 11), 2);
        for (ClusterTagger.Granularity g : f.tagger().clusters().orElseThrow().granularities()) {
            Set<String> names = new HashSet<>(g.names());
            assertEquals(g.k(), names.size());
            names.forEach(n -> assertTrue(n.matches("c" + g.k() + ":[a-z0-9]+(-[a-z0-9]+)*"), n));
        }
    }
}
