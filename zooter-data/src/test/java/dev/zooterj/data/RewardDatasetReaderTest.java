package dev.zooterj.data;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RewardDatasetReaderTest {
    private static final String GOOD1 = "{\"id\":\"q1\",\"query\":\"Write a haiku\",\"tags\":[\"poem\"],\"subset\":\"writing\","
            + "\"rewards\":{\"a\":1.5,\"b\":-0.5},\"scores\":{\"a\":7,\"b\":4},\"cost\":{\"a\":120,\"b\":80}}";
    private static final String GOOD2 = "{\"id\":\"q2\",\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},"
            + "{\"role\":\"user\",\"content\":\"Sum 2+2\"}],\"rewards\":{\"b\":0.25,\"a\":0.75}}";

    @TempDir
    Path dir;

    private Path file(String... lines) throws IOException {
        Path f = dir.resolve("data.jsonl");
        Files.write(f, List.of(lines));
        return f;
    }

    private DatasetFormatException fails(String... lines) throws IOException {
        Path f = file(lines);
        return assertThrows(DatasetFormatException.class, () -> RewardDatasetReader.read(f));
    }

    @Test
    void readsQueriesChatsAndOptionalFieldsInDeclaredModelOrder() throws IOException {
        RewardDataset d = RewardDatasetReader.read(file(GOOD1, "", GOOD2));
        assertEquals(List.of("a", "b"), d.models());
        RewardRecord chat = d.records().get(1);
        assertEquals("Sum 2+2", chat.query(), "the first user turn is what a router reads");
        assertArrayEquals(new double[]{0.75, 0.25}, chat.rewards(), "columns follow the declared order, not the row's");
        assertNull(chat.scores());
        assertEquals(List.of(), chat.tags());
        assertArrayEquals(new double[]{7, 4}, d.records().get(0).scores());
        assertArrayEquals(new double[]{120, 80}, d.records().get(0).cost());
    }

    @Test
    void corruptedLineNamesFileAndLine() throws IOException {
        DatasetFormatException e = fails(GOOD1, "{\"id\":\"q2\", \"query\": \"x\", \"rewards\": {\"a\": 1, ");
        assertEquals(2, e.line());
        assertTrue(e.getMessage().startsWith(dir.resolve("data.jsonl") + ":2: malformed JSON"), e.getMessage());
    }

    @Test
    void nanRewardIsRejectedWithTheModelField() throws IOException {
        DatasetFormatException e = fails(GOOD1, "{\"id\":\"q2\",\"query\":\"x\",\"rewards\":{\"a\":NaN,\"b\":1}}");
        assertEquals(2, e.line());
        assertEquals("rewards.a", e.field());
        assertEquals("expected a finite number, got NaN", e.problem());
    }

    @Test
    void duplicateIdPointsAtTheFirstOccurrence() throws IOException {
        DatasetFormatException e = fails(GOOD1, GOOD1);
        assertEquals(2, e.line());
        assertEquals("id", e.field());
        assertEquals("duplicate id 'q1' (first on line 1)", e.problem());
    }

    @Test
    void missingModelIsReportedWithTheDeclaredSet() throws IOException {
        DatasetFormatException e = fails(GOOD1, "{\"id\":\"q2\",\"query\":\"x\",\"rewards\":{\"a\":1}}");
        assertEquals("rewards", e.field());
        assertEquals("missing model [b]; every row must cover the declared models [a, b]", e.problem());
    }

    @Test
    void unknownModelWrongTypesAndEmptyQueryAreRejected() throws IOException {
        assertEquals("rewards.c", fails(GOOD1, "{\"id\":\"q2\",\"query\":\"x\",\"rewards\":{\"a\":1,\"b\":2,\"c\":3}}").field());
        DatasetFormatException type = fails("{\"id\":\"q2\",\"query\":\"x\",\"rewards\":{\"a\":\"high\"}}");
        assertEquals("expected a number, got string \"high\"", type.problem());
        assertEquals("id", fails("{\"id\":7,\"query\":\"x\",\"rewards\":{\"a\":1}}").field());
        assertEquals("query", fails("{\"id\":\"q\",\"query\":\"  \",\"rewards\":{\"a\":1}}").field());
        assertEquals("query", fails("{\"id\":\"q\",\"rewards\":{\"a\":1}}").field());
        assertEquals("tags", fails("{\"id\":\"q\",\"query\":\"x\",\"tags\":\"poem\",\"rewards\":{\"a\":1}}").field());
        assertEquals("messages", fails("{\"id\":\"q\",\"messages\":[{\"role\":\"system\",\"content\":\"x\"}],\"rewards\":{\"a\":1}}").field());
        assertEquals("scores", fails("{\"id\":\"q\",\"query\":\"x\",\"rewards\":{\"a\":1},\"scores\":[1]}").field());
    }

    @Test
    void declaredModelsOverrideTheFirstRow() throws IOException {
        Path f = file(GOOD1);
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> RewardDatasetReader.read(f, ReadOptions.strict().withModels(List.of("a", "b", "c"))));
        assertEquals("missing model [c]; every row must cover the declared models [a, b, c]", e.problem());
    }

    @Test
    void lenientModeSkipsBadRowsAndCountsThemByReason() throws IOException {
        Path f = file(GOOD1, "not json", "{\"id\":\"q3\",\"query\":\"x\",\"rewards\":{\"a\":NaN,\"b\":1}}",
                "{\"id\":\"q4\",\"query\":\"x\",\"rewards\":{\"a\":Infinity,\"b\":1}}", GOOD1, GOOD2);
        RewardDatasetReader.Result r = RewardDatasetReader.read(f, ReadOptions.lenientRows());
        assertEquals(2, r.dataset().size());
        assertEquals(6, r.report().rowsRead());
        assertEquals(4, r.report().rowsSkipped());
        assertEquals(1L, r.report().skippedByReason().get("rewards: expected a finite number, got NaN"),
                r.report().skippedByReason().toString());
        assertEquals(1L, r.report().skippedByReason().get("malformed JSON"));
        assertEquals(1L, r.report().skippedByReason().get("id: duplicate id '…' (first on line N)"));
        assertTrue(r.report().summary().contains("skipped 4"), r.report().summary());
        assertTrue(r.report().examples().get(0).contains(":2: malformed JSON"), r.report().examples().toString());
    }

    @Test
    void writtenFilesAreReadableByOthersLikeAnyFile() throws IOException {
        Path f = dir.resolve("out.jsonl");
        RewardDatasetWriter.write(RewardDatasetReader.read(file(GOOD1)), f);
        if (Files.getFileStore(f).supportsFileAttributeView("posix")) {
            assertTrue(Files.getPosixFilePermissions(f).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ));
        }
    }

    @Test
    void missingFileAndEmptyFileGiveClearErrors() throws IOException {
        DatasetFormatException missing = assertThrows(DatasetFormatException.class,
                () -> RewardDatasetReader.read(dir.resolve("nope.jsonl")));
        assertTrue(missing.getMessage().endsWith("nope.jsonl: file not found"), missing.getMessage());
        Path empty = file();
        assertTrue(assertThrows(DatasetFormatException.class, () -> RewardDatasetReader.read(empty))
                .getMessage().contains("no rows"));
    }
}
