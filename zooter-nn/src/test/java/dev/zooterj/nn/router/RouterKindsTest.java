package dev.zooterj.nn.router;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.core.routing.Router;
import dev.zooterj.core.routing.RoutingDecision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The registry: every kind fits, saves and loads through one door; legacy and unknown kinds. */
class RouterKindsTest {
    @TempDir
    Path dir;

    static final RewardDataset TRAIN = KindFixtures.rows("tr-", "train", 12, 12, 12);
    static final List<String> QUERIES = KindFixtures.rows("te-", "test", 3, 3, 3).records().stream().map(RewardRecord::query).toList();

    @Test
    void theRegistryListsTheKinds() {
        assertEquals(List.of("zooter", "knn", "task_best", "cluster_best", "expected_score", "hierarchical", "best_single", "auto"),
                RouterKinds.names());
    }

    @Test
    void unknownKindNamesTheAvailableOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> RouterKinds.get("expected_scores"));
        assertEquals("unknown router kind 'expected_scores'; available kinds are [zooter, knn, task_best, cluster_best, expected_score, "
                + "hierarchical, best_single, auto]", e.getMessage());
    }

    @Test
    void unknownSettingNamesTheKindsSettings() {
        var e = assertThrows(IllegalArgumentException.class, () -> new ClusterBestKind().defaults().with("K", "3"));
        assertEquals("cluster_best has no setting 'K'; its settings are [k, alpha, weighting, seed]", e.getMessage());
        var bad = assertThrows(IllegalArgumentException.class, () -> new KnnKind().defaults().with("k", "ten"));
        assertEquals("setting 'k': expected an integer, got 'ten'", bad.getMessage());
    }

    @Test
    void everyEmbeddingKindRoutesIdenticallyAfterSaveAndLoad() {
        for (String kind : List.of("knn", "task_best", "cluster_best")) {
            Map<String, String> settings = kind.equals("cluster_best") ? Map.of("k", "3", "alpha", "1") : Map.of("k", "3");
            if (kind.equals("task_best")) {
                settings = Map.of();
            }
            FittedRouter f = RouterKinds.fit(kind, TRAIN, settings, KindFixtures.context());
            Path p = dir.resolve(kind);
            f.save(p);
            assertEquals(kind, RouterKinds.kindOf(p));
            Router loaded = RouterKinds.load(p, KindFixtures.context());
            List<RoutingDecision> before = f.router().route(QUERIES);
            List<RoutingDecision> after = loaded.route(QUERIES);
            assertEquals(before, after, kind);
            // every one of these learns the topic → best model map of the fixture
            for (int i = 0; i < QUERIES.size(); i++) {
                assertEquals(KindFixtures.best(i / 3), after.get(i).chosen(), kind + " on " + QUERIES.get(i));
            }
            String manifest = read(p.resolve(RouterStore.MANIFEST));
            assertTrue(manifest.contains("\"kind\" : \"" + kind + "\""), manifest);
            assertTrue(manifest.contains("\"encoder\" : \"toy:"), manifest);
        }
    }

    @Test
    void theZooterStoreRefusesAnotherKindsDirectory() {
        FittedRouter f = RouterKinds.fit("cluster_best", TRAIN, Map.of("k", "3"), KindFixtures.context());
        Path p = dir.resolve("clusters");
        f.save(p);
        var e = assertThrows(IllegalArgumentException.class, () -> RouterStore.load(p));
        assertEquals(p + " holds a cluster_best router, not a zooter one: load it with RouterKinds.load", e.getMessage());
    }

    @Test
    void aChangedArraysFileIsRefused() throws Exception {
        FittedRouter f = RouterKinds.fit("knn", TRAIN, Map.of("k", "3"), KindFixtures.context());
        Path p = dir.resolve("knn");
        f.save(p);
        Files.write(p.resolve(EmbeddingRouterStore.ARRAYS), new byte[]{1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        var e = assertThrows(IllegalArgumentException.class, () -> RouterKinds.load(p, KindFixtures.context()));
        assertTrue(e.getMessage().contains("has changed since the router was saved"), e.getMessage());
    }

    @Test
    void aRouterNamingAnUnknownKindIsAnErrorNamingTheFieldAndTheKinds() throws Exception {
        FittedRouter f = RouterKinds.fit("knn", TRAIN, Map.of("k", "3"), KindFixtures.context());
        Path p = dir.resolve("knn");
        f.save(p);
        ObjectNode m = (ObjectNode) RouterStore.JSON.readTree(p.resolve(RouterStore.MANIFEST).toFile());
        m.put("kind", "magic");
        Files.writeString(p.resolve(RouterStore.MANIFEST), m.toString());
        var e = assertThrows(IllegalArgumentException.class, () -> RouterKinds.load(p, KindFixtures.context()));
        assertTrue(e.getMessage().endsWith("router.json: field 'kind': unknown router kind 'magic'; available kinds are "
                + "[zooter, knn, task_best, cluster_best, expected_score, hierarchical, best_single, auto]"), e.getMessage());
    }

    @Test
    void aRouterFittedOnOtherEmbeddingsIsRefusedWithBothNames() {
        FittedRouter f = RouterKinds.fit("knn", TRAIN, Map.of("k", "3"), KindFixtures.context());
        Path p = dir.resolve("knn");
        f.save(p);
        KindContext other = KindContext.of(new ToyEmbedder(List.of("x", "y")));
        var e = assertThrows(IllegalArgumentException.class, () -> RouterKinds.load(p, other));
        assertTrue(e.getMessage().contains("fitted on embeddings of toy:[math, code, chat]"), e.getMessage());
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
