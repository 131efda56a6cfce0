package dev.zooterj.nn.router;

import dev.zooterj.nn.encoder.BertEncoder;
import dev.zooterj.nn.tokenizer.WordPieceTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cluster tags embed with the router's own encoder path and share its embedding cache. */
class EncoderEmbedderTest {
    @Test
    void embedsLikeTheRouterAndFillsTheTrainersCache(@TempDir Path cache) {
        List<String> texts = List.of("Write a SQL join over two tables", "Bake bread with rye flour", "Write a SQL join over two tables");
        List<Integer> started = new ArrayList<>();
        ZooterTrainer.Listener l = new ZooterTrainer.Listener() {
            @Override
            public void embeddingStarted(int n) {
                started.add(n);
            }
        };
        FrozenEncoder frozen = FrozenEncoder.of("minilm");
        EncoderEmbedder e = new EncoderEmbedder(frozen, 32, cache, l);
        float[][] v = e.embed(texts);
        assertEquals(3, v.length);
        assertEquals(384, v[0].length);
        assertEquals(384, e.dimension());
        assertArrayEquals(v[0], v[2]);
        float[] direct = ZooterRouter.embed(texts.subList(1, 2), BertEncoder.miniLm(), WordPieceTokenizer.miniLm(), 32, null).toFloatVector();
        assertArrayEquals(direct, v[1], 1e-5f);
        // the trainer's cache file for this encoder now holds the two distinct texts
        // (MiniLM's cache key is the one used before encoders could be chosen, so old caches stay valid)
        assertEquals(ZooterTrainer.MINILM_IDENTITY + "|" + WordPieceTokenizer.miniLm().identity(), e.encoder());
        EmbeddingCache trainers = EmbeddingCache.open(cache, e.encoder(), 384);
        assertTrue(Files.isRegularFile(trainers.file()));
        assertEquals(0, trainers.countMissing(texts, 32));
        // a second embedder finds everything cached, and gives the very same floats
        float[][] again = EncoderEmbedder.miniLm(32, cache, l).embed(texts);
        assertArrayEquals(v[1], again[1]);
        assertEquals(List.of(2, 0), started);
        assertEquals(0, e.embed(List.of()).length);
    }

    @Test
    void maxTokensOutsideTheEncodersPositionsIsRefused() {
        assertEquals("max tokens must be in [2, 512] for minilm, got 1000",
                assertThrows(IllegalArgumentException.class, () -> EncoderEmbedder.miniLm(1000, null, null)).getMessage());
    }
}
