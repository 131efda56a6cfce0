package dev.zooterj.nn.head;

import dev.zooterj.nn.train.KlLoss;
import dev.zooterj.nn.train.TrainableGraph;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Map;

/** Head-only training on precomputed pooled embeddings (the frozen-encoder mode). */
public final class HeadGraph implements TrainableGraph {
    public static final String EMBEDDING = "embedding";

    private final RoutingHead head;
    private final INDArray embeddings;
    private final SameDiff sd;

    /** @param embeddings pooled embeddings of every example row, [rows, D] */
    public HeadGraph(RoutingHead head, INDArray embeddings) {
        this.head = head;
        this.embeddings = embeddings.castTo(DataType.FLOAT);
        this.sd = SameDiff.create();
        SDVariable x = sd.placeHolder(EMBEDDING, DataType.FLOAT, -1, head.inputDim());   // (B, D)
        SDVariable logits = head.build(sd, x).rename(LOGITS);                          // (B, N)
        KlLoss.build(sd, logits, head.outputs());
    }

    @Override
    public SameDiff sameDiff() {
        return sd;
    }

    @Override
    public List<String> trainableVariables() {
        return List.copyOf(head.weights().keySet());
    }

    @Override
    public Map<String, INDArray> inputs(int[] rows) {
        return Map.of(EMBEDDING, embeddings.getRows(rows));
    }

    @Override
    public void finish() {
        head.updateFrom(sd);
    }
}
