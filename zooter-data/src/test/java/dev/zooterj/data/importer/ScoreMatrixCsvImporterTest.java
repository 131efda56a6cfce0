package dev.zooterj.data.importer;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.data.DatasetFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScoreMatrixCsvImporterTest {
    @TempDir
    Path dir;

    private Path write(String name, String... lines) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, List.of(lines));
        return f;
    }

    @Test
    void twoJudgeProtocolTakesRewardsAndScoresFromDifferentMatrices() throws IOException {
        Path queries = write("q.jsonl", "{\"id\": 0, \"dataset\": \"koala\", \"instruction\": \"Hi\"}",
                "{\"id\": 1, \"dataset\": \"oasst\", \"instruction\": \"Sort, a list\"}");
        Path ae2 = write("ae2.csv", "id,dataset,x,y,z", "0,koala,0.1,0.9,0.5", "1,oasst,0.7,0.2,0.4");
        Path ae1 = write("ae1.csv", "id,dataset,y,x", "1,oasst,0.5,1.0", "0,koala,1.0,0.0");
        var r = ScoreMatrixCsvImporter.importData(new ScoreMatrixCsvImporter.Options(ae2, ae1, null, queries, null, false));
        RewardDataset d = r.dataset();
        assertEquals(List.of("x", "y"), d.models(), "z has no column in the scores matrix");
        assertEquals(List.of("z"), r.poolNotInAllMatrices());
        assertArrayEquals(new double[]{0.1, 0.9}, d.records().get(0).rewards());
        assertArrayEquals(new double[]{0.0, 1.0}, d.records().get(0).scores(), "joined by id, not by row order");
        assertEquals("Sort, a list", d.records().get(1).query());
        assertEquals(List.of("oasst"), d.records().get(1).tags());
        assertEquals("oasst", d.records().get(1).subset());
    }

    @Test
    void emptyCellFailsByDefaultAndIsCountedWhenLenient() throws IOException {
        Path queries = write("q.jsonl", "{\"id\": 0, \"instruction\": \"a\"}", "{\"id\": 1, \"instruction\": \"b\"}");
        Path m = write("m.csv", "id,dataset,x,y", "0,s,0.1,", "1,s,0.3,0.2");
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> ScoreMatrixCsvImporter.importData(
                new ScoreMatrixCsvImporter.Options(m, null, null, queries, List.of("x", "y"), false)));
        assertEquals(2, e.line());
        assertEquals("y", e.field());
        assertTrue(e.problem().contains("--lenient"), e.problem());
        var r = ScoreMatrixCsvImporter.importData(new ScoreMatrixCsvImporter.Options(m, null, null, queries, List.of("x", "y"), true));
        assertEquals(1, r.dataset().size());
        assertEquals(1, r.report().rowsSkipped());
        // a pool that avoids the blank column keeps both rows
        var x = ScoreMatrixCsvImporter.importData(new ScoreMatrixCsvImporter.Options(m, null, null, queries, List.of("x"), false));
        assertEquals(2, x.dataset().size());
    }

    @Test
    void unknownPoolModelNamesTheHeader() throws IOException {
        Path queries = write("q.jsonl", "{\"id\": 0, \"instruction\": \"a\"}");
        Path m = write("m.csv", "id,dataset,x", "0,s,0.1");
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> ScoreMatrixCsvImporter.importData(
                new ScoreMatrixCsvImporter.Options(m, null, null, queries, List.of("gpt-5"), false)));
        assertEquals("gpt-5", e.field());
        assertTrue(e.problem().contains("[id, dataset, x]"), e.problem());
    }
}
