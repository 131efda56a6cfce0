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
}
