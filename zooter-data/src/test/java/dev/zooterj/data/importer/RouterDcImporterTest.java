package dev.zooterj.data.importer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RouterDcImporterTest {
    @TempDir
    Path dir;

    @Test
    void keepsDatasetAsSubsetAndTagAndTheSplit() throws IOException {
        Path f = dir.resolve("r.jsonl");
        Files.write(f, List.of(
                "{\"source_file\":\"gsm8k_train.json\",\"dataset\":\"gsm8k\",\"split\":\"train\",\"idx\":0,\"question\":\"2+2?\",\"scores\":{\"m/a\":1.0,\"m/b\":0.25}}",
                "{\"source_file\":\"gsm8k_test.json\",\"dataset\":\"gsm8k\",\"split\":\"test\",\"idx\":0,\"question\":\"3+3?\",\"scores\":{\"m/b\":0.5,\"m/a\":0.0}}"));
        var r = RouterDcImporter.importData(f, false);
        assertEquals(List.of("m/a", "m/b"), r.dataset().models());
        assertEquals("gsm8k/test/0", r.dataset().records().get(1).id());
        assertEquals("test", r.dataset().records().get(1).split());
        assertEquals(List.of("gsm8k"), r.dataset().records().get(1).tags());
        assertArrayEquals(new double[]{0.0, 0.5}, r.dataset().records().get(1).rewards());
    }

    @Test
    void duplicateIdIsAnError() throws IOException {
        Path f = dir.resolve("r.jsonl");
        String line = "{\"dataset\":\"d\",\"split\":\"train\",\"idx\":3,\"question\":\"q\",\"scores\":{\"a\":1}}";
        Files.write(f, List.of(line, line));
        var e = assertThrows(dev.zooterj.data.DatasetFormatException.class, () -> RouterDcImporter.importData(f, false));
        assertEquals(2, e.line());
    }
}
