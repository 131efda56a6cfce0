package dev.zooterj.dl4j;

import dev.zooterj.nn.head.RoutingHead;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;

import java.util.ArrayList;
import java.util.List;

/**
 * DL4J networks for routing: the one {@link Dl4jKind} trains, a Zooter head rebuilt as a {@link MultiLayerNetwork}
 * ({@link #fromHead}), and the shape check every network must pass to become a router.
 */
public final class Dl4jNetworks {
    private Dl4jNetworks() {
    }

    /**
     * A router network: embeddings [B, inputs] → (ReLU dense of {@code hidden} when > 0) → softmax over {@code models},
     * trained with {@link ZooterKlLoss} by Adam with decoupled weight decay.
     */
    public static MultiLayerNetwork router(int inputs, int hidden, int models, double learningRate, double weightDecay, long seed) {
        NeuralNetConfiguration.Builder b = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER)
                .updater(new Adam(learningRate));
        if (weightDecay > 0) {
            b.weightDecay(weightDecay);   // decoupled weight decay (as AdamW), scaled by the learning rate
        }
        NeuralNetConfiguration.ListBuilder list = b.list();
        int in = inputs;
        if (hidden > 0) {
            list.layer(new DenseLayer.Builder().nIn(inputs).nOut(hidden).activation(Activation.RELU).build());
            in = hidden;
        }
        list.layer(new OutputLayer.Builder(new ZooterKlLoss()).activation(Activation.SOFTMAX).nIn(in).nOut(models).build());
        MultiLayerConfiguration conf = list.build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /**
     * A Zooter head as a DL4J network with the head's own weights: a linear head is one softmax {@link OutputLayer}
     * (W = head/w2, b = head/b2); an MLP head a ReLU {@link DenseLayer} (head/w1, head/b1) under it. Its output is the
     * router's distribution softmax(head(x)) for pooled embeddings x [B, D]; the loss is {@link ZooterKlLoss}, so it
     * can be trained further on a {@link RewardDataSetIterator}.
     */
    public static MultiLayerNetwork fromHead(RoutingHead head) {
        int hidden = head.config().hidden();
        MultiLayerNetwork net = router(head.inputDim(), hidden, head.outputs(), 1e-3, 0, 0);
        var w = head.weights();
        int out = 0;
        if (hidden > 0) {
            copy(w.get(RoutingHead.W1), net.getLayer(0).getParam("W"));
            copy(w.get(RoutingHead.B1), net.getLayer(0).getParam("b"));
            out = 1;
        }
        copy(w.get(RoutingHead.W2), net.getLayer(out).getParam("W"));
        copy(w.get(RoutingHead.B2), net.getLayer(out).getParam("b"));
        return net;
    }

    private static void copy(INDArray from, INDArray to) {
        if (from.length() != to.length()) {
            throw new IllegalStateException("cannot copy " + from.length() + " values into a parameter of " + to.length());
        }
        to.assign(from.reshape(to.shape()).castTo(to.dataType()));
    }

    /**
     * Checks that {@code net} reads {@code inputs}-wide vectors and ends in a softmax over {@code models} outputs.
     *
     * @throws IllegalArgumentException saying what differs
     */
    public static void checkRouterShape(MultiLayerNetwork net, int inputs, int models) {
        int n = net.getLayerWiseConfigurations().getConfs().size();
        if (n == 0) {
            throw new IllegalArgumentException("the network has no layers");
        }
        Layer first = net.getLayerWiseConfigurations().getConf(0).getLayer();
        if (!(first instanceof FeedForwardLayer ff)) {
            throw new IllegalArgumentException("the network's first layer is a " + first.getClass().getSimpleName()
                    + "; a router network reads embedding vectors, so it must be a feed-forward layer (e.g. DenseLayer)");
        }
        if (ff.getNIn() != inputs) {
            throw new IllegalArgumentException("the network reads " + ff.getNIn() + "-d inputs but the embeddings are " + inputs + "-d");
        }
        Layer last = net.getLayerWiseConfigurations().getConf(n - 1).getLayer();
        if (!(last instanceof BaseOutputLayer out)) {
            throw new IllegalArgumentException("the network's last layer is a " + last.getClass().getSimpleName() + ", not an output layer");
        }
        if (out.getNOut() != models) {
            throw new IllegalArgumentException("the network has " + out.getNOut() + " outputs for " + models + " models");
        }
        if (!(out.getActivationFn() instanceof ActivationSoftmax)) {
            throw new IllegalArgumentException("the network's output activation is " + out.getActivationFn()
                    + "; a router network ends in a softmax over the models");
        }
    }

    /** One line per layer, e.g. {@code DenseLayer 384->128 relu}, for router.json. */
    public static List<String> describe(MultiLayerNetwork net) {
        List<String> out = new ArrayList<>();
        for (var c : net.getLayerWiseConfigurations().getConfs()) {
            Layer l = c.getLayer();
            StringBuilder s = new StringBuilder(l.getClass().getSimpleName());
            if (l instanceof FeedForwardLayer ff) {
                s.append(' ').append(ff.getNIn()).append("->").append(ff.getNOut());
                if (ff.getActivationFn() != null) {
                    s.append(' ').append(ff.getActivationFn());
                }
            }
            if (l instanceof BaseOutputLayer o) {
                s.append(" loss ").append(o.getLossFn());
            }
            out.add(s.toString());
        }
        return out;
    }
}
