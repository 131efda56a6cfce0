package dev.zooterj.data.tags;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The schemes other than cluster, through {@link DatasetTagger}, and the choice of training rows. */
class TagSchemeApplicationTest {
    @TempDir
    Path dir;

    private static DatasetTagger.Fitted apply(RewardDataset data, TagScheme s) {
        return DatasetTagger.fitAndApply(data, TrainingRows.choose(data, null, "data"), s, null, 1, false);
    }

    @Test
    void dataSubsetAndNoneNeedNoEmbedder() {
        RewardDataset data = ClusterFixtures.dataset(3, 2, 1);
        assertEquals(data.records(), apply(data, TagScheme.DATA).data().records());
        for (RewardRecord r : apply(data, TagScheme.SUBSET).data().records()) {
            assertEquals(List.of(r.subset()), r.tags());
        }
        apply(data, TagScheme.NONE).data().records().forEach(r -> assertEquals(List.of(), r.tags()));
        RewardRecord noSubset = new RewardRecord("n", "q", null, List.of("a"), null, "train", new double[]{1, 2}, null, null);
        assertEquals(List.of(), apply(data.withRecords(List.of(noSubset)), TagScheme.SUBSET).data().records().get(0).tags());
    }

    @Test
    void keywordTagsComeFromTheTrainingVocabularyAndSurviveSaveAndLoad() {
        RewardDataset data = ClusterFixtures.dataset(12, 8, 2);
        DatasetTagger.Fitted f = apply(data, TagScheme.KEYWORDS);
        KeywordTagger k = f.tagger().keywords().orElseThrow();
        assertEquals(48, k.documents());
        long tagged = f.data().records().stream().filter(r -> !r.tags().isEmpty()).count();
        assertTrue(tagged > 40, tagged + " rows have keyword tags");
        f.data().records().forEach(r -> r.tags().forEach(t -> assertTrue(t.startsWith("kw:"), t)));
        Path file = dir.resolve("kw.tagger");
        f.tagger().save(file);
        DatasetTagger loaded = DatasetTagger.load(file);
        assertEquals(TagScheme.KEYWORDS, loaded.scheme());
        assertEquals(f.data().records(), loaded.apply(data, null, false).records());
    }

    @Test
    void clusterTagsWithoutAnEmbedderIsAClearError() {
        RewardDataset data = ClusterFixtures.dataset(3, 0, 3);
        assertEquals("cluster tags need a text embedder",
                assertThrows(IllegalArgumentException.class, () -> apply(data, TagScheme.parse("cluster:2"))).getMessage());
    }

    @Test
    void trainingRowsAreTheTrainSplitOrEveryRowOfUnsplitData() {
        RewardDataset split = ClusterFixtures.dataset(2, 3, 4);
        TrainingRows t = TrainingRows.choose(split, null, "f.jsonl");
        assertEquals("train", t.split());
        assertEquals(8, t.count(split));
        RewardDataset unsplit = split.withRecords(split.records().stream().map(r -> r.withSplit(null)).toList());
        assertEquals(11, TrainingRows.choose(unsplit, null, "f.jsonl").count(unsplit));
        assertEquals("all rows (the data has no split field)", TrainingRows.choose(unsplit, null, "f.jsonl").description());
        assertEquals(3, TrainingRows.choose(split, "test", "f.jsonl").count(split));
    }

    @Test
    void anUnknownOrMissingTrainingSplitIsAClearError() {
        RewardDataset split = ClusterFixtures.dataset(2, 3, 5);
        assertEquals("f.jsonl has no rows with split 'dev'; its splits are test, train",
                assertThrows(IllegalArgumentException.class, () -> TrainingRows.choose(split, "dev", "f.jsonl")).getMessage());
        RewardDataset noTrain = split.withRecords(split.records().stream().map(r -> r.withSplit("train".equals(r.split()) ? "fit" : r.split())).toList());
        assertEquals("f.jsonl has splits fit, test but none is 'train': name the training split with --split NAME",
                assertThrows(IllegalArgumentException.class, () -> TrainingRows.choose(noTrain, null, "f.jsonl")).getMessage());
        assertEquals(8, TrainingRows.choose(noTrain, "fit", "f.jsonl").count(noTrain));
    }
}
