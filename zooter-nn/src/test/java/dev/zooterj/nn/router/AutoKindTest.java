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
        Tuning.Candidate top = t.candidates().stream().max(java.util.Comparator.comparingDouble(Tuning.Candidate::score)).orElseThrow();
        if (t.selection().isEmpty()) {
            assertEquals(top.score(), t.best().score(), "without the one-standard-error rule the best score is kept");
        } else {
            assertEquals(0, t.chosen(), "the rule keeps the first candidate: " + t.selection());
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
    void crossValidatesSmallTrainingSetsAndHoldsOutOnLargeOnes() {
        RewardDataset train = KindFixtures.rows("tr-", "train", 20, 20, 20);
        Tuning small = new AutoKind().fit(train, Map.of("candidates", "knn,cluster_best", "cvBelow", "61"), KindFixtures.context())
                .tuning().orElseThrow();
        assertEquals(3, small.folds(), "60 rows are below 61: cross-validation");
        assertEquals(train.size(), small.validationRows());
        Tuning large = new AutoKind().fit(train, Map.of("candidates", "knn,cluster_best", "cvBelow", "60"), KindFixtures.context())
                .tuning().orElseThrow();
        assertEquals(1, large.folds(), "60 rows are not below 60: one hold-out");
        assertEquals(12, large.validationRows(), "the default 20 % of 60 rows, stratified");
        Tuning always = new AutoKind().fit(train, Map.of("candidates", "knn,cluster_best", "cvBelow", "0"), KindFixtures.context())
                .tuning().orElseThrow();
        assertEquals(3, always.folds(), "cvBelow 0: as folds says");
        assertEquals(AutoKind.DEFAULT_CV_BELOW, new AutoKind().defaults().cvBelow());
    }

    @Test
    void theFirstCandidateIsKeptUnlessTheBestBeatsItByMoreThanOneStandardError() {
        List<RewardRecord> records = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            records.add(new RewardRecord("r" + i, "q" + i, null, List.of(), "s", "train", new double[]{0, 0}, new double[]{0, 0}, null));
        }
        RewardDataset rows = new RewardDataset(List.of("m0", "m1"), records);
        double[] first = new double[30];
        double[] oneWin = new double[30];
        oneWin[0] = 1;
        double[] fiveWins = new double[30];
        java.util.Arrays.fill(fiveWins, 0, 5, 1);
        // one row of 30 better: the gain 1/30 equals the standard error of the paired difference, sqrt(var/n) = 1/30
        List<Tuning.Candidate> table = List.of(candidate("task_best", 0), candidate("knn", 1.0 / 30));
        AutoKind.Selection kept = AutoKind.oneStandardError(rows, new double[][]{first, oneWin}, table, 1, KindFixtures.context());
        assertEquals(0, kept.chosen());
        assertTrue(kept.text().contains("first candidate kept") && kept.text().contains("knn"), kept.text());
        // five rows of 30: the gain 1/6 is above its standard error sqrt((1/6)(5/6)·30/29 / 30) = 0.069
        table = List.of(candidate("task_best", 0), candidate("knn", 5.0 / 30));
        AutoKind.Selection replaced = AutoKind.oneStandardError(rows, new double[][]{first, fiveWins}, table, 1, KindFixtures.context());
        assertEquals(1, replaced.chosen());
        assertEquals("", replaced.text());
        // the first failed: the plain best
        table = List.of(candidate("task_best", Double.NaN), candidate("knn", 1.0 / 30));
        assertEquals(1, AutoKind.oneStandardError(rows, new double[][]{null, oneWin}, table, 1, KindFixtures.context()).chosen());
    }

    private static Tuning.Candidate candidate(String kind, double score) {
        return new Tuning.Candidate(Map.of("kind", kind), score, "");
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
