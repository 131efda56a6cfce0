package dev.zooterj.dl4j;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Zooter's loss as a DL4J {@link ILossFunction}: per example KL(s* ‖ softmax(z)) = Σ_i s*_i (log s*_i − log softmax(z)_i),
 * with 0·log 0 = 0, the same value as the project's {@code KlLoss} (the SameDiff graph {@code zooter} routers train
 * with). Put it on an output layer with softmax activation:
 * <pre>
 * new OutputLayer.Builder().lossFunction(new ZooterKlLoss()).activation(Activation.SOFTMAX).nIn(d).nOut(models).build()
 * </pre>
 *
 * <p>Why not DL4J's own {@code LossKLD}: it clips both the labels and the softmax output to [1e-5, 1] before taking
 * logarithms, so a one-hot (or nearly one-hot) s* — what {@code hard=true} and small τ give — scores
 * 1e-5·log(1e-5/q) for every other model instead of 0, and its gradient is not softmax − s* there
 * ({@code LossKlDivergenceTest} measures the difference); its {@code computeGradient} also overwrites the
 * pre-output array it is given. This class computes in double precision, never writes to its inputs, and returns
 * the exact gradient softmax(z) − s* (per example, not divided by the batch size: DL4J's updater divides).
 *
 * <p>Masks: a per-example mask ([B, 1] or [B]) weighs each example's score and gradient; a per-output mask ([B, N])
 * is refused, as KL over a partial distribution has no meaning here.
 */
public final class ZooterKlLoss implements ILossFunction {
    private static final long serialVersionUID = 1L;

    /** No settings: the loss has none. Public for DL4J's JSON configuration. */
    public ZooterKlLoss() {
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask, boolean average) {
        INDArray scores = scoresInDouble(labels, preOutput, activationFn, mask);
        double total = scores.sumNumber().doubleValue();
        return average ? total / scores.size(0) : total;
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        return scoresInDouble(labels, preOutput, activationFn, mask).reshape(labels.size(0), 1).castTo(preOutput.dataType());
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        check(labels, preOutput, activationFn, mask);
        INDArray s = labels.castTo(DataType.DOUBLE);
        INDArray q = Transforms.softmax(preOutput.castTo(DataType.DOUBLE), true);
        INDArray grad = q.subi(s);
        INDArray w = rowWeights(mask);
        if (w != null) {
            grad.muliColumnVector(w.reshape(w.length(), 1));
        }
        return grad.castTo(preOutput.dataType());
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
                                                          INDArray mask, boolean average) {
        return new Pair<>(computeScore(labels, preOutput, activationFn, mask, average),
                computeGradient(labels, preOutput, activationFn, mask));
    }

    @Override
    public String name() {
        return "ZooterKL";
    }

    @Override
    public String toString() {
        return "ZooterKlLoss()";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ZooterKlLoss;
    }

    @Override
    public int hashCode() {
        return ZooterKlLoss.class.hashCode();
    }

    /** Per-example KL [B], double. */
    private static INDArray scoresInDouble(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        check(labels, preOutput, activationFn, mask);
        INDArray s = labels.castTo(DataType.DOUBLE);
        INDArray z = preOutput.castTo(DataType.DOUBLE);
        INDArray max = z.max(1);
        INDArray shifted = z.subColumnVector(max.reshape(max.length(), 1));
        INDArray logNorm = Transforms.log(Transforms.exp(shifted, true).sum(1), false);
        INDArray logQ = shifted.subiColumnVector(logNorm.reshape(logNorm.length(), 1));
        // Σ s log s with 0·log 0 = 0: log(s + [s == 0]) is 0 where s is 0
        INDArray safe = s.add(s.eq(0).castTo(DataType.DOUBLE));
        INDArray negEntropy = s.mul(Transforms.log(safe, false)).sum(1);
        INDArray cross = s.mul(logQ).sum(1);
        INDArray kl = negEntropy.subi(cross);
        INDArray w = rowWeights(mask);
        if (w != null) {
            kl.muli(w);
        }
        return kl;
    }

    private static void check(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        if (!(activationFn instanceof ActivationSoftmax)) {
            throw new IllegalArgumentException("ZooterKlLoss needs a softmax output activation (KL against softmax(z)), got "
                    + activationFn);
        }
        if (labels.rank() != 2 || !java.util.Arrays.equals(labels.shape(), preOutput.shape())) {
            throw new IllegalArgumentException("ZooterKlLoss: labels " + java.util.Arrays.toString(labels.shape())
                    + " and pre-output " + java.util.Arrays.toString(preOutput.shape()) + " must both be [batch, models]");
        }
        if (mask != null && mask.length() != labels.size(0)) {
            throw new IllegalArgumentException("ZooterKlLoss takes a per-example mask of " + labels.size(0)
                    + " values, got shape " + java.util.Arrays.toString(mask.shape()));
        }
    }

    private static INDArray rowWeights(INDArray mask) {
        return mask == null ? null : mask.castTo(DataType.DOUBLE).reshape(mask.length());
    }
}
