package dev.zooterj.nn.train;

/**
 * One epoch of the training curve.
 *
 * @param trainLoss     mean KL over the epoch's training batches
 * @param validationKl  mean KL on the validation rows (NaN without validation)
 * @param validationTop1 share of validation rows whose predicted model is a top model of the label
 * @param seconds       wall time of the epoch
 */
public record EpochStats(int epoch, double trainLoss, double validationKl, double validationTop1, double seconds) {
    /** "epoch 3: train KL 0.7165, validation KL 0.7463, top-1 0.522 (0.3s)". */
    public String summary() {
        return String.format(java.util.Locale.ROOT, "epoch %d: train KL %.4f, validation KL %.4f, top-1 %.3f (%.1fs)",
                epoch, trainLoss, validationKl, validationTop1, seconds);
    }
}
