package dev.zooterj.nn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.zooterj.nn.encoder.BertConfig;
import dev.zooterj.nn.encoder.BertEncoder;
import dev.zooterj.nn.encoder.BertGraph;
import dev.zooterj.nn.head.HeadConfig;
import dev.zooterj.nn.head.RoutingHead;
import dev.zooterj.nn.router.EncoderGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class StepMemoryTest {

    private static final int[][] TOKENS = {
            {2, 5, 7, 3}, {2, 9, 3}, {2, 11, 12, 13, 14, 3}, {2, 4, 3},
            {2, 6, 6, 6, 6, 6, 6, 3}, {2, 8, 3}, {2, 15, 16, 3},
            {2, 17, 18, 19, 20, 21, 22, 3}, {2, 23, 24, 25, 3}, {2, 26, 3}, {2, 27, 28, 29, 3}};

    private static final double[][] LABELS = {
            {.7, .2, .1}, {0, 1, 0}, {.3, .3, .4}, {1, 0, 0}, {.1, .1, .8}, {.5, .5, 0},
            {.2, .6, .2}, {0, 0, 1}, {.4, .4, .2}, {.9, .05, .05}, {.25, .5, .25}};

    private static EncoderGraph graph(BertGraph.WordEmbeddings words) {
        BertConfig config = new BertConfig(30, 16, 2, 4, 32, 16, 2, 1e-12);
        return new EncoderGraph(BertEncoder.random(config, 1), RoutingHead.initialise(HeadConfig.mlp(8), 16, 3, 9),
                TOKENS, 0, words);
    }

    private static Map<String, INDArray> feed(EncoderGraph graph, int[] rows) {
        Map<String, INDArray> feed = new HashMap<>(graph.inputs(rows));
        double[][] y = new double[rows.length][];
        for (int b = 0; b < rows.length; b++) {
            y[b] = LABELS[rows[b]];
        }
        feed.putAll(KlLoss.labelFeed(y));
        return feed;
    }

    /**
     * The pooled steps compute what SameDiff's own manager computes, bit for bit, over batches whose shapes change
     * and come back; shapes seen before allocate (almost) nothing new.
     */
    @Test
    void pooledStepsGiveTheGraphsOwnResultsBitForBitAndReuseTheirMemory() {
        for (BertGraph.WordEmbeddings words : BertGraph.WordEmbeddings.values()) {
            EncoderGraph reference = graph(words);
            EncoderGraph pooled = graph(words);
            int[][] batches = {{0, 1, 2, 3}, {4, 5, 6}, {0, 1, 2, 3}, {7, 8, 9, 10}, {4, 5, 6}, {0, 1, 2, 3}};
            long allocatedAfterFirstPass = -1;
            for (int k = 0; k < batches.length; k++) {
                Map<String, INDArray> feed = feed(reference, batches[k]);
                var expected = GradientNotes.quietly(() -> reference.sameDiff()
                        .calculateGradientsAndOutputs(feed, List.of(KlLoss.LOSS), reference.trainableVariables()));
                TrainableGraph.LossAndGradients actual = pooled.lossAndGradients(feed(pooled, batches[k]));
                String step = words + " step " + k;
                assertEquals(expected.getOutputs().get(KlLoss.LOSS).getDouble(0), actual.loss(), 0.0, step);
                assertEquals(reference.trainableVariables().size(), actual.gradients().size(), step);
                for (String name : reference.trainableVariables()) {
                    assertArrayEquals(expected.getGradients().get(name).ravel().toFloatVector(),
                            actual.gradients().get(name).ravel().toFloatVector(), step + " " + name);
                }
                INDArray logits = reference.sameDiff().output(feed, TrainableGraph.LOGITS).get(TrainableGraph.LOGITS);
                assertArrayEquals(logits.ravel().toFloatVector(),
                        pooled.forward(feed(pooled, batches[k])).logits().ravel().toFloatVector(), step + " logits");

                StepMemory memory = StepMemory.of(pooled.sameDiff().getFunction(TrainableGraph.GRADIENT_FUNCTION));
                if (k == 3) {
                    allocatedAfterFirstPass = memory.allocatedBytes();
                } else if (k > 3) {
                    long more = memory.allocatedBytes() - allocatedAfterFirstPass;
                    assertTrue(more * 100 < allocatedAfterFirstPass, step + ": a known shape allocates (almost) nothing: " + more
                            + " bytes after " + allocatedAfterFirstPass + " (the session's op order may keep one more small array live)");
                }
            }
            assertTrue(allocatedAfterFirstPass > 0);
        }
    }

    @Test
    void anArrayIsLentAgainAfterTheStepEndsOrItIsReleased() {
        StepMemory memory = new StepMemory();
        INDArray a = memory.allocate(false, DataType.FLOAT, 2, 3);
        INDArray b = memory.allocate(false, DataType.FLOAT, 2, 3);
        assertNotSame(a, b, "two arrays lent in one step are distinct");
        memory.release(b);
        assertSame(b, memory.allocate(false, DataType.FLOAT, 2, 3), "a released array is lent again");
        memory.reset();
        INDArray c = memory.allocate(false, DataType.FLOAT, 2, 3);
        INDArray d = memory.allocate(false, DataType.FLOAT, 2, 3);
        assertTrue((c == a || c == b) && (d == a || d == b) && c != d, "after reset both arrays are lent again");
        assertEquals(2 * 6 * 4, memory.allocatedBytes());
        INDArray other = memory.allocate(false, DataType.DOUBLE, 2, 3);
        assertEquals(DataType.DOUBLE, other.dataType());
        assertEquals(2 * 6 * 4 + 6 * 8, memory.allocatedBytes(), "another type is another pool");
        assertArrayEquals(new long[]{3, 2}, memory.allocate(false, DataType.FLOAT, 3, 2).shape());
    }

    @Test
    void shapesNoLongerUsedAreFreedOnceMoreThanTwiceTheLargestStepIsHeld() {
        StepMemory memory = new StepMemory();
        INDArray a = memory.allocate(false, DataType.FLOAT, 250);   // 1,000 bytes: step 0
        memory.reset();
        memory.allocate(false, DataType.FLOAT, 10, 25);                    // step 1
        memory.reset();
        assertEquals(2000, memory.ownedBytes(), "two steps' worth is kept");
        memory.allocate(false, DataType.FLOAT, 25, 10);                    // step 2: a third shape
        memory.reset();
        assertEquals(2000, memory.ownedBytes(), "the oldest unused shape is freed");
        assertTrue(a.wasClosed(), "its array is closed");
        INDArray again = memory.allocate(false, DataType.FLOAT, 250);
        assertNotSame(a, again);
        assertEquals(4000, memory.allocatedBytes());
        memory.close();
        assertEquals(0, memory.ownedBytes());
        assertTrue(again.wasClosed());
    }
}
