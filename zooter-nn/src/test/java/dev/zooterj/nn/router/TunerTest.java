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

    /** Routes every query to one model, the setting {@code model}; cross-validates over the models. */
    private record Always(int model, long seed) implements KindSettings<Always> {
        @Override
        public Map<String, String> values() {
            return Map.of("model", String.valueOf(model));
        }

        @Override
        public Always with(String name, String value) {
            if (!name.equals("model")) {
                throw KindSettings.unknown("always", name, values());
            }
            return new Always(Integer.parseInt(value), seed);
        }
    }

    private static RouterKind<Always> always(int defaultModel, List<String> grid) {
        return new RouterKind<>() {
            public String name() {
                return "always";
            }

            public String description() {
                return "one model for every query";
            }

            public Always defaults() {
                return new Always(defaultModel, 42);
            }

            public Map<String, List<String>> validationGrid() {
                return Map.of("model", grid);
            }

            public int validationFolds() {
                return 3;
            }

            public FittedRouter fit(RewardDataset train, Always s, KindContext context) {
                List<String> models = train.models();
                dev.zooterj.core.routing.Router r = new dev.zooterj.core.routing.Router() {
                    public List<String> models() {
                        return models;
                    }

                    public dev.zooterj.core.routing.RoutingDecision route(String q) {
                        double[] d = new double[models.size()];
                        d[s.model()] = 1;
                        return new dev.zooterj.core.routing.RoutingDecision(models, d, s.model());
                    }
                };
                return new FittedRouter() {
                    Tuning tuning;

                    public String kind() {
                        return "always";
                    }

                    public dev.zooterj.core.routing.Router router() {
                        return r;
                    }

                    public KindSettings<?> settings() {
                        return s;
                    }

                    public String summary() {
                        return "always " + s.model();
                    }

                    public java.util.Optional<Tuning> tuning() {
                        return java.util.Optional.ofNullable(tuning);
                    }

                    public FittedRouter withTuning(Tuning t) {
                        tuning = t;
                        return this;
                    }

                    public void save(java.nio.file.Path dir) {
                        throw new UnsupportedOperationException();
                    }
                };
            }

            public dev.zooterj.core.routing.Router load(java.nio.file.Path dir, com.fasterxml.jackson.databind.JsonNode manifest,
                                                        KindContext context) {
                throw new UnsupportedOperationException();
            }
        };
    }

    /** 30 rows of one subset; model 0 scores {@code m0[i % 3]}, model 1 scores 1 on the rows in {@code m1Wins} else as model 0. */
    private static RewardDataset scored(java.util.function.IntPredicate m1Wins, java.util.function.IntToDoubleFunction m0) {
        List<RewardRecord> rows = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            double a = m0.applyAsDouble(i);
            rows.add(new RewardRecord("r" + i, "q" + i, null, List.of(), "s", "train", new double[]{a, m1Wins.test(i) ? 1 : a},
                    new double[]{a, m1Wins.test(i) ? 1 : a}, null));
        }
        return new RewardDataset(List.of("m0", "m1"), rows);
    }

    @Test
    void theDefaultIsKeptWhenTheBestBeatsItByNoMoreThanOneStandardError() {
        // model 1 wins one row of 30 (0 → 1): the gain 1/30 equals the standard error of the paired difference,
        // sqrt(var(d)/n) with d one 1 and 29 zeros: sqrt((1/30)(29/30)·30/29 / 30) = 1/30
        RewardDataset rows = scored(i -> i == 0, i -> 0);
        double se = RoutingMetric.macroMeanStandardError(rows, rows.records().stream().mapToDouble(r -> r.id().equals("r0") ? 1 : 0).toArray(),
                Map.of());
        assertEquals(1.0 / 30, se, 1e-12);
        Tuning kept = Tuner.tune(always(0, List.of("0", "1")), always(0, List.of("0", "1")).defaults(), rows, KindFixtures.context(), null)
                .tuning().orElseThrow();
        assertEquals(0, kept.chosen(), "the default, model 0");
        assertEquals(1.0 / 30, kept.candidates().get(1).score() - kept.candidates().get(0).score(), 1e-12);
        assertTrue(kept.selection().contains("within one standard error"), kept.selection());
        assertTrue(kept.describe().contains("kept of 2"), kept.describe());
        // five rows of 30: the gain 1/6 is more than its standard error (sqrt((1/6)(5/6)·30/29 / 30) = 0.069): model 1
        RewardDataset clear = scored(i -> i < 5, i -> 0);
        Tuning replaced = Tuner.tune(always(0, List.of("0", "1")), always(0, List.of("0", "1")).defaults(), clear, KindFixtures.context(), null)
                .tuning().orElseThrow();
        assertEquals(1, replaced.chosen());
        assertEquals("", replaced.selection());
        // the default not among the candidates: the plain best
        Tuning noDefault = Tuner.tune(always(0, List.of("1")), always(0, List.of("1")).defaults(), rows, KindFixtures.context(), null)
                .tuning().orElseThrow();
        assertEquals(0, noDefault.chosen());
        assertEquals("1", noDefault.best().settings().get("model"));
    }

    @Test
    void theObjectiveATunedRouterWasChosenByIsInItsRouterJson(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        KindContext weighted = KindFixtures.context().withSubsetWeights(Map.of("chat", 0.0, "math", 2.0));
        ClusterBestKind clusters = new ClusterBestKind();
        FittedRouter held = Tuner.tune(clusters, clusters.defaults(), Map.of("k", List.of("1", "3")), 0.25, TRAIN, weighted, null);
        TaskBestKind tasks = new TaskBestKind();
        FittedRouter crossValidated = Tuner.tune(tasks, tasks.defaults(), TRAIN, weighted, null);
        for (FittedRouter f : List.of(held, crossValidated)) {
            assertEquals(Map.of("chat", 0.0, "math", 2.0), f.tuning().orElseThrow().objective());
            java.nio.file.Path d = dir.resolve(f.kind());
            f.save(d);
            var weights = RouterStore.JSON.readTree(d.resolve(RouterStore.MANIFEST).toFile()).path("tuning").path("subsetWeights");
            assertEquals(0.0, weights.path("chat").asDouble(-1), f.kind());
            assertEquals(2.0, weights.path("math").asDouble(-1), f.kind());
        }
        FittedRouter plain = Tuner.tune(clusters, clusters.defaults(), Map.of("k", List.of("1", "3")), 0.25, TRAIN, KindFixtures.context(), null);
        plain.save(dir.resolve("plain"));
        assertTrue(RouterStore.JSON.readTree(dir.resolve("plain").resolve(RouterStore.MANIFEST).toFile()).path("tuning")
                .path("subsetWeights").isMissingNode(), "the plain macro mean names no weights");
    }
}
