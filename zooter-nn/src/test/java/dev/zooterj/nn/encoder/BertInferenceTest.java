package dev.zooterj.nn.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The direct inference path computes what the SameDiff graph computes, from the same (shared) weights. */
class BertInferenceTest {

    // eps 1e-5 (not 1e-12) so that a layer norm adding eps anywhere but to the variance would show
    private static final BertConfig TINY = new BertConfig(40, 16, 2, 4, 32, 24, 2, 1e-5);
    private static final float TOLERANCE = 1e-5f;

    @Test
    void aPaddedBatchMatchesTheGraph() {
        BertEncoder encoder = BertEncoder.random(TINY, 5);
        // lengths 7, 1, 4, 0 (all padding) and 7 (full)
        int[] lengths = {7, 1, 4, 0, 7};
        int[][] ids = randomIds(lengths, 7, 1);
        int[][] mask = mask(lengths, 7);
        assertMatchesGraph(encoder, ids, mask);
        INDArray pooled = encoder.encode(ids, mask);
        assertEquals(0.0, pooled.getRow(3).norm2Number().doubleValue(), 0.0, "a row of padding pools to zeros");
        assertEquals(DataType.FLOAT, pooled.dataType());
        assertArrayEquals(new long[] {5, TINY.hidden()}, pooled.shape());
    }

    @Test
    void everyWayOfGroupingTextsForAttentionMatchesTheGraph() {
        BertEncoder encoder = BertEncoder.random(TINY, 4);
        int[] lengths = {2, 9, 5, 9, 1, 5, 0, 3};
        int[][] ids = randomIds(lengths, 9, 6);
        int[][] mask = mask(lengths, 9);
        INDArray graph = encoder.graph(BertGraph.WordEmbeddings.FROZEN).encode(ids, mask);
        for (double groupCost : new double[] {0, 30, 1e9}) {   // a group per length, some groups, one group
            INDArray direct = new BertInference(TINY, encoder.weights(), groupCost).encode(ids, mask);
            assertArrayEquals(graph.ravel().toFloatVector(), direct.ravel().toFloatVector(), TOLERANCE,
                    "group cost " + groupCost);
        }
    }

    @Test
    void batchesWithoutPaddingMatchTheGraph() {
        BertEncoder encoder = BertEncoder.random(TINY, 6);
        assertMatchesGraph(encoder, randomIds(new int[] {9}, 9, 2), mask(new int[] {9}, 9));            // one text
        assertMatchesGraph(encoder, randomIds(new int[] {5, 5, 5}, 5, 3), mask(new int[] {5, 5, 5}, 5));  // equal lengths
    }

    @Test
    void aTextEncodesTheSameAloneAndInABatch() {
        BertEncoder encoder = BertEncoder.random(TINY, 8);
        int[] lengths = {3, 11, 6};
        int[][] ids = randomIds(lengths, 11, 4);
        INDArray batch = encoder.encode(ids, mask(lengths, 11));
        for (int i = 0; i < lengths.length; i++) {
            int[][] alone = {java.util.Arrays.copyOf(ids[i], lengths[i])};
            INDArray single = encoder.encode(alone, mask(new int[] {lengths[i]}, lengths[i]));
            assertArrayEquals(single.toFloatVector(), batch.getRow(i).toFloatVector(), TOLERANCE, "text " + i);
        }
    }

    @Test
    void weightUpdatesAreSeenByBothPaths() {
        BertEncoder encoder = BertEncoder.random(TINY, 9);
        int[] lengths = {6, 3};
        int[][] ids = randomIds(lengths, 6, 5);
        int[][] mask = mask(lengths, 6);
        BertGraph graph = encoder.graph(BertGraph.WordEmbeddings.TRAINABLE);
        INDArray before = encoder.encode(ids, mask);
        encoder.weights().get(BertParameters.layer(1).upWeight()).muli(3);   // as an optimiser would, in place
        encoder.weights().get(BertParameters.WORD_EMBEDDINGS).addi(0.05);
        INDArray after = encoder.encode(ids, mask);
        assertTrue(before.sub(after).amaxNumber().doubleValue() > 1e-3, "the update must change the output");
        assertArrayEquals(graph.encode(ids, mask).ravel().toFloatVector(), after.ravel().toFloatVector(), TOLERANCE);
    }

    @Test
    void badInputsAreRejectedWithTheReason() {
        BertEncoder encoder = BertEncoder.random(TINY, 1);
        assertRejected(encoder, new int[][] {{1, 2}, {3}}, new int[][] {{1, 1}, {1}}, "padded to the same length");
        assertRejected(encoder, new int[][] {{1, 2}}, new int[][] {{1, 2}}, "0 or 1");
        assertRejected(encoder, new int[][] {{1, 40}}, new int[][] {{1, 1}}, "outside the vocabulary");
        assertRejected(encoder, new int[][] {new int[25]}, new int[][] {new int[25]}, "at most 24");
        assertRejected(encoder, new int[][] {{1}}, new int[][] {{1}, {1}}, "rows");
    }

    @Test
    void anEmptyBatchGivesAnEmptyResult() {
        INDArray pooled = BertEncoder.random(TINY, 1).encode(new int[0][], new int[0][]);
        assertArrayEquals(new long[] {0, TINY.hidden()}, pooled.shape());
    }

    private static void assertRejected(BertEncoder encoder, int[][] ids, int[][] mask, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> encoder.encode(ids, mask));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    private static void assertMatchesGraph(BertEncoder encoder, int[][] ids, int[][] mask) {
        INDArray direct = encoder.encode(ids, mask);
        for (BertGraph.WordEmbeddings words : BertGraph.WordEmbeddings.values()) {
            INDArray graph = encoder.graph(words).encode(ids, mask);
            assertArrayEquals(graph.shape(), direct.shape());
            assertArrayEquals(graph.ravel().toFloatVector(), direct.ravel().toFloatVector(), TOLERANCE, words.toString());
        }
    }

    /** Random ids in [1, vocab) for the first lengths[i] tokens of each row, pad id 0 after. */
    static int[][] randomIds(int[] lengths, int t, long seed) {
        Random random = new Random(seed);
        int[][] ids = new int[lengths.length][t];
        for (int i = 0; i < lengths.length; i++) {
            for (int j = 0; j < lengths[i]; j++) {
                ids[i][j] = 1 + random.nextInt(TINY.vocabSize() - 1);
            }
        }
        return ids;
    }

    static int[][] mask(int[] lengths, int t) {
        int[][] mask = new int[lengths.length][t];
        for (int i = 0; i < lengths.length; i++) {
            java.util.Arrays.fill(mask[i], 0, lengths[i], 1);
        }
        return mask;
    }
}
