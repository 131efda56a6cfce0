package dev.zooterj.nn.router;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zooterj.core.routing.Router;
import dev.zooterj.core.routing.RoutingDecision;
import dev.zooterj.data.tags.TextEmbedder;
import dev.zooterj.nn.tokenizer.WordPieceTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedding kinds use the {@code --encoder} choice: recorded in router.json and loaded back with it. */
class KindEncoderChoiceTest {
    @TempDir
    Path dir;

    @Test
    void theDefaultContextEmbedsWithMiniLmUnderItsOldIdentity() {
        KindContext c = KindContext.miniLm(64, null);
        // the identity routers and caches were keyed by before encoders could be chosen
        assertEquals(ZooterTrainer.MINILM_IDENTITY + "|" + WordPieceTokenizer.miniLm().identity(), c.embedder().encoder());
        assertEquals(384, c.embedder().dimension());
        assertEquals(FrozenEncoder.DEFAULT, c.encoder().name());
    }

    @Test
    void aChosenEncoderIsTheContextsEmbedder() {
        FrozenEncoder zh = FrozenEncoder.of("bge-small-zh");
        KindContext c = KindContext.of(zh, 32, null);
        assertEquals(zh.identity(), c.embedder().encoder());
        assertEquals(512, c.embedder().dimension());
        assertEquals(32, c.embedder().maxTokens());
        assertFalse(zh.loaded(), "the weights are read only when something is embedded");
    }

    @Test
    void aSavedRoutersEncoderIsFoundByItsIdentity() {
        FrozenEncoder pair = FrozenEncoder.of("minilm+bge-small-zh");
        TextEmbedder e = KindContext.miniLm(256, null).embedderFor(pair.identity(), 24, dir);
        assertEquals(pair.identity(), e.encoder());
        assertEquals(24, e.maxTokens());
        assertEquals(384 + 512, e.dimension());
    }

    @Test
    void anIdentityThisBuildLacksIsRefusedNamingIt() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> KindContext.miniLm(256, null).embedderFor("other.onnx@x:y:1|tok", 24, dir));
        assertTrue(e.getMessage().startsWith(dir + ": the router was fitted on embeddings of other.onnx@x:y:1|tok"), e.getMessage());
        assertTrue(e.getMessage().contains("is not in this build"), e.getMessage());
    }

    /** A real pretrained encoder end to end (bge-small-zh: the smallest, 4 layers), on 36 short rows. */
    @Test
    void knnOnAChosenEncoderRecordsItAndRoutesIdenticallyAfterLoading() throws Exception {
        FrozenEncoder zh = FrozenEncoder.of("bge-small-zh");
        FittedRouter f = RouterKinds.fit("knn", RouterKindsTest.TRAIN, Map.of("k", "3"), KindContext.of(zh, 16, null));
        Path p = dir.resolve("knn");
        f.save(p);
        JsonNode m = RouterStore.JSON.readTree(p.resolve(RouterStore.MANIFEST).toFile());
        assertEquals("bge-small-zh", m.path("embedder").path("name").asText());
        assertEquals(zh.identity(), m.path("embedder").path("encoder").asText());
        assertEquals(512, m.path("embedder").path("dimension").asInt());
        assertEquals(16, m.path("embedder").path("maxTokens").asInt());
        // loaded through a default (MiniLM) context: the router's own encoder is used
        Router loaded = RouterKinds.load(p, KindContext.miniLm(256, null));
        List<RoutingDecision> before = f.router().route(RouterKindsTest.QUERIES);
        assertEquals(before, loaded.route(RouterKindsTest.QUERIES));
    }
}
