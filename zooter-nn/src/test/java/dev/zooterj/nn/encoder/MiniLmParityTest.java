package dev.zooterj.nn.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * all-MiniLM-L6-v2 loaded from its ONNX file: all three forward paths (Vector API, ND4J calls, SameDiff graph) give
 * ONNX Runtime's pooled embeddings, on 8 real sentences of 9 to 48 tokens in one padded batch, and on a sentence
 * alone (the path without padding).
 */
class MiniLmParityTest {

    private static final double TOLERANCE = 1e-4;

    private static BertEncoder encoder;
    private static OnnxRuntimeReference onnxRuntime;
    private static TestSentences.Batch batch;
    private static float[][] expected;

    @BeforeAll
    static void load() {
        encoder = BertEncoder.miniLm();
        onnxRuntime = new OnnxRuntimeReference(1);
        List<int[]> all = new ArrayList<>(TestSentences.tokenize(TestSentences.load()));
        all.sort(Comparator.comparingInt(s -> s.length));
        List<int[]> eight = new ArrayList<>();
        for (int i = 0; i < 8; i++) {                     // shortest, longest, and six between
            eight.add(all.get(i * (all.size() - 1) / 7));
        }
        java.util.Collections.shuffle(eight, new java.util.Random(3));
        batch = TestSentences.pad(eight);
        expected = onnxRuntime.encode(batch.ids(), batch.mask());
    }

    @AfterAll
    static void close() {
        onnxRuntime.close();
    }

    @Test
    void theDefaultPathIsTheVectorPathAndMatchesOnnxRuntime() {
        assertTrue(VectorSupport.available(), "tests must run with " + VectorSupport.JVM_OPTION);
        INDArray byDefault = encoder.encode(batch.ids(), batch.mask());
        assertClose(expected, byDefault, "encode()");
        INDArray vector = new VectorBertInference(encoder.config(), encoder.weights())
                .encode(batch.ids(), batch.mask(), Pooling.MEAN);
        assertArrayEquals(vector.ravel().toFloatVector(), byDefault.ravel().toFloatVector(), 0f, "encode() is the vector path");
    }

    @Test
    void theNd4jPathMatchesOnnxRuntime() {
        assertClose(expected, new BertInference(encoder.config(), encoder.weights()).encode(batch.ids(), batch.mask()),
                "nd4j");
    }

    @Test
    void theSameDiffGraphMatchesOnnxRuntime() {
        BertEncoder sameWeights = BertEncoder.of(encoder.config(), encoder.weights());   // keeps `encoder` unchanged
        for (BertGraph.WordEmbeddings words : BertGraph.WordEmbeddings.values()) {
            assertClose(expected, sameWeights.graph(words).encode(batch.ids(), batch.mask()), "graph " + words);
        }
    }

    @Test
    void aSentenceAloneMatchesOnnxRuntime() {
        TestSentences.Batch one = TestSentences.pad(List.of(TestSentences.tokenize(
                List.of("Which is heavier, a kilogram of feathers or a kilogram of steel? Explain.")).get(0)));
        float[][] reference = onnxRuntime.encode(one.ids(), one.mask());
        assertClose(reference, new VectorBertInference(encoder.config(), encoder.weights())
                .encode(one.ids(), one.mask(), Pooling.MEAN), "vector, alone");
        assertClose(reference, new BertInference(encoder.config(), encoder.weights()).encode(one.ids(), one.mask()),
                "nd4j, alone");
    }

    private static void assertClose(float[][] expected, INDArray actual, String what) {
        INDArray reference = Nd4j.createFromArray(expected);
        assertArrayEquals(reference.shape(), actual.shape(), what);
        double maxDiff = reference.sub(actual).amaxNumber().doubleValue();
        System.out.printf("MiniLM %s vs ONNX Runtime: max |diff| %.2e over %s%n", what, maxDiff,
                java.util.Arrays.toString(actual.shape()));
        assertTrue(maxDiff < TOLERANCE, what + ": max |diff| " + maxDiff);
    }
}
