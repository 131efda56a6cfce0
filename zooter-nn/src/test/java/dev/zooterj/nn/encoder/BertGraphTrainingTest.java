package dev.zooterj.nn.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import org.nd4j.linalg.learning.config.Adam;

/** The graph trains under SameDiff's fit, in place: the fast path of the same encoder sees the trained weights. */
class BertGraphTrainingTest {

    @Test
    void fittingAHeadOnTheGraphTrainsTheEncoderThatEncodeUses() {
        BertConfig c = new BertConfig(30, 16, 1, 4, 32, 16, 2, 1e-12);
        BertEncoder encoder = BertEncoder.random(c, 1);
        SameDiff sd = SameDiff.create();
        BertGraph graph = encoder.addTo(sd, BertGraph.WordEmbeddings.TRAINABLE);
        SDVariable head = sd.var("head", Nd4j.rand(DataType.FLOAT, 16, 3).muli(0.1));
        SDVariable labels = sd.placeHolder("labels", DataType.FLOAT, -1, 3);
        SDVariable loss = sd.loss.softmaxCrossEntropy("loss", labels, graph.pooled().mmul(head), null);
        sd.setLossVariables(loss);
        sd.setTrainingConfig(TrainingConfig.builder().updater(new Adam(1e-2))
                .dataSetFeatureMapping(BertGraph.IDS, BertGraph.MASK).dataSetLabelMapping("labels").build());

        int[][] ids = {{1, 2, 3, 2}, {4, 5, 0, 0}, {6, 6, 6, 0}};
        int[][] mask = {{1, 1, 1, 1}, {1, 1, 0, 0}, {1, 1, 1, 0}};
        Map<String, INDArray> inputs = new HashMap<>(BertGraph.placeholders(ids, mask));
        inputs.put("labels", Nd4j.createFromArray(new float[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}));
        MultiDataSet data = new MultiDataSet(new INDArray[] {inputs.get(BertGraph.IDS), inputs.get(BertGraph.MASK)},
                new INDArray[] {inputs.get("labels")});

        double lossBefore = sd.output(inputs, "loss").get("loss").getDouble(0);
        INDArray before = encoder.encode(ids, mask);
        for (int step = 0; step < 10; step++) {
            sd.fit(data);
        }
        double lossAfter = sd.output(inputs, "loss").get("loss").getDouble(0);
        INDArray after = encoder.encode(ids, mask);

        assertTrue(lossAfter < lossBefore / 2, "loss " + lossBefore + " -> " + lossAfter);
        assertTrue(before.sub(after).amaxNumber().doubleValue() > 1e-2, "training must move the encoder");
        assertArrayEquals(graph.encode(ids, mask).ravel().toFloatVector(), after.ravel().toFloatVector(), 1e-5f);
    }
}
