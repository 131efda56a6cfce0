package dev.zooterj.nn.router;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.core.routing.RoutingMetric;
import dev.zooterj.data.Splits;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TunerTest {
    static final RewardDataset TRAIN = KindFixtures.rows("tr-", "train", 20, 20, 20);

    @Test
    void combinationsVaryTheLastSettingFastest() {
        Map<String, List<String>> grid = new java.util.LinkedHashMap<>();
        grid.put("k", List.of("1", "2"));
        grid.put("alpha", List.of("0", "5"));
        assertEquals(List.of(Map.of("k", "1", "alpha", "0"), Map.of("k", "1", "alpha", "5"), Map.of("k", "2", "alpha", "0"),
                Map.of("k", "2", "alpha", "5")), Tuner.combinations(grid));
    }

    @Test
    void theChoiceIsTheBestValidationScoreAndEveryCandidateIsRecorded() {
        ClusterBestKind kind = new ClusterBestKind();
        Map<String, List<String>> grid = new java.util.LinkedHashMap<>();
        grid.put("k", List.of("1", "3"));
        grid.put("alpha", List.of("0", "1000"));
        FittedRouter f = Tuner.tune(kind, kind.defaults(), grid, 0.25, TRAIN, KindFixtures.context(), null);
        Tuning t = f.tuning().orElseThrow();
        assertEquals(4, t.candidates().size());
        // recompute each candidate's validation score by hand on the same hold-out
        Splits.TrainValTest split = Splits.trainValTest(TRAIN, 0.25, 0, 42);
        assertEquals(split.validation().size(), t.validationRows());
        for (Tuning.Candidate c : t.candidates()) {
            var r = kind.fit(split.train(), kind.defaults().with(c.settings()), KindFixtures.context()).router();
            assertEquals(RoutingMetric.macroMean(r, split.validation()), c.score(), 1e-12, c.settings().toString());
        }
        // only k = 3 without shrinkage separates the topics: every routed answer scores 1
        assertEquals(Map.of("k", "3", "alpha", "0"), t.best().settings());
        assertEquals(1.0, t.best().score(), 1e-12);
        assertTrue(t.candidates().get(0).score() < 1, "k = 1 routes every topic to one model");
        // refitted on all the training rows with the chosen settings
        assertEquals(3, ((ClusterBestKind.Settings) f.settings()).k());
    }

    @Test
    void aCandidateThatCannotBeFittedIsRecordedAndSkipped() {
        KnnKind kind = new KnnKind();
        ClusterBestKind clusters = new ClusterBestKind();
        FittedRouter f = Tuner.tune(clusters, clusters.defaults().with("alpha", "0"), Map.of("k", List.of("3", "500")), 0.25, TRAIN,
                KindFixtures.context(), null);
        Tuning t = f.tuning().orElseThrow();
        assertTrue(Double.isNaN(t.candidates().get(1).score()));
        assertTrue(t.candidates().get(1).note().contains("500 clusters"), t.candidates().get(1).note());
        assertEquals(0, t.chosen());
        assertEquals(10, kind.defaults().k());
    }

    @Test
    void theTunedRouterDependsOnTheTrainingRowsOnly() {
        // the tuner is given training rows only; two runs with the same rows and seed give the same choice and router
        KnnKind kind = new KnnKind();
        FittedRouter a = Tuner.tune(kind, kind.defaults(), TRAIN, KindFixtures.context(), null);
        FittedRouter b = Tuner.tune(kind, kind.defaults(), TRAIN, KindFixtures.context(), null);
        assertEquals(a.tuning().orElseThrow().candidates(), b.tuning().orElseThrow().candidates());
        List<String> q = KindFixtures.rows("te-", "test", 2, 2, 2).records().stream().map(RewardRecord::query).toList();
        assertEquals(a.router().route(q), b.router().route(q));
    }

    @Test
    void crossValidationScoresEveryTrainingRowOnceByTheFitThatDidNotSeeIt() {
        crossValidationByHand(Map.of());
    }

    @Test
    void theValidationObjectiveWeighsSubsetsAsTheContextSays() {
        // "chat" weighs nothing and "math" double: the candidates' scores are the weighted means of the same choices
        crossValidationByHand(Map.of("chat", 0.0, "math", 2.0));
    }

    private static void crossValidationByHand(Map<String, Double> weights) {
        // task_best cross-validates; recompute each candidate's pooled out-of-fold macro mean by hand
        TaskBestKind kind = new TaskBestKind();
        assertTrue(kind.validationFolds() > 1);
        KindContext context = KindFixtures.context().withSubsetWeights(weights);
        FittedRouter f = Tuner.tune(kind, kind.defaults(), TRAIN, context, null);
        Tuning t = f.tuning().orElseThrow();
        assertEquals(kind.validationFolds(), t.folds());
        assertEquals(TRAIN.size(), t.validationRows());
        assertEquals(Tuner.combinations(kind.validationGrid()).size(), t.candidates().size());
        var folds = Splits.kFold(TRAIN, kind.validationFolds(), kind.defaults().seed());
        for (Tuning.Candidate c : t.candidates()) {
            Map<String, Double> byId = new java.util.HashMap<>();
            for (var fold : folds) {
                var r = kind.fit(fold.train(), kind.defaults().with(c.settings()), context).router();
                for (RewardRecord row : fold.test().records()) {
                    byId.put(row.id(), row.evaluationScores()[r.route(row.query()).chosen()]);
                }
            }
            assertEquals(TRAIN.size(), byId.size(), "every row scored once");
            double[] values = TRAIN.records().stream().mapToDouble(row -> byId.get(row.id())).toArray();
            Map<String, double[]> sums = new java.util.TreeMap<>();
            for (int i = 0; i < values.length; i++) {
                double[] acc = sums.computeIfAbsent(TRAIN.records().get(i).subset(), k -> new double[2]);
                acc[0] += values[i];
                acc[1]++;
            }
            double num = 0;
            double den = 0;
            for (var e : sums.entrySet()) {
                double w = weights.getOrDefault(e.getKey(), 1.0);
                num += w * e.getValue()[0] / e.getValue()[1];
                den += w;
            }
            assertEquals(num / den, c.score(), 1e-12, c.settings().toString());
        }
        assertTrue(t.describe().contains("3-fold cross-validation"), t.describe());
    }
}
