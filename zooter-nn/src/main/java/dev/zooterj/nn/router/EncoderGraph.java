package dev.zooterj.nn.router;

import dev.zooterj.nn.encoder.BertEncoder;
import dev.zooterj.nn.encoder.BertGraph;
import dev.zooterj.nn.encoder.BertParameters;
import dev.zooterj.nn.head.RoutingHead;
import dev.zooterj.nn.train.KlLoss;
import dev.zooterj.nn.train.TrainableGraph;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Encoder + head + KL loss in one SameDiff graph, for fine-tuning a pretrained encoder or training one from
 * scratch. The graph's variables are the encoder's and head's own arrays, so training updates the weights
 * the fast inference path reads.
 */
public final class EncoderGraph implements TrainableGraph {
    private final SameDiff sd;
    private final List<String> trainable;
    private final int[][] tokens;
    private final int padId;
    private final int maxPositions;

    /**
     * Batches are padded to a multiple of this many tokens, so that a training loop meets few distinct shapes and
     * its {@link dev.zooterj.nn.train.StepMemory} reuses their memory. The mask keeps padding out of attention and
     * pooling.
     */
    static final int PAD_MULTIPLE = 8;

    /**
     * @param tokens token ids of every example row (with [CLS]/[SEP], truncated), unpadded
     * @param words  whether the word-embedding table trains
     */
    public EncoderGraph(BertEncoder encoder, RoutingHead head, int[][] tokens, int padId, BertGraph.WordEmbeddings words) {
        this.sd = SameDiff.create();
        this.tokens = tokens;
        this.padId = padId;
        this.maxPositions = encoder.config().maxPositions();
        BertGraph bert = encoder.addTo(sd, words);
        head.build(sd, bert.pooled()).rename(LOGITS);
        KlLoss.build(sd, sd.getVariable(LOGITS), head.outputs());
        List<String> names = new ArrayList<>();
        for (String name : encoder.weights().keySet()) {
            if (!(name.equals(BertParameters.WORD_EMBEDDINGS) && words == BertGraph.WordEmbeddings.FROZEN)) {
                names.add(name);
            }
        }
        names.addAll(head.weights().keySet());
        this.trainable = List.copyOf(names);
    }

    @Override
    public SameDiff sameDiff() {
        return sd;
    }

    @Override
    public List<String> trainableVariables() {
        return trainable;
    }

    @Override
    public Map<String, INDArray> inputs(int[] rows) {
        int longest = 0;
        for (int r : rows) {
            longest = Math.max(longest, tokens[r].length);
        }
        longest = Math.max(longest, Math.min(maxPositions, (longest + PAD_MULTIPLE - 1) / PAD_MULTIPLE * PAD_MULTIPLE));
        int[][] ids = new int[rows.length][longest];
        int[][] mask = new int[rows.length][longest];
        for (int b = 0; b < rows.length; b++) {
            int[] t = tokens[rows[b]];
            System.arraycopy(t, 0, ids[b], 0, t.length);
            Arrays.fill(ids[b], t.length, longest, padId);
            Arrays.fill(mask[b], 0, t.length, 1);
        }
        return BertGraph.placeholders(ids, mask);
    }

    @Override
    public void finish() {
        // variables wrap the encoder's and head's arrays: nothing to copy back
    }
}
