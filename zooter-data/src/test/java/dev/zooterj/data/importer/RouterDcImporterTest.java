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
        // a generation task: the metric is the stored fraction of correct samples, as is
        assertArrayEquals(new double[]{0.0, 0.5}, r.dataset().records().get(1).scores());
    }

    @Test
    void multipleChoiceScoresAreBinarisedAndRewardsKeepTheRawValue() throws IOException {
        Path f = dir.resolve("r.jsonl");
        Files.write(f, List.of(
                "{\"dataset\":\"mmlu\",\"split\":\"test\",\"idx\":0,\"question\":\"q\",\"scores\":{\"a\":0.31,\"b\":0.0,\"c\":1e-9}}",
                "{\"dataset\":\"ceval\",\"split\":\"ood_test\",\"idx\":0,\"question\":\"q\",\"scores\":{\"a\":0.0,\"b\":0.72,\"c\":0.0}}",
                "{\"dataset\":\"mbpp\",\"split\":\"ood_test\",\"idx\":0,\"question\":\"q\",\"scores\":{\"a\":0.3,\"b\":0.0,\"c\":1.0}}"));
        var d = RouterDcImporter.importData(f, false).dataset();
        assertArrayEquals(new double[]{1, 0, 1}, d.records().get(0).scores());
        assertArrayEquals(new double[]{0.31, 0.0, 1e-9}, d.records().get(0).rewards());
        assertArrayEquals(new double[]{0, 1, 0}, d.records().get(1).scores());
        assertArrayEquals(new double[]{0.3, 0.0, 1.0}, d.records().get(2).scores());
        assertArrayEquals(new double[]{0.3, 0.0, 1.0}, d.records().get(2).rewards());
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
