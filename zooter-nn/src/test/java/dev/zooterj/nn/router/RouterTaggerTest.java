package dev.zooterj.nn.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.data.sim.SimulatedZoo;
import dev.zooterj.data.tags.DatasetTagger;
import dev.zooterj.data.tags.TagScheme;
import dev.zooterj.data.tags.TextEmbedder;
import dev.zooterj.data.tags.TrainingRows;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A router trained on cluster-tagged rows keeps its tagger; a tiny scratch encoder and a letter-count embedder keep it fast. */
class RouterTaggerTest {
    @TempDir
    static Path dir;
    static RewardDataset data;
    static DatasetTagger.Fitted tagged;
    static TrainedRouter trained;

    /** Letter counts: enough structure to cluster, no encoder needed. */
    static final TextEmbedder LETTERS = new TextEmbedder() {
        @Override
        public String encoder() {
            return "letters";
        }

        @Override
        public int maxTokens() {
            return 16;
        }

        @Override
        public int dimension() {
            return 26;
        }

        @Override
        public float[][] embed(List<String> texts) {
            float[][] out = new float[texts.size()][26];
            for (int i = 0; i < texts.size(); i++) {
                for (char c : texts.get(i).toLowerCase().toCharArray()) {
                    if (c >= 'a' && c <= 'z') {
                        out[i][c - 'a']++;
                    }
                }
            }
            return out;
        }
    };

    @BeforeAll
    static void train() {
        data = SimulatedZoo.generate(SimulatedZoo.Config.defaults().withTrainingQueries(40).withQueriesPerSubset(1)).training();
        TagScheme scheme = TagScheme.parse("cluster:3,6");
        tagged = DatasetTagger.fitAndApply(data, TrainingRows.all(), scheme, LETTERS, 5, false);
        trained = ZooterTrainer.train(tagged.data(), RouterStoreTest.tinySpec(7).withTags(scheme), "sim", "sha", null,
                new ZooterTrainer.Listener() { });
    }

    @Test
    void theTaggerIsSavedWithTheRouterAndLoadsBackToTheSameTags() throws IOException {
        Path p = dir.resolve("tagged");
        RouterStore.save(trained, p, tagged.tagger());
        assertTrue(Files.isRegularFile(p.resolve(RouterStore.TAGGER)));
        RouterStore.Loaded loaded = RouterStore.load(p);
        JsonNode tags = loaded.manifest().path("tags");
        assertEquals("cluster:3,6", tags.path("scheme").asText());
        assertEquals(RouterStore.TAGGER, tags.path("tagger").asText());
        assertEquals(40, tags.path("trainingRows").asInt());
        assertEquals(64, loaded.manifest().path("files").path(RouterStore.TAGGER).asText().length());
        assertEquals(TagScheme.parse("cluster:3,6"), RouterStore.tagScheme(loaded.manifest()));
        assertTrue(trained.spec().describe().endsWith(", tags=cluster:3,6"), trained.spec().describe());
        // tag means were fitted on the cluster tags: the router saw at most 3 + 6 distinct tags
        assertTrue(loaded.manifest().path("provenance").path("tags").asInt() <= 9);

        DatasetTagger back = RouterStore.tagger(p).orElseThrow();
        assertEquals(tagged.data().records(), back.apply(data, LETTERS, false).records());
    }

    @Test
    void aRouterTrainedOnItsOwnTagsHasNoTaggerAndSaysSo() throws IOException {
        TrainedRouter plain = ZooterTrainer.train(data, RouterStoreTest.tinySpec(7), "sim", "sha", null, new ZooterTrainer.Listener() { });
        Path p = dir.resolve("plain");
        RouterStore.save(plain, p);
        assertFalse(Files.exists(p.resolve(RouterStore.TAGGER)));
        JsonNode m = new ObjectMapper().readTree(p.resolve(RouterStore.MANIFEST).toFile());
        assertEquals("data", m.path("tags").path("scheme").asText());
        assertEquals(TagScheme.DATA, RouterStore.tagScheme(m));
        assertTrue(RouterStore.tagger(p).isEmpty());
        assertFalse(plain.spec().describe().contains("tags="), "the default leaves the description (and checkpoint fingerprints) as before");
        // a manifest from before tag schemes
        ((com.fasterxml.jackson.databind.node.ObjectNode) m).remove("tags");
        assertEquals(TagScheme.DATA, RouterStore.tagScheme(m));
    }

    @Test
    void aFittedSchemeWithoutItsTaggerOrWithAnotherIsRefused() {
        assertEquals("a router trained with cluster:3,6 tags needs its fitted tagger to be saved with it",
                assertThrows(IllegalArgumentException.class, () -> RouterStore.save(trained, dir.resolve("x"))).getMessage());
        DatasetTagger other = DatasetTagger.fitAndApply(data, TrainingRows.all(), TagScheme.parse("cluster:3"), LETTERS, 5, false).tagger();
        assertEquals("the tagger is for tags cluster:3 but the router was trained with tags cluster:3,6",
                assertThrows(IllegalArgumentException.class, () -> RouterStore.save(trained, dir.resolve("y"), other)).getMessage());
        assertFalse(Files.exists(dir.resolve("x")));
    }

    @Test
    void aTamperedTaggerIsRefusedWhenTheRouterLoads() throws IOException {
        Path p = dir.resolve("tampered");
        RouterStore.save(trained, p, tagged.tagger());
        byte[] t = Files.readAllBytes(p.resolve(RouterStore.TAGGER));
        t[t.length - 1] ^= 1;
        Files.write(p.resolve(RouterStore.TAGGER), t);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RouterStore.load(p)).getMessage()
                .contains("tagger.bin has changed since the router was saved"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RouterStore.tagger(p)).getMessage()
                .contains("tagger.bin has changed since the router was saved"));
    }

    @Test
    void theTagsChangeTheLabelsTheRouterLearns() {
        RewardRecord r = tagged.data().records().get(0);
        assertEquals(2, r.tags().size());
        assertTrue(r.tags().get(0).startsWith("c3:") && r.tags().get(1).startsWith("c6:"), r.tags().toString());
        var withClusters = dev.zooterj.core.label.TagEnhancedLabels.fit(dev.zooterj.core.label.LabelConfig.paper(), tagged.data().records());
        var withOwn = dev.zooterj.core.label.TagEnhancedLabels.fit(dev.zooterj.core.label.LabelConfig.paper(), data.records());
        assertFalse(java.util.Arrays.equals(withClusters.label(r), withOwn.label(data.records().get(0))));
    }
}
