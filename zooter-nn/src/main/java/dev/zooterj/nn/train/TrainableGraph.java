package dev.zooterj.nn.train;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Map;

/**
 * What {@link RouterTrainer} optimises: a SameDiff graph from inputs to {@link #LOGITS} with the
 * {@link KlLoss} on top, and the names of its trainable variables. Inputs depend on the mode: cached
 * embeddings for a head, token ids and mask for an encoder.
 */
public interface TrainableGraph {
    String LOGITS = "logits";

    SameDiff sameDiff();

    /** Names of the variables the optimiser updates. */
    List<String> trainableVariables();

    /** Placeholder values (other than the labels) for the given example rows. */
    Map<String, INDArray> inputs(int[] rows);

    /** Called when training ends, so the graph's trained arrays reach the inference model. */
    void finish();
}
