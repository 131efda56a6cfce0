package dev.zooterj.dl4j;

import dev.zooterj.nn.router.RouterStore;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.core.routing.Estimator;
import dev.zooterj.core.routing.Router;
import dev.zooterj.core.routing.RoutingDecision;
import dev.zooterj.data.sim.SimulatedZoo;
import dev.zooterj.nn.head.HeadConfig;
import dev.zooterj.nn.head.RoutingHead;
import dev.zooterj.nn.router.FittedRouter;
import dev.zooterj.nn.router.KindContext;
import dev.zooterj.nn.router.RouterKinds;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dl4j kind through the registry: fit, save, load by router.json's kind, the same decisions; a network trained by
 * the user on a {@link RewardDataSetIterator} imported as a router; a Zooter head exported to DL4J.
 */
class Dl4jKindTest {
    static final WordHashEmbedder EMBEDDER = new WordHashEmbedder(48);
    static RewardDataset train;
    static RewardDataset test;
    static KindContext context;

    @TempDir
    Path dir;

    @BeforeAll
    static void zoo() {
        SimulatedZoo zoo = SimulatedZoo.generate(SimulatedZoo.Config.defaults().withSeed(11).withTrainingQueries(400).withQueriesPerSubset(3));
        train = zoo.training();
        test = zoo.evaluation();
        context = KindContext.of(EMBEDDER).withProvenance("sim-11", "abc");
    }

    private static List<String> queries(RewardDataset d) {
        return d.records().stream().map(RewardRecord::query).toList();
    }

    @Test
    void theKindIsRegisteredAndRoundTripsThroughARouterDirectory() {
        assertTrue(RouterKinds.names().contains(Dl4jKind.NAME), RouterKinds.names().toString());
        FittedRouter f = RouterKinds.fit(Dl4jKind.NAME, train, Map.of("epochs", "5", "hidden", "16"), context);
        Path out = dir.resolve("r");
        f.save(out);
        assertEquals(Dl4jKind.NAME, RouterKinds.kindOf(out));
        Router loaded = RouterKinds.load(out, context);
        List<RoutingDecision> a = f.router().route(queries(test));
        List<RoutingDecision> b = loaded.route(queries(test));
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).model(), b.get(i).model());
            assertArrayEquals(a.get(i).distribution(), b.get(i).distribution(), 1e-6);
        }
        JsonNode m = RouterStore.manifest(out);
        assertEquals("trained by the dl4j router kind", m.path("provenance").path("source").asText());
        assertEquals("sim-11", m.path("provenance").path("dataset").asText());
        assertEquals("16", m.path("settings").path("hidden").asText());
        assertEquals(EMBEDDER.encoder(), m.path("embedder").path("encoder").asText());
        assertTrue(((Estimator) loaded).estimate(List.of("x")).get(0).values().length == train.models().size());
    }

    /** A network trained by the user (its own layers) on the iterator, imported, routes better than chance. */
    @Test
    void aUserTrainedNetworkBecomesARouter() {
        RewardDataSetIterator it = RewardDataSetIterator.builder(train).embeddings(EMBEDDER).batch(32).seed(5).build();
        MultiLayerNetwork net = Dl4jNetworks.router(it.inputColumns(), 32, it.totalOutcomes(), 3e-3, 0, 5);
        net.fit(it, 15);
        Path out = dir.resolve("imported");
        Dl4jRouters.importNetwork(net, it, "Dl4jKindTest", "sim-11", out);
        JsonNode m = RouterStore.manifest(out);
        assertEquals("Dl4jKindTest", m.path("provenance").path("source").asText());
        assertEquals(0.3, m.path("provenance").path("labels").path("beta").asDouble(), 0);
        Router r = RouterKinds.load(out, context);
        // it learned something: its mean routed reward on the training rows beats the average model's
        List<RoutingDecision> d = r.route(queries(train));
        double routed = 0;
        double average = 0;
        for (int i = 0; i < train.size(); i++) {
            double[] rw = train.records().get(i).rewards();
            routed += rw[train.modelIndex(d.get(i).model())];
            for (double v : rw) {
                average += v / rw.length;
            }
        }
        assertTrue(routed > average, "routed " + routed + " vs average " + average);
    }

    @Test
    void importFileTakesTheModelsAndEmbedderOfAnotherRouter() throws Exception {
        FittedRouter f = RouterKinds.fit(Dl4jKind.NAME, train, Map.of("epochs", "2"), context);
        Path like = dir.resolve("like");
        f.save(like);
        Path file = dir.resolve("net.zip");
        ModelSerializer.writeModel(((Dl4jRouter) f.router()).network(), file.toFile(), false);
        Path out = dir.resolve("out");
        Dl4jRouters.importFile(file, like, out);
        JsonNode m = RouterStore.manifest(out);
        assertTrue(m.path("provenance").path("source").asText().startsWith("imported from "), m.toString());
        assertEquals(64, m.path("provenance").path("sourceSha256").asText().length());
        List<RoutingDecision> a = f.router().route(queries(test));
        List<RoutingDecision> b = RouterKinds.load(out, context).route(queries(test));
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).model(), b.get(i).model());
        }

        // a network with the wrong number of outputs is refused, naming the file
        MultiLayerNetwork wrong = Dl4jNetworks.router(EMBEDDER.dimension(), 0, train.models().size() + 1, 1e-3, 0, 1);
        Path wrongFile = dir.resolve("wrong.zip");
        ModelSerializer.writeModel(wrong, wrongFile.toFile(), false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Dl4jRouters.importFile(wrongFile, like, dir.resolve("x")));
        assertTrue(e.getMessage().contains("wrong.zip") && e.getMessage().contains("outputs"), e.getMessage());
        assertTrue(!Files.exists(dir.resolve("x")));
        Path notAModel = dir.resolve("junk.zip");
        Files.writeString(notAModel, "junk");
        e = assertThrows(IllegalArgumentException.class, () -> Dl4jRouters.importFile(notAModel, like, dir.resolve("y")));
        assertTrue(e.getMessage().contains("junk.zip"), e.getMessage());
    }

    @Test
    void aChangedNetworkFileIsRefused() throws Exception {
        FittedRouter f = RouterKinds.fit(Dl4jKind.NAME, train, Map.of("epochs", "1"), context);
        Path out = dir.resolve("r");
        f.save(out);
        Files.write(out.resolve(Dl4jRouters.NETWORK), new byte[]{1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RouterKinds.load(out, context));
        assertTrue(e.getMessage().contains("has changed"), e.getMessage());
    }

    /** A Zooter head (linear and MLP) as a DL4J network: the same distribution to 1e-6 on the same embeddings. */
    @Test
    void headExportGivesTheSameOutputs() {
        SplittableRandom rng = new SplittableRandom(3);
        for (HeadConfig hc : List.of(HeadConfig.linear(), HeadConfig.mlp(12))) {
            RoutingHead head = RoutingHead.initialise(hc, 20, 5, 9);
            head.weights().values().forEach(w -> w.assign(Nd4j.rand(DataType.FLOAT, w.shape()).subi(0.5).muli(3)));
            MultiLayerNetwork net = Dl4jNetworks.fromHead(head);
            float[][] x = new float[64][20];
            for (float[] row : x) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = (float) rng.nextGaussian();
                }
            }
            INDArray in = Nd4j.createFromArray(x);
            double[][] logits = head.logits(in).castTo(DataType.DOUBLE).toDoubleMatrix();
            double[][] p = net.output(in, false).castTo(DataType.DOUBLE).toDoubleMatrix();
            for (int i = 0; i < x.length; i++) {
                double[] want = dev.zooterj.core.label.ProbabilityVectors.softmax(logits[i], 1);
                assertArrayEquals(want, p[i], 1e-6, hc + " row " + i);
            }
        }
    }
}
