package dev.zooterj.dl4j;

import dev.zooterj.nn.train.KlLoss;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossKLD;

import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ZooterKlLoss} computes the project's {@link KlLoss}: the same value as the SameDiff graph and its reference,
 * and B times the graph's gradient w.r.t. the logits (DL4J's updater divides by the batch size). And why it exists:
 * DL4J's {@link LossKLD} agrees for soft labels but not for one-hot ones, and writes into its pre-output.
 */
class ZooterKlLossTest {
    record Case(double[][] labels, double[][] logits) {
    }

    @Provide
    Arbitrary<Case> cases() {
        return Combinators.combine(Arbitraries.integers().between(1, 6), Arbitraries.integers().between(2, 7),
                Arbitraries.longs(), Arbitraries.of(0, 1, 2)).as((b, n, seed, labelKind) -> {
            SplittableRandom r = new SplittableRandom(seed);
            double[][] y = new double[b][n];
            double[][] z = new double[b][n];
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < n; j++) {
                    z[i][j] = r.nextDouble(-6, 6);
                }
                switch (labelKind) {
                    case 0 -> y[i][r.nextInt(n)] = 1;                          // one-hot (hard labels)
                    case 1 -> {                                                  // soft, some zeros
                        double s = 0;
                        for (int j = 0; j < n; j++) {
                            y[i][j] = r.nextInt(3) == 0 ? 0 : r.nextDouble();
                            s += y[i][j];
                        }
                        if (s == 0) {
                            y[i][0] = 1;
                            s = 1;
                        }
                        for (int j = 0; j < n; j++) {
                            y[i][j] /= s;
                        }
                    }
                    default -> {                                                 // dense soft
                        double s = 0;
                        for (int j = 0; j < n; j++) {
                            y[i][j] = r.nextDouble(0.05, 1);
                            s += y[i][j];
                        }
                        for (int j = 0; j < n; j++) {
                            y[i][j] /= s;
                        }
                    }
                }
            }
            return new Case(y, z);
        });
    }

    @Property(tries = 60)
    void scoreAndGradientAreKlLosss(@ForAll("cases") Case c) {
        INDArray labels = Nd4j.createFromArray(c.labels()).castTo(DataType.FLOAT);
        INDArray pre = Nd4j.createFromArray(c.logits()).castTo(DataType.FLOAT);
        INDArray preBefore = pre.dup();
        ZooterKlLoss loss = new ZooterKlLoss();
        double score = loss.computeScore(labels, pre, new ActivationSoftmax(), null, true);
        INDArray grad = loss.computeGradient(labels, pre, new ActivationSoftmax(), null);
        assertEquals(preBefore, pre, "the pre-output must not change");

        double[][] yf = labels.castTo(DataType.DOUBLE).toDoubleMatrix();
        double[][] zf = pre.castTo(DataType.DOUBLE).toDoubleMatrix();
        double reference = KlLoss.reference(yf, zf);
        assertEquals(reference, score, 1e-5 * Math.max(1, Math.abs(reference)));

        // the SameDiff graph zooter routers train with
        SameDiff sd = SameDiff.create();
        SDVariable logits = sd.var("z", pre.dup());
        KlLoss.build(sd, logits, c.labels()[0].length);
        Map<String, INDArray> ph = Map.of(KlLoss.LABELS, labels, KlLoss.LABEL_NEG_ENTROPY, Nd4j.createFromArray(KlLoss.negEntropy(yf)));
        double graphLoss = sd.output(ph, KlLoss.LOSS).get(KlLoss.LOSS).getDouble(0);
        assertEquals(graphLoss, score, 1e-4 * Math.max(1, Math.abs(graphLoss)));
        INDArray graphGrad = sd.calculateGradients(ph, "z").get("z");
        long b = labels.size(0);
        float[] expected = graphGrad.mul(b).castTo(DataType.FLOAT).data().asFloat();
        assertArrayEquals(expected, grad.data().asFloat(), 2e-5f);

        // score array: one value per example, mean = score
        INDArray perExample = loss.computeScoreArray(labels, pre, new ActivationSoftmax(), null);
        assertArrayEquals(new long[]{b, 1}, perExample.shape());
        assertEquals(score, perExample.meanNumber().doubleValue(), 1e-5 * Math.max(1, Math.abs(score)));
    }

    @Test
    void aPerExampleMaskWeighsScoresAndGradients() {
        INDArray labels = Nd4j.createFromArray(new float[][]{{1, 0, 0}, {0.2f, 0.3f, 0.5f}});
        INDArray pre = Nd4j.createFromArray(new float[][]{{0.1f, 2, -1}, {1, 1, 1}});
        INDArray mask = Nd4j.createFromArray(new float[][]{{0}, {1}});
        ZooterKlLoss loss = new ZooterKlLoss();
        double secondOnly = loss.computeScore(labels.getRow(1, true), pre.getRow(1, true), new ActivationSoftmax(), null, false);
        assertEquals(secondOnly, loss.computeScore(labels, pre, new ActivationSoftmax(), mask, false), 1e-6);
        INDArray g = loss.computeGradient(labels, pre, new ActivationSoftmax(), mask);
        assertEquals(0.0, g.getRow(0).norm2Number().doubleValue(), 0.0);
        assertTrue(g.getRow(1).norm2Number().doubleValue() > 0);
    }

    @Test
    void refusesAnythingButSoftmax() {
        INDArray y = Nd4j.createFromArray(new float[][]{{1, 0}});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ZooterKlLoss().computeScore(y, y.dup(), new ActivationIdentity(), null, true));
        assertTrue(e.getMessage().contains("softmax"), e.getMessage());
    }

    /** Soft labels well inside (1e-5, 1]: LossKLD and ZooterKlLoss agree (on a copy: LossKLD may write to its input). */
    @Test
    void lossKldAgreesOnSoftLabels() {
        INDArray labels = Nd4j.createFromArray(new float[][]{{0.2f, 0.3f, 0.5f}, {0.6f, 0.3f, 0.1f}});
        INDArray pre = Nd4j.createFromArray(new float[][]{{0.5f, -1, 2}, {0, 0.3f, -0.7f}});
        double ours = new ZooterKlLoss().computeScore(labels, pre, new ActivationSoftmax(), null, true);
        double theirs = new LossKLD().computeScore(labels, pre.dup(), new ActivationSoftmax(), null, true);
        assertEquals(ours, theirs, 1e-5);
        INDArray g1 = new ZooterKlLoss().computeGradient(labels, pre, new ActivationSoftmax(), null);
        INDArray g2 = new LossKLD().computeGradient(labels, pre.dup(), new ActivationSoftmax(), null);
        assertArrayEquals(g1.data().asFloat(), g2.data().asFloat(), 1e-5f);
    }

    /**
     * The reason for ZooterKlLoss: at one-hot labels (hard=true, or τ → 0) LossKLD clips the zeros to 1e-5 and scores
     * 1e-5·log(1e-5/q) for each other model, and computeGradient overwrites the pre-output it is given.
     */
    @Test
    void lossKldDiffersOnOneHotLabelsAndOverwritesItsInput() {
        INDArray labels = Nd4j.createFromArray(new float[][]{{1, 0, 0, 0}});
        INDArray pre = Nd4j.createFromArray(new float[][]{{4, -3, -3, -3}});
        double ours = new ZooterKlLoss().computeScore(labels, pre, new ActivationSoftmax(), null, true);
        double exact = KlLoss.reference(new double[][]{{1, 0, 0, 0}}, new double[][]{{4, -3, -3, -3}});
        assertEquals(exact, ours, 1e-7);
        double theirs = new LossKLD().computeScore(labels, pre.dup(), new ActivationSoftmax(), null, true);
        System.out.printf("one-hot label, logits [4,-3,-3,-3]: exact KL %.3e, ZooterKlLoss %.3e, LossKLD %.3e%n", exact, ours, theirs);
        assertTrue(Math.abs(theirs - exact) > 1e-5, "LossKLD " + theirs + " vs exact " + exact);

        INDArray given = pre.dup();
        new LossKLD().computeGradient(labels, given, new ActivationSoftmax(), null);
        assertTrue(!given.equals(pre), "LossKLD.computeGradient left its pre-output as it was: STACK.md's warning no longer holds");
    }
}
