package dev.zooterj.nn.router;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class EmbeddingCacheTest {
    private static INDArray fake(List<String> texts, List<String> log) {
        log.addAll(texts);
        float[][] v = new float[texts.size()][3];
        for (int i = 0; i < texts.size(); i++) {
            v[i][0] = texts.get(i).length();
            v[i][1] = texts.get(i).hashCode() % 100;
            v[i][2] = 1;
        }
        return Nd4j.create(v);
    }

    @Test
    void computesEachTextOnceAndSharesTheFileWithinTheJvm(@TempDir Path dir) {
        List<String> computed = new ArrayList<>();
        EmbeddingCache a = EmbeddingCache.open(dir, "enc", 3);
        INDArray first = a.embed(List.of("x", "yy", "x"), 16, t -> fake(t, computed));
        assertEquals(List.of("x", "yy"), computed, "duplicates are computed once");
        EmbeddingCache b = EmbeddingCache.open(dir, "enc", 3);
        assertSame(a, b, "a second router on the same cache sees the same entries");
        INDArray again = b.embed(List.of("yy", "x"), 16, t -> fake(t, computed));
        assertEquals(2, computed.size(), "nothing new computed");
        assertEquals(first.getRow(1), again.getRow(0));
        b.embed(List.of("x"), 8, t -> fake(t, computed));
        assertEquals(3, computed.size(), "another truncation length is another key");
    }

    @Test
    void aTornLastRecordIsIgnoredOnLoad(@TempDir Path dir) throws IOException {
        EmbeddingCache writer = EmbeddingCache.open(dir.resolve("w"), "enc", 3);
        writer.embed(List.of("a", "b"), 16, t -> fake(t, new ArrayList<>()));
        Path copy = dir.resolve("copy");
        Files.createDirectories(copy);
        Path target = copy.resolve(writer.file().getFileName());
        Files.copy(writer.file(), target);
        Files.write(target, new byte[]{1, 2, 3, 4, 5}, StandardOpenOption.APPEND);   // a crash mid-append
        EmbeddingCache reader = EmbeddingCache.open(copy, "enc", 3);
        assertEquals(2, reader.loadedRecords());
        List<String> computed = new ArrayList<>();
        reader.embed(List.of("a", "b"), 16, t -> fake(t, computed));
        assertEquals(List.of(), computed);
        assertEquals(5, reader.tornBytesDropped());
        // appends after the cut stay aligned: a fresh open (another JVM) reads the old and the new records back
        reader.embed(List.of("c"), 16, t -> fake(t, computed));
        assertEquals(List.of("c"), computed);
        assertEquals(3L * (32 + 4 * 3), Files.size(target));
    }
}
