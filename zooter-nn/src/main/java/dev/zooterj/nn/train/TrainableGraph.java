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

    /** The name SameDiff gives the gradient function it builds. */
    String GRADIENT_FUNCTION = "grad";

    SameDiff sameDiff();

    /** Names of the variables the optimiser updates. */
    List<String> trainableVariables();

    /** Placeholder values (other than the labels) for the given example rows. */
    Map<String, INDArray> inputs(int[] rows);

    /** Called when training ends, so the graph's trained arrays reach the inference model. */
    void finish();

    /**
     * Loss and gradients of the trainable variables for one fed batch. The default runs the SameDiff graph, its
     * working memory lent by a {@link StepMemory}: the returned arrays stay valid until the next call on this graph
     * and thread. A graph with a cheaper exact formula may override it (and must be tested against the graph).
     */
    default LossAndGradients lossAndGradients(Map<String, INDArray> feed) {
        SameDiff sd = sameDiff();
        if (!sd.hasGradientFunction()) {
            GradientNotes.quietly(() -> {
                sd.createGradFunction();
                return null;
            });
        }
        StepMemory.of(sd.getFunction(GRADIENT_FUNCTION)).reset();
        var out = sd.calculateGradientsAndOutputs(feed, List.of(KlLoss.LOSS), trainableVariables());
        return new LossAndGradients(out.getOutputs().get(KlLoss.LOSS).getDouble(0), new java.util.HashMap<>(out.getGradients()));
    }

    /**
     * Loss and logits [B, N] for one fed batch, without gradients. The logits stay valid until the next call on this
     * graph and thread (see {@link StepMemory}).
     */
    default LossAndLogits forward(Map<String, INDArray> feed) {
        StepMemory.of(sameDiff()).reset();
        Map<String, INDArray> out = sameDiff().output(feed, KlLoss.LOSS, LOGITS);
        return new LossAndLogits(out.get(KlLoss.LOSS).getDouble(0), out.get(LOGITS));
    }

    /** The mean KL of a batch and the gradient of each trainable variable. */
    record LossAndGradients(double loss, Map<String, INDArray> gradients) {
    }

    /** The mean KL of a batch and its logits. */
    record LossAndLogits(double loss, INDArray logits) {
    }
}
