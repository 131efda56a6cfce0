package dev.zooterj.nn.head;

import dev.zooterj.nn.train.KlLoss;
import dev.zooterj.nn.train.TrainableGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hand-written head gradients must equal what SameDiff derives from the graph. */
class HeadGraphTest {
    @Test
    void analyticGradientsEqualTheGraphsForLinearAndMlpHeads() {
        for (HeadConfig config : List.of(HeadConfig.linear(), HeadConfig.mlp(7))) {
            Nd4j.getRandom().setSeed(3);
            INDArray x = Nd4j.randn(DataType.FLOAT, 6, 5);
            HeadGraph graph = new HeadGraph(RoutingHead.initialise(config, 5, 4, 9), x);
            double[][] y = {{1, 0, 0, 0}, {.25, .25, .25, .25}, {0, .5, .5, 0}, {.1, .2, .3, .4}, {0, 0, 0, 1}, {.7, .1, .1, .1}};
            Map<String, INDArray> feed = new HashMap<>(graph.inputs(new int[]{0, 1, 2, 3, 4, 5}));
            feed.putAll(KlLoss.labelFeed(y));

            TrainableGraph.LossAndGradients fast = graph.lossAndGradients(feed);
            var reference = graph.sameDiff().calculateGradientsAndOutputs(feed, List.of(KlLoss.LOSS), graph.trainableVariables());
            assertEquals(reference.getOutputs().get(KlLoss.LOSS).getDouble(0), fast.loss(), 1e-5, config.toString());
            assertEquals(graph.trainableVariables().size(), fast.gradients().size());
            for (String name : graph.trainableVariables()) {
                INDArray expected = reference.getGradients().get(name);
                INDArray actual = fast.gradients().get(name).reshape(expected.shape());
                assertTrue(expected.equalsWithEps(actual, 1e-5), config + " " + name + ": " + expected + " vs " + actual);
            }
            TrainableGraph.LossAndLogits f = graph.forward(feed);
            INDArray logits = graph.sameDiff().output(feed, TrainableGraph.LOGITS).get(TrainableGraph.LOGITS);
            assertTrue(logits.equalsWithEps(f.logits(), 1e-5));
        }
    }
}
