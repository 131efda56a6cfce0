package dev.zooterj.nn.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The trainable graph's word-embedding gradient when an id repeats: the row's gradient must be the sum over its
 * occurrences (SameDiff's own gather keeps only one). Loss = Σ pooled · r for a fixed random r.
 */
class WordEmbeddingGradientTest {

    private static final BertConfig TINY = new BertConfig(20, 8, 1, 2, 16, 16, 2, 1e-12);
    private static final int REPEATED = 3;

    // id 3 occurs three times: twice in row 0, once in row 1 (which is padded)
    private static final int[][] IDS = {{REPEATED, 5, REPEATED, 7}, {REPEATED, 9, 0, 0}};
    // the same text, but the 2nd and 3rd occurrence of id 3 use ids 10 and 11, whose rows will equal row 3
    private static final int[][] IDS_SPLIT = {{REPEATED, 5, 10, 7}, {11, 9, 0, 0}};
    private static final int[][] MASK = {{1, 1, 1, 1}, {1, 1, 0, 0}};

    @Test
    void theRowOfARepeatedIdGetsTheSumOfItsOccurrences() {
        Map<String, INDArray> weights = BertParameters.random(TINY, 7);
        INDArray word = weights.get(BertParameters.WORD_EMBEDDINGS);
        word.putRow(10, word.getRow(REPEATED));
        word.putRow(11, word.getRow(REPEATED));

        INDArray repeated = wordGradient(weights, IDS);
        INDArray split = wordGradient(weights, IDS_SPLIT);

        INDArray sumOfOccurrences = split.getRow(REPEATED).add(split.getRow(10)).add(split.getRow(11));
        assertTrue(sumOfOccurrences.norm2Number().doubleValue() > 1e-3, "the loss must depend on the embedding");
        assertArrayEquals(sumOfOccurrences.toFloatVector(), repeated.getRow(REPEATED).toFloatVector(), 1e-5f);
        assertEquals(0.0, repeated.getRow(10).norm2Number().doubleValue(), 0.0, "ids not in the batch get no gradient");
        assertEquals(0.0, repeated.getRow(0).norm2Number().doubleValue(), 0.0, "the pad id (masked) gets no gradient");
    }

    @Test
    void theRepeatedIdsGradientMatchesCentralDifferences() {
        Map<String, INDArray> weights = BertParameters.random(TINY, 11);
        INDArray analytic = wordGradient(weights, IDS).getRow(REPEATED);
        INDArray word = weights.get(BertParameters.WORD_EMBEDDINGS);
        double scale = analytic.amaxNumber().doubleValue();
        double h = 1e-3;
        for (int k = 0; k < TINY.hidden(); k++) {
            float original = word.getFloat(REPEATED, k);
            word.putScalar(new long[] {REPEATED, k}, original + h);
            double plus = loss(weights, IDS);
            word.putScalar(new long[] {REPEATED, k}, original - h);
            double minus = loss(weights, IDS);
            word.putScalar(new long[] {REPEATED, k}, original);
            double numeric = (plus - minus) / (2 * h);
            assertEquals(numeric, analytic.getDouble(k), 2e-2 * scale, "d loss / d word[" + REPEATED + ", " + k + "]");
        }
    }

    @Test
    void everyParameterGetsAGradientOfItsOwnShape() {
        Map<String, INDArray> weights = BertParameters.random(TINY, 3);
        Graph g = graph(weights);
        Map<String, INDArray> grads = g.sd().calculateGradients(BertGraph.placeholders(IDS, MASK),
                weights.keySet().toArray(new String[0]));
        weights.forEach((name, w) -> {
            assertNotNull(grads.get(name), name);
            assertArrayEquals(w.shape(), grads.get(name).shape(), name);
        });
    }

    private record Graph(SameDiff sd, SDVariable loss) {
    }

    /** The tiny encoder with a trainable word table and loss Σ pooled · r. */
    private static Graph graph(Map<String, INDArray> weights) {
        BertGraph bert = BertGraph.build(TINY, weights, BertGraph.WordEmbeddings.TRAINABLE);
        SameDiff sd = bert.sameDiff();
        float[] readout = new float[TINY.hidden()];
        for (int k = 0; k < readout.length; k++) {
            readout[k] = -1 + 0.3f * k;
        }
        INDArray r = Nd4j.createFromArray(readout).reshape(1, TINY.hidden());
        SDVariable loss = sd.sum("loss", bert.pooled().mul(sd.constant(r)));
        sd.setLossVariables(loss);
        return new Graph(sd, loss);
    }

    private static INDArray wordGradient(Map<String, INDArray> weights, int[][] ids) {
        return graph(weights).sd().calculateGradients(BertGraph.placeholders(ids, MASK), BertParameters.WORD_EMBEDDINGS)
                .get(BertParameters.WORD_EMBEDDINGS);
    }

    private static double loss(Map<String, INDArray> weights, int[][] ids) {
        Graph g = graph(weights);
        return g.sd().output(BertGraph.placeholders(ids, MASK), "loss").get("loss").getDouble(0);
    }
}
