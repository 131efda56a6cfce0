package dev.zooterj.nn.router;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.core.routing.Estimate;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskBestKindTest {
    @Test
    void separableTopicsAreRecognisedAndGetTheirBestModel() {
        RewardDataset train = KindFixtures.rows("tr-", "train", 10, 10, 10);
        List<String> queries = KindFixtures.rows("te-", "test", 4, 4, 4).records().stream().map(RewardRecord::query).toList();
        FittedRouter f = RouterKinds.fit("task_best", train, Map.of(), KindFixtures.context());
        var decisions = f.router().route(queries);
        for (int i = 0; i < queries.size(); i++) {
            assertEquals(KindFixtures.best(i / 4), decisions.get(i).chosen(), queries.get(i));
        }
        assertTrue(f.summary().contains("training accuracy of the task classifier 1.000"), f.summary());
    }

    @Test
    void theTableIsTheTrainingMeanOfTheMetricNotTheRewards() {
        // one topic where the rewards prefer model a but the metric prefers model b
        List<RewardRecord> rows = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            rows.add(new RewardRecord("r" + i, "math q" + i, null, List.of(), "math", "train", new double[]{0.9, 0.1, 0},
                    new double[]{0, i < 4 ? 1 : 0, 0.5}, null));
        }
        RewardDataset train = new RewardDataset(KindFixtures.MODELS, rows);
        FittedRouter f = RouterKinds.fit("task_best", train, Map.of(), KindFixtures.context());
        var router = (dev.zooterj.core.routing.EstimatingRouter) f.router();
        Estimate e = router.estimator().estimate(List.of("math new")).get(0);
        assertEquals(Estimate.Kind.EXPECTED_SCORES, e.kind());
        assertArrayEquals(new double[]{0, 4.0 / 6, 0.5}, e.values(), 1e-7);   // stored as float32
        assertEquals("b", f.router().route("math new").model());
    }

    @Test
    void everyFeatureSetRecognisesSeparableTopicsAndRoutesTheSameAfterSaveAndLoad(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        RewardDataset train = KindFixtures.rows("tr-", "train", 10, 10, 10);
        List<String> queries = KindFixtures.rows("te-", "test", 4, 4, 4).records().stream().map(RewardRecord::query).toList();
        for (String features : TaskBestKind.FEATURES) {
            for (String decision : TaskBestKind.DECISIONS) {
                FittedRouter f = RouterKinds.fit("task_best", train, Map.of("features", features, "decision", decision), KindFixtures.context());
                var before = f.router().route(queries);
                for (int i = 0; i < queries.size(); i++) {
                    assertEquals(KindFixtures.best(i / 4), before.get(i).chosen(), features + "/" + decision + ": " + queries.get(i));
                }
                java.nio.file.Path d = dir.resolve(features + "-" + decision);
                f.save(d);
                var after = RouterKinds.load(d, KindFixtures.context()).route(queries);
                for (int i = 0; i < queries.size(); i++) {
                    assertEquals(before.get(i).model(), after.get(i).model());
                    assertArrayEquals(before.get(i).distribution(), after.get(i).distribution(), 1e-9);
                }
            }
        }
    }

    @Test
    void theDecisionRulesOnAnAmbiguousQuery() {
        // two subsets that look alike: on "hard" zephyr (model 0) is 5.4 points better, on "easy" 1.2 points worse
        double[][] table = {{0.58, 0.526}, {0.818, 0.830}};
        double[] prior = {1.0 / 3, 2.0 / 3};
        double[] p = {0.25, 0.75};      // the classifier leans to "easy"
        assertArrayEquals(new double[]{0.818, 0.830}, TaskBestKind.decide("hard", p, prior, table), 1e-12);
        assertArrayEquals(new double[]{0.25 * 0.58 + 0.75 * 0.818, 0.25 * 0.526 + 0.75 * 0.830},
                TaskBestKind.decide("posterior", p, prior, table), 1e-12);
        // equal subset priors: q ∝ p/π = (0.75, 1.125) → (0.4, 0.6)
        assertArrayEquals(new double[]{0.4 * 0.58 + 0.6 * 0.818, 0.4 * 0.526 + 0.6 * 0.830},
                TaskBestKind.decide("balanced", p, prior, table), 1e-12);
        assertEquals(1, dev.zooterj.core.label.ProbabilityVectors.argmax(TaskBestKind.decide("hard", p, prior, table)));
        assertEquals(0, dev.zooterj.core.label.ProbabilityVectors.argmax(TaskBestKind.decide("balanced", p, prior, table)),
                "under equal subset weights the model good on both wins");
    }

    @Test
    void theConfusionRulesMixTheSubsetsTheClassifierConfusesOutOfFold() {
        double[][] table = {{0.58, 0.526}, {0.818, 0.830}};
        double[] prior = {1.0 / 3, 2.0 / 3};
        double[] p = {0.25, 0.75};
        // out of fold: of the rows predicted "hard", 10 were hard and 2 easy; of those predicted "easy", 20 hard and 40 easy
        double[][] m = {{10, 2}, {20, 40}};
        double qHard = 0.25 * 10 / 12 + 0.75 * 20 / 60;
        assertArrayEquals(new double[]{qHard * 0.58 + (1 - qHard) * 0.818, qHard * 0.526 + (1 - qHard) * 0.830},
                TaskBestKind.decide("confusion", p, prior, table, m), 1e-12);
        // balanced: each true subset's mass divided by its prior: row 0 (30, 3), row 1 (60, 60)
        double qHardBalanced = 0.25 * 30 / 33 + 0.75 * 0.5;
        assertArrayEquals(new double[]{qHardBalanced * 0.58 + (1 - qHardBalanced) * 0.818,
                        qHardBalanced * 0.526 + (1 - qHardBalanced) * 0.830},
                TaskBestKind.decide("confusion_balanced", p, prior, table, m), 1e-12);
        double[] confident = {0.1, 0.9};
        assertEquals(1, dev.zooterj.core.label.ProbabilityVectors.argmax(TaskBestKind.decide("posterior", confident, prior, table)),
                "trusting p, the query is easy");
        assertEquals(0, dev.zooterj.core.label.ProbabilityVectors.argmax(TaskBestKind.decide("confusion_balanced", confident, prior, table, m)),
                "a third of the rows predicted easy were hard: the model good on both wins");
        // a diagonal matrix (a classifier that never errs out of fold) leaves the posterior as it is
        assertArrayEquals(TaskBestKind.decide("posterior", p, prior, table),
                TaskBestKind.decide("confusion", p, prior, table, new double[][]{{7, 0}, {0, 9}}), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> TaskBestKind.decide("confusion", p, prior, table));
    }

    @Test
    void theBalancedRulesWeighSubsetsByTheObjective() {
        double[][] table = {{0.58, 0.526}, {0.818, 0.830}};
        double[] prior = {1.0 / 3, 2.0 / 3};
        double[] p = {0.1, 0.9};
        // weights (1, 0.5): q ∝ (0.1·1/(1/3), 0.9·0.5/(2/3)) = (0.3, 0.675)
        double q = 0.3 / 0.975;
        assertArrayEquals(new double[]{q * 0.58 + (1 - q) * 0.818, q * 0.526 + (1 - q) * 0.830},
                TaskBestKind.decide("balanced", p, prior, new double[]{1, 0.5}, table, null), 1e-12);
        // "easy" weighs nothing: an ambiguous query is decided by the "hard" row alone
        assertArrayEquals(table[0], TaskBestKind.decide("balanced", p, prior, new double[]{1, 0}, table, null), 1e-12);
        double[][] m = {{10, 2}, {20, 40}};
        assertArrayEquals(table[0], TaskBestKind.decide("confusion_balanced", p, prior, new double[]{1, 0}, table, m), 1e-12);
        // the unweighted rules ignore the objective
        assertArrayEquals(TaskBestKind.decide("posterior", p, prior, table),
                TaskBestKind.decide("posterior", p, prior, new double[]{1, 0}, table, null), 0);
        // everything on a subset that weighs nothing: the plain posterior decides
        assertArrayEquals(TaskBestKind.decide("posterior", new double[]{0, 1}, prior, table),
                TaskBestKind.decide("balanced", new double[]{0, 1}, prior, new double[]{1, 0}, table, null), 1e-12);
    }

    @Test
    void aRouterFittedUnderSubsetWeightsRoutesTheSameAfterSaveAndLoad(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        RewardDataset train = KindFixtures.rows("tr-", "train", 10, 10, 10);
        List<String> queries = List.of("math question", "code and chat question", "chat chat math");
        var context = KindFixtures.context().withSubsetWeights(Map.of("chat", 0.0));
        FittedRouter f = RouterKinds.fit("task_best", train, Map.of("decision", "balanced"), context);
        f.save(dir);
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("router.json").toFile());
        assertEquals("[0.0,1.0,1.0]", json.get("subsetWeights").toString(), "classes chat, code, math in order");
        var before = f.router().route(queries);
        var after = RouterKinds.load(dir, KindFixtures.context()).route(queries);
        for (int i = 0; i < queries.size(); i++) {
            assertArrayEquals(before.get(i).distribution(), after.get(i).distribution(), 1e-9);
        }
    }

    @Test
    void theOutOfFoldConfusionCountsEveryTrainingRowOnce() {
        RewardDataset train = KindFixtures.rows("tr-", "train", 10, 10, 10);
        List<String> classes = new java.util.ArrayList<>(train.bySubset().keySet());
        java.util.Collections.sort(classes);
        var s = new TaskBestKind().defaults().with("decision", "confusion");
        double[][] m = TaskBestKind.outOfFold(train, classes, s, KindFixtures.context().embedder()).confusion();
        for (int c = 0; c < classes.size(); c++) {
            double column = 0;
            for (double[] row : m) {
                column += row[c];
            }
            assertEquals(10, column, 1e-4, "each of the 10 rows of " + classes.get(c) + " held out once, its p summing to 1");
            assertTrue(m[c][c] > 5, "separable topics: mostly on the diagonal, " + java.util.Arrays.deepToString(m));
        }
    }

    @net.jqwik.api.Property
    void theExpectationRulesStayWithinTheTable(@net.jqwik.api.ForAll("posteriors") double[] p) {
        double[][] table = {{0.1, 0.9, 0.4}, {0.7, 0.2, 0.5}, {0.3, 0.3, 0.8}};
        double[] prior = {0.5, 0.3, 0.2};
        double[][] confusion = {{5, 1, 0}, {2, 8, 1}, {0, 0, 0}};   // the last subset never predicted: it stands for itself
        for (String d : TaskBestKind.DECISIONS) {
            double[] e = TaskBestKind.decide(d, p, prior, new double[]{1, 1, 1}, table, confusion, 0.7);
            for (int m = 0; m < 3; m++) {
                double lo = Math.min(table[0][m], Math.min(table[1][m], table[2][m]));
                double hi = Math.max(table[0][m], Math.max(table[1][m], table[2][m]));
                assertTrue(e[m] >= lo - 1e-12 && e[m] <= hi + 1e-12, d + " model " + m);
            }
        }
    }

    @Test
    void theTemperatureIsTheMaximumLikelihoodOneOnAHandComputedCase() {
        // ten rows all predicted (0.8, 0.2): the likelihood is highest where p_T(0) equals the share of class 0,
        // 0.8^a / (0.8^a + 0.2^a) = f, so a = ln(f / (1 - f)) / ln 4 and T = 1 / a
        double[][] p = new double[10][];
        java.util.Arrays.fill(p, new double[]{0.8, 0.2});
        int[] nineOfTen = {0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
        assertEquals(Math.log(4) / Math.log(9), TaskBestKind.fitTemperature(p, nineOfTen), 1e-4, "under-confident: sharpen");
        int[] eightOfTen = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1};
        assertEquals(1, TaskBestKind.fitTemperature(p, eightOfTen), 1e-4, "calibrated already");
        int[] sixOfTen = {0, 0, 0, 0, 0, 0, 1, 1, 1, 1};
        assertEquals(Math.log(4) / Math.log(1.5), TaskBestKind.fitTemperature(p, sixOfTen), 1e-3, "over-confident: flatten");
        int[] allRight = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        // never wrong: the likelihood rises toward the sharp bound until it is flat in double precision
        double sharp = TaskBestKind.fitTemperature(p, allRight);
        assertTrue(sharp >= TaskBestKind.MIN_TEMPERATURE && sharp < 0.1, "near the sharp bound: " + sharp);
        assertTrue(TaskBestKind.atTemperature(p[0], sharp)[0] > 1 - 1e-12);
    }

    @net.jqwik.api.Property
    void aTemperatureKeepsTheOrderAndTheTotal(@net.jqwik.api.ForAll("posteriors") double[] p,
                                              @net.jqwik.api.ForAll @net.jqwik.api.constraints.DoubleRange(min = 0.05, max = 20) double t) {
        double[] q = TaskBestKind.atTemperature(p, t);
        assertEquals(1, q[0] + q[1] + q[2], 1e-12);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                if (p[i] > p[j]) {
                    assertTrue(q[i] >= q[j], "order kept at T = " + t);
                }
            }
        }
        assertArrayEquals(p, TaskBestKind.atTemperature(p, 1), 1e-12, "T = 1 leaves p as it is");
    }

    @Test
    void calibrationStopsATinySubsetsTailFromTakingAQuery() {
        // classes: mmlu (90 % of the rows), humaneval (10 %); model 0 is mmlu's best, model 1 humaneval's
        double[][] table = {{0.65, 0.60}, {0.30, 0.52}};
        double[] prior = {0.9, 0.1};
        double[] weights = {1, 1};
        double[] p = {0.97, 0.03};
        // balanced: q ∝ (0.97 / 0.9, 0.03 / 0.1) = (0.782, 0.218): model 0 0.574, model 1 0.583
        double[] balanced = TaskBestKind.decide("balanced", p, prior, weights, table, null);
        assertArrayEquals(new double[]{0.782 * 0.65 + 0.218 * 0.30, 0.782 * 0.60 + 0.218 * 0.52}, balanced, 2e-3);
        assertEquals(1, dev.zooterj.core.label.ProbabilityVectors.argmax(balanced));
        // at T = 0.5 the posterior is p² normalised, (0.99904, 0.00096): humaneval's share falls to 0.0086
        double[] calibrated = TaskBestKind.decide("calibrated_balanced", p, prior, weights, table, null, 0.5);
        assertArrayEquals(TaskBestKind.decide("balanced", new double[]{0.9409 / 0.9418, 0.0009 / 0.9418}, prior, weights, table, null),
                calibrated, 1e-12);
        assertEquals(0, dev.zooterj.core.label.ProbabilityVectors.argmax(calibrated));
        assertArrayEquals(TaskBestKind.decide("posterior", TaskBestKind.atTemperature(p, 2), prior, weights, table, null),
                TaskBestKind.decide("calibrated", p, prior, weights, table, null, 2), 1e-12);
        var e = assertThrows(IllegalArgumentException.class, () -> TaskBestKind.decide("calibrated", p, prior, weights, table, null));
        assertTrue(e.getMessage().contains("temperature"), e.getMessage());
    }

    @Test
    void aCalibratedRouterKeepsItsTemperatureInRouterJson(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        RewardDataset train = KindFixtures.rows("tr-", "train", 10, 10, 10);
        FittedRouter f = RouterKinds.fit("task_best", train, Map.of("decision", "calibrated_balanced"), KindFixtures.context());
        f.save(dir);
        java.nio.file.Path manifest = dir.resolve(RouterStore.MANIFEST);
        var json = (com.fasterxml.jackson.databind.node.ObjectNode) RouterStore.JSON.readTree(manifest.toFile());
        List<String> classes = new java.util.ArrayList<>(train.bySubset().keySet());
        java.util.Collections.sort(classes);
        var s = new TaskBestKind().defaults().with("decision", "calibrated_balanced");
        double t = TaskBestKind.outOfFold(train, classes, s, KindFixtures.context().embedder()).temperature();
        assertEquals(t, json.get("temperature").asDouble(), 0, "the out-of-fold temperature is what router.json keeps");
        assertTrue(t >= TaskBestKind.MIN_TEMPERATURE && t <= TaskBestKind.MAX_TEMPERATURE, "within the search bounds: " + t);
        assertTrue(f.summary().contains("temperature"), f.summary());
        json.remove("temperature");
        java.nio.file.Files.writeString(manifest, RouterStore.JSON.writeValueAsString(json));
        var e = assertThrows(IllegalArgumentException.class, () -> RouterKinds.load(dir, KindFixtures.context()));
        assertTrue(e.getMessage().contains("router.json") && e.getMessage().contains("'temperature'"), e.getMessage());
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<double[]> posteriors() {
        return net.jqwik.api.Arbitraries.doubles().between(0.001, 1).ofScale(4).array(double[].class).ofSize(3).map(v -> {
            double s = v[0] + v[1] + v[2];
            return new double[]{v[0] / s, v[1] / s, v[2] / s};
        });
    }

    @Test
    void aRouterSavedBeforeTheFeatureSettingLoadsAsEmbeddingsWithTheHardRule(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        RewardDataset train = KindFixtures.rows("tr-", "train", 10, 10, 10);
        FittedRouter f = RouterKinds.fit("task_best", train, Map.of("features", "embedding", "decision", "hard"), KindFixtures.context());
        f.save(dir);
        java.nio.file.Path manifest = dir.resolve(RouterStore.MANIFEST);
        var json = (com.fasterxml.jackson.databind.node.ObjectNode) RouterStore.JSON.readTree(manifest.toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) json.get("settings")).remove(List.of("features", "decision"));
        json.remove("prior");
        java.nio.file.Files.writeString(manifest, RouterStore.JSON.writeValueAsString(json));
        List<String> queries = KindFixtures.rows("te-", "test", 2, 2, 2).records().stream().map(RewardRecord::query).toList();
        var routed = RouterKinds.load(dir, KindFixtures.context()).route(queries);
        for (int i = 0; i < queries.size(); i++) {
            assertEquals(KindFixtures.best(i / 2), routed.get(i).chosen());
        }
    }

    @Test
    void sparseSoftmaxRegressionSeparatesTwoPointsPerClassAndIsDeterministic() {
        dev.zooterj.data.tags.HashedNgrams.Sparse[] x = {
                new dev.zooterj.data.tags.HashedNgrams.Sparse(new int[]{0, 3}, new float[]{1, 0.2f}),
                new dev.zooterj.data.tags.HashedNgrams.Sparse(new int[]{0}, new float[]{1}),
                new dev.zooterj.data.tags.HashedNgrams.Sparse(new int[]{1, 3}, new float[]{1, 0.2f}),
                new dev.zooterj.data.tags.HashedNgrams.Sparse(new int[]{1}, new float[]{1})};
        int[] y = {0, 0, 1, 1};
        SparseSoftmaxRegression a = SparseSoftmaxRegression.fit(x, y, 4, 2, 0, 200, 0.1);
        SparseSoftmaxRegression b = SparseSoftmaxRegression.fit(x, y, 4, 2, 0, 200, 0.1);
        for (int i = 0; i < x.length; i++) {
            assertTrue(a.probabilities(x[i])[y[i]] > 0.9, "confident on point " + i);
        }
        assertArrayEquals(a.weights(), b.weights(), 0.0);
        assertEquals(0.0, a.weights()[2 * 2], "an unused bucket stays zero");
    }

    @Test
    void softmaxRegressionSeparatesTwoPointsPerClass() {
        float[][] x = {{1, 0}, {0.9f, 0.1f}, {0, 1}, {0.1f, 0.9f}};
        int[] y = {0, 0, 1, 1};
        SoftmaxRegression lr = SoftmaxRegression.fit(x, y, 2, 0, 200, 0.1);
        for (int i = 0; i < x.length; i++) {
            assertEquals(y[i], lr.predict(x[i]));
            assertTrue(lr.probabilities(x[i])[y[i]] > 0.9, "confident on point " + i);
        }
    }
}
