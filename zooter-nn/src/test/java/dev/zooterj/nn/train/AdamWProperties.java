package dev.zooterj.nn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.HashMap;
import java.util.Map;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@link AdamW}'s step, written into working arrays so that it allocates nothing, against the definition with a new
 * array per operation (below): the same weights to the bit after several steps.
 */
class AdamWProperties {

    @Property(tries = 50)
    void theInPlaceStepEqualsTheDefinitionToTheBit(@ForAll @IntRange(min = 1, max = 40) int size,
                                                   @ForAll @IntRange(min = 1, max = 6) int steps,
                                                   @ForAll @DoubleRange(min = 0, max = 0.1) double weightDecay,
                                                   @ForAll long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray p = Nd4j.randn(DataType.FLOAT, 2, size);
        INDArray q = p.dup();
        AdamW adam = new AdamW(weightDecay);
        Map<String, INDArray> m = new HashMap<>();
        Map<String, INDArray> v = new HashMap<>();
        for (int t = 1; t <= steps; t++) {
            INDArray g = Nd4j.randn(DataType.FLOAT, 2, size);
            double lr = 0.01 * t;
            adam.step(Map.of("p", p), new HashMap<>(Map.of("p", g.dup())), lr);
            definition(q, g, m, v, t, weightDecay, lr);
            assertArrayEquals(q.ravel().toFloatVector(), p.ravel().toFloatVector(), "step " + t);
        }
    }

    private static void definition(INDArray p, INDArray g, Map<String, INDArray> m, Map<String, INDArray> v, int step,
                                   double weightDecay, double lr) {
        double beta1 = 0.9;
        double beta2 = 0.999;
        double c1 = 1 - Math.pow(beta1, step);
        double c2 = 1 - Math.pow(beta2, step);
        INDArray mt = m.computeIfAbsent("p", k -> Nd4j.zeros(p.dataType(), p.shape()));
        INDArray vt = v.computeIfAbsent("p", k -> Nd4j.zeros(p.dataType(), p.shape()));
        mt.muli(beta1).addi(g.mul(1 - beta1));
        vt.muli(beta2).addi(g.mul(g).muli(1 - beta2));
        INDArray update = mt.div(c1).divi(Transforms.sqrt(vt.div(c2), false).addi(1e-8));
        if (weightDecay != 0) {
            update.addi(p.mul(weightDecay));
        }
        p.subi(update.muli(lr));
    }
}
