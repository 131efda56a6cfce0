package dev.zooterj.nn.train;

import dev.zooterj.nn.head.HeadConfig;
import dev.zooterj.nn.head.HeadGraph;
import dev.zooterj.nn.head.RoutingHead;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KlLossTest {
    private static final int D = 5;
    private static final int N = 3;

    private static double[][] randomLabels(Random rng, int rows, boolean oneHot) {
        double[][] y = new double[rows][N];
        for (double[] row : y) {
            if (oneHot) {
                row[rng.nextInt(N)] = 1;
            } else {
                double sum = 0;
                for (int i = 0; i < N; i++) {
                    row[i] = rng.nextDouble();
                    sum += row[i];
                }
                for (int i = 0; i < N; i++) {
                    row[i] /= sum;
                }
            }
        }
        return y;
    }

    private static Map<String, INDArray> feed(INDArray x, double[][] y) {
        Map<String, INDArray> feed = new HashMap<>();
        feed.put(HeadGraph.EMBEDDING, x);
        feed.putAll(KlLoss.labelFeed(y));
        return feed;
    }

    @Test
    void lossAndGradientMatchADirectComputationForSoftAndOneHotLabels() {
        Random rng = new Random(1);
        for (boolean oneHot : new boolean[]{false, true}) {
            RoutingHead head = RoutingHead.initialise(HeadConfig.linear(), D, N, 7);
            INDArray x = Nd4j.rand(DataType.FLOAT, 4, D).subi(0.5).muli(4);
            HeadGraph graph = new HeadGraph(head, x);
            SameDiff sd = graph.sameDiff();
            double[][] y = randomLabels(rng, 4, oneHot);
            Map<String, INDArray> feed = feed(x, y);
            var out = sd.calculateGradientsAndOutputs(feed, List.of(KlLoss.LOSS, "logits"), List.of(RoutingHead.W2, RoutingHead.B2));
            INDArray logits = out.getOutputs().get("logits");
            double[][] z = logits.castTo(DataType.DOUBLE).toDoubleMatrix();
            double loss = out.getOutputs().get(KlLoss.LOSS).getDouble(0);
            assertTrue(Double.isFinite(loss), "one-hot labels must not give log(0)");
            assertEquals(KlLoss.reference(y, z), loss, 1e-5);

            // dLoss/dlogits = (softmax(z) - y) / B  ⇒  dLoss/db = column sums of it
            double[] expectedDb = new double[N];
            for (int b = 0; b < 4; b++) {
                double max = Math.max(z[b][0], Math.max(z[b][1], z[b][2]));
                double sum = 0;
                for (int i = 0; i < N; i++) {
                    sum += Math.exp(z[b][i] - max);
                }
                for (int i = 0; i < N; i++) {
                    expectedDb[i] += (Math.exp(z[b][i] - max) / sum - y[b][i]) / 4;
                }
            }
            INDArray db = out.getGradients().get(RoutingHead.B2);
            for (int i = 0; i < N; i++) {
                assertEquals(expectedDb[i], db.getDouble(i), 1e-5);
            }
        }
    }

    @Test
    void klIsZeroWhenPredictionEqualsLabelAndPositiveOtherwise() {
        double[][] logits = {{1, 2, 3}};
        double[] p = dev.zooterj.core.label.ProbabilityVectors.softmax(logits[0], 1);
        assertEquals(0, KlLoss.reference(new double[][]{p}, logits), 1e-12);
        assertTrue(KlLoss.reference(new double[][]{{1, 0, 0}}, logits) > 0);
        // one-hot: KL is the cross-entropy -log softmax_0
        assertEquals(-Math.log(p[0]), KlLoss.reference(new double[][]{{1, 0, 0}}, logits), 1e-12);
    }
}
