package dev.zooterj.nn.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The Vector API path computes what the ND4J path and the SameDiff graph compute, and {@link BertEncoder} switches
 * between its copy of the weights and the live arrays as documented.
 */
class VectorBertInferenceTest {

    private static final float TOLERANCE = 1e-5f;
    // widths below, between and above a vector's length, so that every kernel branch runs:
    // hidden 16 (head size 4), hidden 24 with 3 heads (head size 8), hidden 96 (panels of 3 vectors on AVX-512)
    private static final BertConfig[] CONFIGS = {
        new BertConfig(40, 16, 2, 4, 32, 24, 2, 1e-5),
        new BertConfig(50, 24, 2, 3, 40, 40, 2, 1e-5),
        new BertConfig(60, 96, 1, 4, 192, 70, 2, 1e-12),
    };

    @Test
    void theTestJvmLoadsTheVectorModule() {
        assertTrue(VectorSupport.moduleLoaded(), "surefire must pass " + VectorSupport.JVM_OPTION);
        assertTrue(VectorSupport.available());
    }

    @Test
    void paddedBatchesMatchTheNd4jPathAndTheGraph() {
        for (BertConfig c : CONFIGS) {
            BertEncoder encoder = BertEncoder.random(c, 11);
            int[] lengths = {7, 1, 4, 0, 7, 23};   // a row of padding only, one token, full rows, a long text
            int t = Math.min(23, c.maxPositions());
            int[][] ids = ids(c, lengths, t, 3);
            int[][] mask = BertInferenceTest.mask(lengths, t);
            for (Pooling pooling : Pooling.values()) {
                INDArray vector = new VectorBertInference(c, encoder.weights()).encode(ids, mask, pooling);
                INDArray nd4j = new BertInference(c, encoder.weights()).encode(ids, mask, pooling);
                assertArrayEquals(nd4j.shape(), vector.shape());
                assertArrayEquals(nd4j.ravel().toFloatVector(), vector.ravel().toFloatVector(), TOLERANCE,
                        c + " " + pooling);
                assertEquals(0.0, vector.getRow(3).norm2Number().doubleValue(), 0.0, "a row of padding pools to zeros");
            }
            INDArray graph = BertEncoder.of(c, encoder.weights()).graph(BertGraph.WordEmbeddings.FROZEN).encode(ids, mask);
            INDArray vector = new VectorBertInference(c, encoder.weights()).encode(ids, mask, Pooling.MEAN);
            assertArrayEquals(graph.ravel().toFloatVector(), vector.ravel().toFloatVector(), TOLERANCE, c + " graph");
        }
    }

    @Test
    void aMaskWithHolesKeepsEachTokensPaddedPosition() {
        BertConfig c = CONFIGS[1];
        BertEncoder encoder = BertEncoder.random(c, 12);
        int[][] ids = ids(c, new int[] {6, 6}, 6, 4);
        int[][] mask = {{0, 1, 1, 0, 1, 1}, {1, 1, 1, 1, 1, 0}};   // left padding and a hole; as PackedBatch defines
        INDArray vector = new VectorBertInference(c, encoder.weights()).encode(ids, mask, Pooling.MEAN);
        INDArray nd4j = new BertInference(c, encoder.weights()).encode(ids, mask, Pooling.MEAN);
        assertArrayEquals(nd4j.ravel().toFloatVector(), vector.ravel().toFloatVector(), TOLERANCE);
    }

    @Test
    void encodeUsesACopyUntilAGraphIsBuiltThenTheLiveWeights() {
        BertConfig c = CONFIGS[0];
        BertEncoder encoder = BertEncoder.random(c, 13);
        int[] lengths = {6, 3};
        int[][] ids = ids(c, lengths, 6, 5);
        int[][] mask = BertInferenceTest.mask(lengths, 6);
        INDArray before = encoder.encode(ids, mask);
        assertArrayEquals(new VectorBertInference(c, encoder.weights()).encode(ids, mask, Pooling.MEAN).ravel().toFloatVector(),
                before.ravel().toFloatVector(), 0f, "encode() runs the vector path");

        encoder.weights().get(BertParameters.layer(1).upWeight()).muli(3);   // written without telling the encoder
        assertArrayEquals(before.ravel().toFloatVector(), encoder.encode(ids, mask).ravel().toFloatVector(), 0f,
                "the copy taken at the first encode() is used until weightsChanging()");

        BertGraph graph = encoder.graph(BertGraph.WordEmbeddings.TRAINABLE);   // calls weightsChanging()
        INDArray after = encoder.encode(ids, mask);
        assertTrue(before.sub(after).amaxNumber().doubleValue() > 1e-3, "the update must now change the output");
        assertArrayEquals(graph.encode(ids, mask).ravel().toFloatVector(), after.ravel().toFloatVector(), TOLERANCE);
        encoder.weights().get(BertParameters.WORD_EMBEDDINGS).addi(0.05);     // as an optimiser would, in place
        assertArrayEquals(graph.encode(ids, mask).ravel().toFloatVector(), encoder.encode(ids, mask).ravel().toFloatVector(),
                TOLERANCE, "later updates are seen at once");
    }

    @Test
    void weightsChangingAloneSwitchesToTheLiveWeights() {
        BertConfig c = CONFIGS[0];
        BertEncoder encoder = BertEncoder.random(c, 14);
        int[][] ids = ids(c, new int[] {5}, 5, 6);
        int[][] mask = BertInferenceTest.mask(new int[] {5}, 5);
        INDArray before = encoder.encode(ids, mask);
        encoder.weightsChanging();
        encoder.weights().get(BertParameters.layer(0).qkvWeight()).muli(2);
        INDArray after = encoder.encode(ids, mask);
        assertTrue(before.sub(after).amaxNumber().doubleValue() > 1e-4);
        assertArrayEquals(new BertInference(c, encoder.weights()).encode(ids, mask).ravel().toFloatVector(),
                after.ravel().toFloatVector(), 0f);
    }

    @Test
    void badInputsAreRejectedWithTheReason() {
        BertConfig c = CONFIGS[0];
        VectorBertInference v = new VectorBertInference(c, BertParameters.random(c, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> v.encode(new int[][] {{1, 40}}, new int[][] {{1, 1}}, Pooling.MEAN));
        assertTrue(e.getMessage().contains("outside the vocabulary"), e.getMessage());
        assertArrayEquals(new long[] {0, c.hidden()}, v.encode(new int[0][], new int[0][], Pooling.MEAN).shape());
    }

    private static int[][] ids(BertConfig c, int[] lengths, int t, long seed) {
        java.util.Random random = new java.util.Random(seed);
        int[][] ids = new int[lengths.length][t];
        for (int i = 0; i < lengths.length; i++) {
            for (int j = 0; j < t; j++) {
                ids[i][j] = j < lengths[i] ? 1 + random.nextInt(c.vocabSize() - 1) : 0;
            }
        }
        return ids;
    }
}
