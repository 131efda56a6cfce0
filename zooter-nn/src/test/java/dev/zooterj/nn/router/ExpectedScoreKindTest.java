package dev.zooterj.nn.router;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.core.routing.Estimate;
import dev.zooterj.core.routing.EstimatingRouter;
import dev.zooterj.core.routing.Router;
import dev.zooterj.core.routing.RoutingMetric;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExpectedScoreKindTest {
    static final RewardDataset TRAIN = KindFixtures.rows("tr-", "train", 20, 20, 20);
    static final RewardDataset TEST = KindFixtures.rows("te-", "test", 5, 5, 5);

    @Test
    void learnsASeparableToyCaseAndEstimatesExpectedScores() {
        for (String hidden : List.of("0", "16")) {
            ExpectedScoreKind kind = new ExpectedScoreKind();
            FittedRouter f = kind.fit(TRAIN, Map.of("hidden", hidden, "epochs", "60", "lr", "0.01", "batch", "8"), KindFixtures.context());
            Router r = f.router();
            // each topic goes to the model that scores 1 on it: every routed answer scores 1
            assertEquals(1.0, RoutingMetric.macroMean(r, TEST), 1e-12, "hidden " + hidden);
            Estimate e = ((EstimatingRouter) r).estimator().estimate(List.of(TEST.records().get(0).query())).get(0);
            assertEquals(Estimate.Kind.EXPECTED_SCORES, e.kind());
            double[] v = e.values();
            int best = KindFixtures.best(0);
            assertTrue(v[best] > 0.8, java.util.Arrays.toString(v));
            for (int m = 0; m < v.length; m++) {
                assertTrue(v[m] >= 0 && v[m] <= 1, "sigmoid outputs are scores in [0, 1]");
                if (m != best) {
                    assertTrue(v[m] < 0.2, java.util.Arrays.toString(v));
                }
            }
        }
    }

    @Test
    void handWrittenGradientsMatchFiniteDifferences() {
        float[][] x = {{0.3f, -1.2f, 0.5f}, {1.1f, 0.4f, -0.7f}, {-0.2f, 0.9f, 1.5f}, {0.6f, 0.1f, -0.3f}};
        double[][] y = {{1, 0}, {0.5, 0.2}, {0, 1}, {0.7, 0.7}};
        for (ExpectedScoreHead.Loss loss : ExpectedScoreHead.Loss.values()) {
            ExpectedScoreHead head = ExpectedScoreHead.fit(x, y, loss, 5, 0.1, 1, 2, 0.05, 3);
            INDArray xs = Nd4j.create(x).subiRowVector(head.arrays().get(ExpectedScoreHead.MEAN))
                    .diviRowVector(head.arrays().get(ExpectedScoreHead.STD));
            float[][] yf = {{1, 0}, {0.5f, 0.2f}, {0, 1}, {0.7f, 0.7f}};
            INDArray ys = Nd4j.create(yf);
            Map<String, INDArray> g = head.gradients(xs, ys, 0.1);
            for (String name : List.of(ExpectedScoreHead.W1, ExpectedScoreHead.B1, ExpectedScoreHead.W2, ExpectedScoreHead.B2)) {
                INDArray p = head.arrays().get(name);
                for (long i = 0; i < Math.min(p.length(), 6); i++) {
                    float old = p.getFloat(i);
                    double h = 1e-3;
                    p.putScalar(i, old + h);
                    double up = loss(head, xs, yf, loss, 0.1);
                    p.putScalar(i, old - h);
                    double down = loss(head, xs, yf, loss, 0.1);
                    p.putScalar(i, old);
                    double numeric = (up - down) / (2 * h);
                    assertEquals(numeric, g.get(name).getDouble(i), 1e-3, loss + " " + name + "[" + i + "]");
                }
            }
        }
    }

    /** The batch-mean loss plus (l2 / 2)·‖W‖², computed directly. */
    private static double loss(ExpectedScoreHead head, INDArray xs, float[][] y, ExpectedScoreHead.Loss loss, double l2) {
        Map<String, INDArray> p = head.arrays();
        INDArray h = org.nd4j.linalg.ops.transforms.Transforms.relu(xs.mmul(p.get(ExpectedScoreHead.W1)).addRowVector(p.get(ExpectedScoreHead.B1)), false);
        double[][] z = h.mmul(p.get(ExpectedScoreHead.W2)).addRowVector(p.get(ExpectedScoreHead.B2)).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleMatrix();
        double sum = 0;
        for (int i = 0; i < z.length; i++) {
            for (int m = 0; m < z[i].length; m++) {
                if (loss == ExpectedScoreHead.Loss.BCE) {
                    double q = 1 / (1 + Math.exp(-z[i][m]));
                    sum -= y[i][m] * Math.log(q) + (1 - y[i][m]) * Math.log(1 - q);
                } else {
                    sum += 0.5 * (z[i][m] - y[i][m]) * (z[i][m] - y[i][m]);
                }
            }
        }
        double w = p.get(ExpectedScoreHead.W1).norm2Number().doubleValue();
        double w2 = p.get(ExpectedScoreHead.W2).norm2Number().doubleValue();
        return sum / z.length + l2 / 2 * (w * w + w2 * w2);
    }

    @Test
    void savesAndLoadsBackToIdenticalDecisions(@TempDir Path dir) throws Exception {
        ExpectedScoreKind kind = new ExpectedScoreKind();
        FittedRouter f = kind.fit(TRAIN, Map.of("epochs", "5"), KindFixtures.context());
        Path p = dir.resolve("es");
        f.save(p);
        assertEquals(ExpectedScoreKind.NAME, RouterKinds.kindOf(p));
        assertTrue(Files.readString(p.resolve(RouterStore.MANIFEST)).contains("\"loss\" : \"bce\""));
        List<String> q = TEST.records().stream().map(RewardRecord::query).toList();
        Router loaded = RouterKinds.load(p, KindFixtures.context());
        assertEquals(f.router().route(q), loaded.route(q));
    }

    @Test
    void scoresOutsideTheUnitIntervalUseSquaredErrorAndBceRefusesThem() {
        List<RewardRecord> rows = TRAIN.records().stream().map(r -> new RewardRecord(r.id(), r.query(), null, r.tags(), r.subset(), r.split(),
                r.rewards(), java.util.Arrays.stream(r.scores()).map(v -> 10 * v).toArray(), null)).toList();
        RewardDataset scaled = new RewardDataset(KindFixtures.MODELS, rows);
        assertEquals(ExpectedScoreHead.Loss.MSE, ExpectedScoreKind.lossFor(scaled, "auto"));
        assertEquals(ExpectedScoreHead.Loss.BCE, ExpectedScoreKind.lossFor(TRAIN, "auto"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ExpectedScoreKind().fit(scaled, Map.of("loss", "bce"), KindFixtures.context()));
        assertTrue(e.getMessage().contains("loss=mse"), e.getMessage());
        FittedRouter f = new ExpectedScoreKind().fit(scaled, Map.of("epochs", "60", "lr", "0.01", "batch", "8"), KindFixtures.context());
        assertEquals(10.0, RoutingMetric.macroMean(f.router(), new RewardDataset(KindFixtures.MODELS, TEST.records().stream()
                .map(r -> new RewardRecord(r.id(), r.query(), null, r.tags(), r.subset(), r.split(), r.rewards(),
                        java.util.Arrays.stream(r.scores()).map(v -> 10 * v).toArray(), null)).toList())), 1e-9);
    }
}
