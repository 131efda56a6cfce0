package dev.zooterj.nn.train;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Zooter's loss: mean over the batch of KL(s* ‖ softmax(logits)) = Σ_i s*_i (log s*_i − log softmax_i).
 *
 * <p>The label's own Σ s log s term does not depend on the weights; it is fed in as a placeholder computed
 * in Java (with 0·log 0 = 0), so one-hot labels give a finite loss and no log(0) ever reaches the graph.
 * Its gradient w.r.t. the logits is (softmax − s*)/B, the same as soft-label cross-entropy; with hard labels
 * the loss is exactly cross-entropy (the label entropy term is then 0 for a unique argmax).
 */
public final class KlLoss {
    public static final String LABELS = "labels";
    public static final String LABEL_NEG_ENTROPY = "labelNegEntropy";
    public static final String LOSS = "loss";

    private KlLoss() {
    }

    /** Adds the loss over {@code logits} [B, N] and its two placeholders; returns the scalar loss. */
    public static SDVariable build(SameDiff sd, SDVariable logits, int models) {
        SDVariable labels = sd.placeHolder(LABELS, org.nd4j.linalg.api.buffer.DataType.FLOAT, -1, models);
        SDVariable negEntropy = sd.placeHolder(LABEL_NEG_ENTROPY, org.nd4j.linalg.api.buffer.DataType.FLOAT, -1);
        SDVariable logq = sd.nn.logSoftmax(logits);                              // (B, N), last dimension
        SDVariable crossTerm = labels.mul(logq).sum(1);                          // (B)  Σ s log q
        SDVariable loss = negEntropy.sub(crossTerm).mean().rename(LOSS);        // mean KL
        loss.markAsLoss();
        return loss;
    }

    /** The values of the two label placeholders for a batch of label rows: {@value #LABELS} [B, N] and {@value #LABEL_NEG_ENTROPY} [B]. */
    public static java.util.Map<String, org.nd4j.linalg.api.ndarray.INDArray> labelFeed(double[][] labels) {
        float[][] asFloat = new float[labels.length][];
        for (int b = 0; b < labels.length; b++) {
            asFloat[b] = new float[labels[b].length];
            for (int i = 0; i < labels[b].length; i++) {
                asFloat[b][i] = (float) labels[b][i];
            }
        }
        return java.util.Map.of(LABELS, org.nd4j.linalg.factory.Nd4j.create(asFloat),
                LABEL_NEG_ENTROPY, org.nd4j.linalg.factory.Nd4j.create(negEntropy(labels), new long[]{labels.length}, 'c'));
    }

    /** Σ s log s of each label row (0·log 0 = 0): the placeholder value. */
    public static float[] negEntropy(double[][] labels) {
        float[] out = new float[labels.length];
        for (int b = 0; b < labels.length; b++) {
            double s = 0;
            for (double p : labels[b]) {
                if (p > 0) {
                    s += p * Math.log(p);
                }
            }
            out[b] = (float) s;
        }
        return out;
    }

    /** The same loss computed directly in double precision: the reference the graph is tested against. */
    public static double reference(double[][] labels, double[][] logits) {
        double total = 0;
        for (int b = 0; b < labels.length; b++) {
            double max = Double.NEGATIVE_INFINITY;
            for (double z : logits[b]) {
                max = Math.max(max, z);
            }
            double sum = 0;
            for (double z : logits[b]) {
                sum += Math.exp(z - max);
            }
            double logNorm = max + Math.log(sum);
            for (int i = 0; i < labels[b].length; i++) {
                double p = labels[b][i];
                if (p > 0) {
                    total += p * (Math.log(p) - (logits[b][i] - logNorm));
                }
            }
        }
        return total / labels.length;
    }
}
