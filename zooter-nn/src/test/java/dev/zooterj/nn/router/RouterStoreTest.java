package dev.zooterj.nn.router;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.label.LabelConfig;
import dev.zooterj.core.routing.RoutingDecision;
import dev.zooterj.data.sim.SimulatedZoo;
import dev.zooterj.nn.encoder.BertConfig;
import dev.zooterj.nn.head.HeadConfig;
import dev.zooterj.nn.train.TrainingConfig;
import dev.zooterj.nn.train.TrainingMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Save → load → identical decisions, and every way a router directory can be bad. Uses a tiny scratch encoder. */
class RouterStoreTest {
    @TempDir
    static Path dir;
    static TrainedRouter trained;
    static List<String> queries;

    static RouterSpec tinySpec(long seed) {
        return new RouterSpec(RouterSpec.SCRATCH, BertConfig.small(30522, 16, 1), TrainingMode.SCRATCH, HeadConfig.mlp(8),
                LabelConfig.paper(), new TrainingConfig(1, 8, 1e-3, 1e-4, 0.1, 1.0, seed, 0.2, 0), 16, true, null);
    }

    @BeforeAll
    static void trainTinyRouter() {
        SimulatedZoo zoo = SimulatedZoo.generate(SimulatedZoo.Config.defaults().withTrainingQueries(40).withQueriesPerSubset(1));
        RewardDataset data = zoo.training();
        trained = ZooterTrainer.train(data, tinySpec(7), "sim", "sha", null, new ZooterTrainer.Listener() { });
        queries = zoo.evaluation().records().stream().map(r -> r.query()).toList();
    }

    private Path saved(String name) {
        Path p = dir.resolve(name);
        RouterStore.save(trained, p);
        return p;
    }

    @Test
    void aRouterSavedBeforeKindsExistedLoadsAsZooter() throws IOException {
        Path p = saved("legacy");
        com.fasterxml.jackson.databind.node.ObjectNode m =
                (com.fasterxml.jackson.databind.node.ObjectNode) RouterStore.JSON.readTree(p.resolve(RouterStore.MANIFEST).toFile());
        assertEquals("zooter", m.path("kind").asText());
        m.remove("kind");
        Files.writeString(p.resolve(RouterStore.MANIFEST), m.toString());
        assertEquals("zooter", RouterKinds.kindOf(p));
        dev.zooterj.core.routing.Router r = RouterKinds.load(p, KindContext.miniLm(16, null));
        assertTrue(r instanceof ZooterRouter, r.getClass().toString());
        assertEquals(trained.router().route(queries), r.route(queries));
    }

    @Test
    void theZooterKindFitsSavesAndLoadsThroughTheRegistry() throws IOException {
        SimulatedZoo zoo = SimulatedZoo.generate(SimulatedZoo.Config.defaults().withTrainingQueries(40).withQueriesPerSubset(1));
        FittedRouter f = new ZooterKind().fit(zoo.training(), new ZooterKind.Settings(tinySpec(7)).with("beta", "0.5"),
                KindContext.miniLm(16, null));
        Path p = dir.resolve("kind");
        f.save(p);
        String manifest = Files.readString(p.resolve(RouterStore.MANIFEST));
        assertTrue(manifest.contains("\"kind\" : \"zooter\""), manifest);
        assertTrue(manifest.contains("\"beta\" : \"0.5\""), manifest);
        assertEquals(0.5, RouterStore.labels(RouterStore.load(p).manifest()).beta());
        assertEquals(f.router().route(queries), RouterKinds.load(p, KindContext.miniLm(16, null)).route(queries));
    }

    @Test
    void saveThenLoadRoutesIdenticallyAndKeepsProvenance() {
        Path p = saved("ok");
        RouterStore.Loaded loaded = RouterStore.load(p);
        List<RoutingDecision> before = trained.router().route(queries);
        List<RoutingDecision> after = loaded.router().route(queries);
        for (int i = 0; i < queries.size(); i++) {
            assertEquals(before.get(i).model(), after.get(i).model());
            assertArrayEquals(before.get(i).distribution(), after.get(i).distribution(), 0.0);
        }
        assertEquals("sha", loaded.manifest().path("provenance").path("datasetSha256").asText());
        assertEquals(7, loaded.manifest().path("provenance").path("seed").asLong());
        assertEquals(1, loaded.manifest().path("curve").size());
        assertEquals(0.3, RouterStore.labels(loaded.manifest()).beta());
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().contains(".tmp-")), "no temporary directory is left");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void sameSeedSameDataGivesTheSameRouter() {
        SimulatedZoo zoo = SimulatedZoo.generate(SimulatedZoo.Config.defaults().withTrainingQueries(40).withQueriesPerSubset(1));
        TrainedRouter again = ZooterTrainer.train(zoo.training(), tinySpec(7), "sim", "sha", null, new ZooterTrainer.Listener() { });
        assertArrayEquals(trained.router().route(queries.get(0)).distribution(), again.router().route(queries.get(0)).distribution(), 0.0);
    }

    @Test
    void concurrentCallersGetTheSameDecisionsAsOneCaller() throws Exception {
        List<RoutingDecision> sequential = new ArrayList<>();
        for (String q : queries) {
            sequential.add(trained.router().route(q));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<RoutingDecision>> futures = new ArrayList<>();
            for (int rep = 0; rep < 3; rep++) {
                for (String q : queries) {
                    futures.add(pool.submit(() -> trained.router().route(q)));
                }
            }
            for (int i = 0; i < futures.size(); i++) {
                RoutingDecision d = futures.get(i).get();
                assertArrayEquals(sequential.get(i % queries.size()).distribution(), d.distribution(), 1e-6);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aTamperedWeightsFileIsRefused() throws IOException {
        Path p = saved("tampered");
        byte[] head = Files.readAllBytes(p.resolve(RouterStore.HEAD));
        head[head.length - 1] ^= 1;
        Files.write(p.resolve(RouterStore.HEAD), head);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RouterStore.load(p));
        assertTrue(e.getMessage().contains("head.bin has changed since the router was saved"), e.getMessage());
    }

    @Test
    void aManifestThatDisagreesWithTheWeightsSaysWhatDiffers() throws IOException {
        Path p = saved("models");
        Path m = p.resolve(RouterStore.MANIFEST);
        String json = Files.readString(m).replace("\"sim-chat-3b\",", "");
        Files.writeString(m, json);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RouterStore.load(p));
        assertTrue(e.getMessage().contains("does not fit 5 models"), e.getMessage());

        Path f = saved("format");
        Files.writeString(f.resolve(RouterStore.MANIFEST), Files.readString(f.resolve(RouterStore.MANIFEST))
                .replace(RouterStore.FORMAT, "zooter-router/99"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RouterStore.load(f)).getMessage()
                .contains("format 'zooter-router/99', this version reads zooter-router/1"));
    }

    @Test
    void duplicateOrNonTextModelNamesAreRefusedNamingTheField() throws IOException {
        Path p = saved("duplicates");
        Path m = p.resolve(RouterStore.MANIFEST);
        String original = Files.readString(m);
        String second = trained.router().models().get(1);
        String third = trained.router().models().get(2);
        // same count, so the head still fits: only the names are wrong
        Files.writeString(m, original.replace("\"" + third + "\"", "\"" + second + "\""));
        String msg = assertThrows(IllegalArgumentException.class, () -> RouterStore.load(p)).getMessage();
        assertTrue(msg.contains("router.json: field 'models[2]': duplicate model name '" + second + "' (also models[1])"), msg);

        Files.writeString(m, original.replace("\"" + third + "\"", "null"));
        msg = assertThrows(IllegalArgumentException.class, () -> RouterStore.load(p)).getMessage();
        assertTrue(msg.contains("field 'models[2]': expected a non-blank model name, got null"), msg);
    }

    @Test
    void missingPartsAndForeignDirectoriesAreNamed() throws IOException {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RouterStore.load(dir.resolve("nope")))
                .getMessage().contains("not found"));
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RouterStore.load(empty))
                .getMessage().contains("router.json is missing"));
        Path noEncoder = saved("noencoder");
        Files.delete(noEncoder.resolve(RouterStore.ENCODER));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RouterStore.load(noEncoder))
                .getMessage().contains("encoder.bin is missing"));
        Path foreign = Files.createDirectories(dir.resolve("foreign"));
        Files.writeString(foreign.resolve("notes.txt"), "mine");
        assertThrows(java.io.UncheckedIOException.class, () -> RouterStore.save(trained, foreign));
        assertTrue(Files.exists(foreign.resolve("notes.txt")), "a directory that is not a router is never replaced");
    }
}
