package dev.zooterj.nn.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;

/** [CLS] and mean pooling, with and without L2 normalisation, the same on both forward paths and under padding. */
class PoolingTest {
    private static final BertConfig C = new BertConfig(30, 16, 2, 4, 32, 16, 2, 1e-12);
    private static final int[][] IDS = {{1, 2, 3, 2, 7}, {4, 5, 0, 0, 0}, {6, 6, 6, 9, 0}};
    private static final int[][] MASK = {{1, 1, 1, 1, 1}, {1, 1, 0, 0, 0}, {1, 1, 1, 1, 0}};

    @Test
    void bothPathsAgreeForEveryPoolingAndNormalisation() {
        Map<String, INDArray> weights = BertParameters.random(C, 5);
        for (Pooling pooling : Pooling.values()) {
            for (boolean normalize : new boolean[] {false, true}) {
                BertEncoder e = BertEncoder.of(C, weights, pooling, normalize);
                INDArray direct = e.encode(IDS, MASK);
                INDArray graph = e.graph(BertGraph.WordEmbeddings.FROZEN).encode(IDS, MASK);
                assertArrayEquals(graph.ravel().toFloatVector(), direct.ravel().toFloatVector(), 1e-5f, pooling + " " + normalize);
                if (normalize) {
                    for (int i = 0; i < IDS.length; i++) {
                        assertEquals(1.0, direct.getRow(i).norm2Number().doubleValue(), 1e-5);
                    }
                }
            }
        }
    }

    @Test
    void clsIsTheFirstTokenAndMeanIsTheAverageOfTheLastHiddenState() {
        Map<String, INDArray> weights = BertParameters.random(C, 6);
        BertGraph g = BertEncoder.of(C, weights).graph(BertGraph.WordEmbeddings.FROZEN);
        INDArray tokens = g.sameDiff().output(BertGraph.placeholders(IDS, MASK), BertGraph.TOKENS).get(BertGraph.TOKENS);  // [B, T, H]
        INDArray cls = BertEncoder.of(C, weights, Pooling.CLS, false).encode(IDS, MASK);
        INDArray mean = BertEncoder.of(C, weights, Pooling.MEAN, false).encode(IDS, MASK);
        for (int i = 0; i < IDS.length; i++) {
            INDArray first = tokens.get(NDArrayIndex.point(i), NDArrayIndex.point(0), NDArrayIndex.all());
            assertArrayEquals(first.toFloatVector(), cls.getRow(i).toFloatVector(), 1e-5f);
            int n = java.util.Arrays.stream(MASK[i]).sum();
            INDArray avg = tokens.get(NDArrayIndex.point(i), NDArrayIndex.interval(0, n), NDArrayIndex.all()).mean(0);
            assertArrayEquals(avg.toFloatVector(), mean.getRow(i).toFloatVector(), 1e-5f);
        }
    }

    @Test
    void aTextPooledAloneEqualsItsRowInAPaddedBatch() {
        BertEncoder e = BertEncoder.of(C, BertParameters.random(C, 7), Pooling.CLS, true);
        INDArray batch = e.encode(IDS, MASK);
        INDArray alone = e.encode(new int[][] {{4, 5}}, new int[][] {{1, 1}});
        assertArrayEquals(alone.getRow(0).toFloatVector(), batch.getRow(1).toFloatVector(), 1e-5f);
    }

    @Test
    void aClsNormalisedGraphTrainsAndTheDirectPathSeesIt() {
        BertEncoder encoder = BertEncoder.of(C, BertParameters.random(C, 8), Pooling.CLS, true);
        SameDiff sd = SameDiff.create();
        BertGraph graph = encoder.addTo(sd, BertGraph.WordEmbeddings.FROZEN);
        SDVariable head = sd.var("head", Nd4j.rand(DataType.FLOAT, 16, 3).muli(0.1));
        SDVariable labels = sd.placeHolder("labels", DataType.FLOAT, -1, 3);
        SDVariable loss = sd.loss.softmaxCrossEntropy("loss", labels, graph.pooled().mmul(head).mul(5.0), null);
        sd.setLossVariables(loss);
        sd.setTrainingConfig(TrainingConfig.builder().updater(new Adam(1e-2))
                .dataSetFeatureMapping(BertGraph.IDS, BertGraph.MASK).dataSetLabelMapping("labels").build());
        Map<String, INDArray> inputs = new HashMap<>(BertGraph.placeholders(IDS, MASK));
        inputs.put("labels", Nd4j.createFromArray(new float[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}));
        MultiDataSet data = new MultiDataSet(new INDArray[] {inputs.get(BertGraph.IDS), inputs.get(BertGraph.MASK)},
                new INDArray[] {inputs.get("labels")});
        double before = sd.output(inputs, "loss").get("loss").getDouble(0);
        for (int step = 0; step < 15; step++) {
            sd.fit(data);
        }
        double after = sd.output(inputs, "loss").get("loss").getDouble(0);
        assertTrue(after < before * 0.8, "loss " + before + " -> " + after);
        assertArrayEquals(graph.encode(IDS, MASK).ravel().toFloatVector(), encoder.encode(IDS, MASK).ravel().toFloatVector(), 1e-5f);
    }

    @Test
    void poolingParsesItsLabels() {
        assertEquals(Pooling.CLS, Pooling.parse(" CLS "));
        assertEquals(Pooling.MEAN, Pooling.parse("mean"));
        assertEquals("unknown pooling 'max'; expected mean or cls",
                assertThrows(IllegalArgumentException.class, () -> Pooling.parse("max")).getMessage());
    }
}
