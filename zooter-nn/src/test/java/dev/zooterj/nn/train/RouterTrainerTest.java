package dev.zooterj.nn.train;

import dev.zooterj.nn.head.HeadConfig;
import dev.zooterj.nn.head.HeadGraph;
import dev.zooterj.nn.head.RoutingHead;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouterTrainerTest {
    private static final int ROWS = 240;
    private static final int D = 8;
    private static final int N = 3;

    /** Embeddings in three clusters; cluster k's label puts most mass on model k. */
    private static INDArray embeddings(double[][] labels) {
        Random rng = new Random(5);
        float[][] x = new float[ROWS][D];
        for (int r = 0; r < ROWS; r++) {
            int k = r % N;
            for (int d = 0; d < D; d++) {
                x[r][d] = (float) (rng.nextGaussian() * 0.3 + (d % N == k ? 1.5 : 0));
            }
            labels[r] = new double[N];
            for (int i = 0; i < N; i++) {
                labels[r][i] = i == k ? 0.8 : 0.1;
            }
        }
        return Nd4j.create(x);
    }

    private static TrainingConfig config(int epochs) {
        return new TrainingConfig(epochs, 16, 0.02, 1e-4, 0.1, 1.0, 3, 0.2, 0);
    }

    @Test
    void learnsASeparableRoutingProblemAndKeepsTheCurve() {
        double[][] labels = new double[ROWS][];
        INDArray x = embeddings(labels);
        RoutingHead head = RoutingHead.initialise(HeadConfig.mlp(16), D, N, 11);
        HeadGraph graph = new HeadGraph(head, x);
        int[] train = IntStream.range(0, 200).toArray();
        int[] val = IntStream.range(200, ROWS).toArray();
        RouterTrainer trainer = new RouterTrainer(graph, config(8), null, null, "t");
        double[] before = trainer.evaluate(labels, val);
        RouterTrainer.Result result = trainer.train(labels, train, val);
        assertEquals(8, result.curve().size());
        EpochStats last = result.curve().get(result.curve().size() - 1);
        assertTrue(last.validationKl() < before[0] / 2, "KL " + before[0] + " → " + last.validationKl());
        assertEquals(1.0, last.validationTop1(), 1e-12);
        // the inference path of the head now routes cluster k to model k
        INDArray logits = head.logits(x.getRows(val));
        for (int i = 0; i < val.length; i++) {
            assertEquals(val[i] % N, logits.getRow(i).argMax().getInt(0));
        }
        // minimum KL for these labels: predicting the label exactly gives 0; the model gets close
        assertTrue(last.validationKl() < 0.05, String.valueOf(last.validationKl()));
    }

    @Test
    void sameSeedGivesTheSameWeightsAndAResumedRunEndsWhereAnUninterruptedOneDoes(@TempDir Path dir) {
        double[][] labels = new double[ROWS][];
        INDArray x = embeddings(labels);
        int[] train = IntStream.range(0, 200).toArray();
        int[] val = IntStream.range(200, ROWS).toArray();

        RoutingHead full = RoutingHead.initialise(HeadConfig.linear(), D, N, 11);
        new RouterTrainer(new HeadGraph(full, x), config(4), null, null, "fp").train(labels, train, val);
        RoutingHead again = RoutingHead.initialise(HeadConfig.linear(), D, N, 11);
        new RouterTrainer(new HeadGraph(again, x), config(4), null, null, "fp").train(labels, train, val);
        assertEquals(full.weights().get(RoutingHead.W2), again.weights().get(RoutingHead.W2));

        // "crash" after 2 epochs: a 2-epoch run leaves a checkpoint... of a finished 2-epoch run, so we
        // instead stop a 4-epoch run by throwing from the listener after epoch 2.
        Path ckpt = dir.resolve("ckpt");
        RoutingHead interrupted = RoutingHead.initialise(HeadConfig.linear(), D, N, 11);
        RouterTrainer.Listener crash = new RouterTrainer.Listener() {
            @Override
            public void epochEnded(EpochStats s) {
                if (s.epoch() == 2) {
                    throw new IllegalStateException("simulated crash");
                }
            }
        };
        try {
            new RouterTrainer(new HeadGraph(interrupted, x), config(4), crash, ckpt, "fp").train(labels, train, val);
        } catch (IllegalStateException expected) {
            // the checkpoint of epoch 1 is on disk (epoch 2's is written after the listener ran)
        }
        int[] resumedFrom = {0};
        RoutingHead resumed = RoutingHead.initialise(HeadConfig.linear(), D, N, 11);
        RouterTrainer.Result r = new RouterTrainer(new HeadGraph(resumed, x), config(4), new RouterTrainer.Listener() {
            @Override
            public void resumed(int fromEpoch) {
                resumedFrom[0] = fromEpoch;
            }
        }, ckpt, "fp").train(labels, train, val);
        assertEquals(2, resumedFrom[0]);
        assertEquals(4, r.curve().size());
        INDArray a = full.weights().get(RoutingHead.W2);
        INDArray b = resumed.weights().get(RoutingHead.W2);
        assertTrue(a.equalsWithEps(b, 1e-6), a + " vs " + b);
    }

    @Test
    void scheduleWarmsUpThenDecaysToZero() {
        LearningRateSchedule s = new LearningRateSchedule(1.0, 4, 10);
        assertEquals(0.2, s.at(0), 1e-12);
        assertEquals(1.0, s.at(4), 1e-12);
        assertEquals(0.5, s.at(7), 1e-12);
        assertTrue(s.at(9) > 0 && s.at(9) < 0.2);
    }

    @Test
    void adamWFirstStepMovesEachWeightByTheLearningRate() {
        INDArray p = Nd4j.create(new float[]{1f, -2f}, new long[]{2}, 'c');
        INDArray g = Nd4j.create(new float[]{0.5f, -3f}, new long[]{2}, 'c');
        new AdamW(0.0).step(java.util.Map.of("p", p), new java.util.HashMap<>(java.util.Map.of("p", g)), 0.1);
        // Adam's first bias-corrected step is lr·sign(g)
        assertEquals(0.9, p.getDouble(0), 1e-6);
        assertEquals(-1.9, p.getDouble(1), 1e-6);
        INDArray q = Nd4j.create(new float[]{1f}, new long[]{1}, 'c');
        new AdamW(0.5).step(java.util.Map.of("q", q), new java.util.HashMap<>(java.util.Map.of("q", Nd4j.zeros(DataType.FLOAT, 1))), 0.1);
        assertEquals(0.95, q.getDouble(0), 1e-6, "decoupled decay: p -= lr·wd·p");
    }
}
