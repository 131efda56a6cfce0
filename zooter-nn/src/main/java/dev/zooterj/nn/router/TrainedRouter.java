package dev.zooterj.nn.router;

import dev.zooterj.nn.train.RouterTrainer;

/** A router fresh from training, with what is needed to save it: its spec, the training result and provenance. */
public record TrainedRouter(ZooterRouter router, RouterSpec spec, RouterTrainer.Result result, Provenance provenance) {

    /**
     * Where a router came from.
     *
     * @param dataset        the training file as given
     * @param datasetSha256  SHA-256 of the training file's bytes
     * @param rows           rows in the training file
     * @param trainRows      rows trained on (after the validation hold-out)
     * @param validationRows rows held out for validation
     * @param tagCount       distinct tags in the training rows
     */
    public record Provenance(String dataset, String datasetSha256, int rows, int trainRows, int validationRows, int tagCount) {
    }
}
