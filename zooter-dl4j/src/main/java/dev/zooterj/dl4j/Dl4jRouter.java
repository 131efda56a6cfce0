package dev.zooterj.dl4j;

import dev.zooterj.core.routing.Estimate;
import dev.zooterj.core.routing.Estimator;
import dev.zooterj.core.routing.Policy;
import dev.zooterj.core.routing.Router;
import dev.zooterj.core.routing.RoutingDecision;
import dev.zooterj.data.tags.TextEmbedder;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A router whose estimate is a DL4J network's softmax output over a frozen embedder's vectors of the query:
 * Z(q) = net(embed(q)), the pick its argmax. Thread-safe: calls into the network are serialised (a
 * {@link MultiLayerNetwork} is not safe for concurrent inference).
 */
public final class Dl4jRouter implements Router, Estimator {
    private final List<String> models;
    private final MultiLayerNetwork network;
    private final TextEmbedder embedder;

    /**
     * @throws IllegalArgumentException when the network's input width is not the embedder's dimension or its outputs
     *                                  are not one per model with a softmax activation
     */
    public Dl4jRouter(List<String> models, MultiLayerNetwork network, TextEmbedder embedder) {
        this.models = List.copyOf(models);
        this.network = Objects.requireNonNull(network, "network");
        this.embedder = Objects.requireNonNull(embedder, "embedder");
        Dl4jNetworks.checkRouterShape(network, embedder.dimension(), models.size());
    }

    @Override
    public List<String> models() {
        return models;
    }

    @Override
    public RoutingDecision route(String query) {
        return route(List.of(query)).get(0);
    }

    @Override
    public List<RoutingDecision> route(List<String> queries) {
        return estimate(queries).stream().map(Policy.ARGMAX::decide).toList();
    }

    @Override
    public List<Estimate> estimate(List<String> queries) {
        if (queries.isEmpty()) {
            return List.of();
        }
        INDArray x = Nd4j.createFromArray(embedder.embed(queries));
        double[][] p;
        synchronized (network) {
            p = network.output(x, false).castTo(DataType.DOUBLE).toDoubleMatrix();
        }
        List<Estimate> out = new ArrayList<>(p.length);
        for (double[] row : p) {
            out.add(Estimate.distribution(models, row));
        }
        return out;
    }

    /** The network (do not train it while routing). */
    public MultiLayerNetwork network() {
        return network;
    }

    public TextEmbedder embedder() {
        return embedder;
    }
}
