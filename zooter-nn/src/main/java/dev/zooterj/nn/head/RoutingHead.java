package dev.zooterj.nn.head;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Pooled embedding [B, D] → N logits [B, N], linear or with one ReLU hidden layer. The weights are plain
 * arrays shared by the SameDiff training graph and the direct inference path.
 */
public final class RoutingHead {
    public static final String W1 = "head/w1";
    public static final String B1 = "head/b1";
    public static final String W2 = "head/w2";
    public static final String B2 = "head/b2";

    private final HeadConfig config;
    private final int inputDim;
    private final int outputs;
    private final Map<String, INDArray> weights;

    private RoutingHead(HeadConfig config, int inputDim, int outputs, Map<String, INDArray> weights) {
        this.config = config;
        this.inputDim = inputDim;
        this.outputs = outputs;
        this.weights = weights;
    }

    /** Xavier-uniform weights and zero biases, drawn from a seeded Java RNG so every backend gets the same numbers. */
    public static RoutingHead initialise(HeadConfig config, int inputDim, int outputs, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, INDArray> w = new LinkedHashMap<>();
        if (config.isLinear()) {
            w.put(W2, xavier(rng, inputDim, outputs));
        } else {
            w.put(W1, xavier(rng, inputDim, config.hidden()));
            w.put(B1, Nd4j.zeros(DataType.FLOAT, config.hidden()));
            w.put(W2, xavier(rng, config.hidden(), outputs));
        }
        w.put(B2, Nd4j.zeros(DataType.FLOAT, outputs));
        return new RoutingHead(config, inputDim, outputs, w);
    }

    /** A head from saved weights; shapes are checked against the config. */
    public static RoutingHead fromWeights(HeadConfig config, int inputDim, int outputs, Map<String, INDArray> saved) {
        RoutingHead expected = initialise(config, inputDim, outputs, 0);
        Map<String, INDArray> w = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : expected.weights.entrySet()) {
            INDArray v = saved.get(e.getKey());
            if (v == null) {
                throw new IllegalArgumentException("head weight '" + e.getKey() + "' is missing");
            }
            if (!java.util.Arrays.equals(v.shape(), e.getValue().shape())) {
                throw new IllegalArgumentException("head weight '" + e.getKey() + "' has shape "
                        + java.util.Arrays.toString(v.shape()) + ", the config needs " + java.util.Arrays.toString(e.getValue().shape()));
            }
            w.put(e.getKey(), v.castTo(DataType.FLOAT));
        }
        return new RoutingHead(config, inputDim, outputs, w);
    }

    private static INDArray xavier(SplittableRandom rng, int in, int out) {
        double limit = Math.sqrt(6.0 / (in + out));
        float[] v = new float[in * out];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((rng.nextDouble() * 2 - 1) * limit);
        }
        return Nd4j.create(v, new long[]{in, out}, 'c');
    }

    /** Adds the head's variables to a graph and returns the logits [B, N] for {@code pooled} [B, D]. */
    public SDVariable build(SameDiff sd, SDVariable pooled) {
        SDVariable x = pooled;
        if (!config.isLinear()) {
            SDVariable h = x.mmul(sd.var(W1, weights.get(W1))).add(sd.var(B1, weights.get(B1))); // (B, hidden)
            x = sd.nn.relu(h, 0);
        }
        return x.mmul(sd.var(W2, weights.get(W2))).add(sd.var(B2, weights.get(B2)));           // (B, N)
    }

    /** Direct inference: logits [B, N] for pooled [B, D], without a graph. */
    public INDArray logits(INDArray pooled) {
        INDArray x = pooled;
        if (!config.isLinear()) {
            x = Transforms.relu(x.mmul(weights.get(W1)).addiRowVector(weights.get(B1)), false);
        }
        return x.mmul(weights.get(W2)).addiRowVector(weights.get(B2));
    }

    /** Copies trained values back from a graph (SameDiff may hold its own arrays). */
    public void updateFrom(SameDiff sd) {
        for (Map.Entry<String, INDArray> e : weights.entrySet()) {
            e.getValue().assign(sd.getVariable(e.getKey()).getArr());
        }
    }

    public Map<String, INDArray> weights() {
        return java.util.Collections.unmodifiableMap(weights);
    }

    public HeadConfig config() {
        return config;
    }

    public int inputDim() {
        return inputDim;
    }

    public int outputs() {
        return outputs;
    }
}
