package dev.zooterj.nn.router;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AutoKindTest {
    @Test
    void keepsTheBestCandidateOnValidationAndRecordsTheTable(@TempDir Path dir) throws Exception {
        RewardDataset train = KindFixtures.rows("tr-", "train", 20, 20, 20);
        AutoKind kind = new AutoKind();
        FittedRouter f = kind.fit(train, Map.of("candidates", "knn,cluster_best,expected_score"),
                KindFixtures.context().withProvenance("train.jsonl", "ab12"));
        Tuning t = f.tuning().orElseThrow();
        assertEquals(3, t.candidates().size());
        assertEquals(3, t.folds(), "the kind is chosen by 3-fold cross-validation by default");
        assertEquals(train.size(), t.validationRows(), "every training row is scored once, out of fold");
        for (Tuning.Candidate c : t.candidates()) {
            assertTrue(t.best().score() >= c.score(), c.toString());
        }
        String chosen = t.best().settings().get("kind");
        assertEquals(chosen, ((AutoKind.Fitted) f).chosen().kind());
        Path p = dir.resolve("auto");
        f.save(p);
        assertEquals(AutoKind.NAME, RouterKinds.kindOf(p));
        assertEquals(chosen, AutoKind.chosenKind(p));
        String manifest = Files.readString(p.resolve(RouterStore.MANIFEST));
        assertTrue(manifest.contains("\"candidates\"") && manifest.contains("\"chosen\" : true"), manifest);
        var provenance = RouterStore.JSON.readTree(manifest).path("provenance");
        assertEquals("ab12", provenance.path("datasetSha256").asText(), "the data hash is carried up from the chosen router");
        assertEquals("train.jsonl", provenance.path("dataset").asText());
        assertEquals(train.size(), provenance.path("rows").asInt());
        List<String> q = KindFixtures.rows("te-", "test", 3, 3, 3).records().stream().map(RewardRecord::query).toList();
        assertEquals(f.router().route(q), RouterKinds.load(p, KindFixtures.context()).route(q));
    }

    @Test
    void candidatesMustBeRegisteredKindsOtherThanAuto() {
        AutoKind kind = new AutoKind();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> kind.defaults().with("candidates", "knn,nope"));
        assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> kind.defaults().with("candidates", "auto"));
        assertTrue(RouterKinds.names().containsAll(AutoKind.DEFAULT_CANDIDATES));
    }

    @Test
    void oneHoldOutIsStillAvailableAndScoresOnlyTheHeldOutRows() {
        RewardDataset train = KindFixtures.rows("tr-", "train", 20, 20, 20);
        FittedRouter f = new AutoKind().fit(train, Map.of("candidates", "knn,cluster_best", "folds", "1", "validation", "0.25"),
                KindFixtures.context());
        Tuning t = f.tuning().orElseThrow();
        assertEquals(1, t.folds());
        assertTrue(t.validationRows() < train.size() / 2, "a quarter held out: " + t.validationRows());
    }
}
