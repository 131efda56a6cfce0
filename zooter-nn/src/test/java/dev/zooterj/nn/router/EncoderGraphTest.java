package dev.zooterj.nn.router;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;

import dev.zooterj.nn.encoder.BertConfig;
import dev.zooterj.nn.encoder.BertEncoder;
import dev.zooterj.nn.encoder.BertGraph;
import dev.zooterj.nn.head.HeadConfig;
import dev.zooterj.nn.head.RoutingHead;
import dev.zooterj.nn.train.KlLoss;
import dev.zooterj.nn.train.TrainableGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class EncoderGraphTest {

    private static final int[][] TOKENS = {{2, 5, 7, 9, 3}, {2, 9, 3}, {2, 4, 4, 4, 4, 4, 4, 4, 4, 3}};

    @Test
    void batchesArePaddedToAMultipleOfEightTokensWithoutChangingTheLogits() {
        BertConfig config = new BertConfig(30, 16, 2, 4, 32, 12, 2, 1e-12);
        EncoderGraph graph = new EncoderGraph(BertEncoder.random(config, 1), RoutingHead.initialise(HeadConfig.linear(), 16, 3, 9),
                TOKENS, 0, BertGraph.WordEmbeddings.FROZEN);

        Map<String, INDArray> padded = graph.inputs(new int[]{0, 1});
        assertArrayEquals(new long[]{2, 8}, padded.get(BertGraph.IDS).shape());
        assertArrayEquals(new float[]{5, 3}, padded.get(BertGraph.MASK).sum(1).toFloatVector());
        assertArrayEquals(new long[]{3, 12}, graph.inputs(new int[]{0, 1, 2}).get(BertGraph.IDS).shape(),
                "never beyond the encoder's positions (12 here)");

        Map<String, INDArray> exact = new HashMap<>(BertGraph.placeholders(
                new int[][]{{2, 5, 7, 9, 3}, {2, 9, 3, 0, 0}}, new int[][]{{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}}));
        Map<String, INDArray> feed = new HashMap<>(padded);
        for (Map<String, INDArray> f : java.util.List.of(exact, feed)) {
            f.putAll(KlLoss.labelFeed(new double[][]{{.5, .25, .25}, {0, 1, 0}}));
        }
        INDArray want = graph.sameDiff().output(exact, TrainableGraph.LOGITS).get(TrainableGraph.LOGITS).dup();
        INDArray got = graph.forward(feed).logits();
        assertEquals(0, want.sub(got).amaxNumber().doubleValue(), 1e-6);
    }
}
