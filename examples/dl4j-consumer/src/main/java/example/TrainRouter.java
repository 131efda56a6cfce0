package example;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.core.label.LabelConfig;
import dev.zooterj.core.routing.Router;
import dev.zooterj.core.routing.RoutingDecision;
import dev.zooterj.data.sim.SimulatedZoo;
import dev.zooterj.dl4j.Dl4jRouters;
import dev.zooterj.dl4j.RewardDataSetIterator;
import dev.zooterj.dl4j.ZooterKlLoss;
import dev.zooterj.nn.router.KindContext;
import dev.zooterj.nn.router.EncoderEmbedder;
import dev.zooterj.nn.router.RouterKinds;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;

import java.nio.file.Path;
import java.util.List;

/**
 * Trains a DL4J network of our own on Zooter's labels of the simulated zoo (frozen MiniLM embeddings in, s* out),
 * makes it a Zooter router directory, loads that through Zooter's registry and routes a few queries.
 * Usage: {@code mvn -q compile exec:java -Dexec.mainClass=example.TrainRouter -Dexec.args=OUT_DIR} (or run the test).
 */
public final class TrainRouter {
    /** Max tokens of the MiniLM embeddings (the imported router embeds queries the same way). */
    public static final int MAX_TOKENS = 64;

    private TrainRouter() {
    }

    /** What one run produced. */
    public record Result(Router router, RewardDataset train, RewardDataset test) {
    }

    public static Result run(Path out, int trainingQueries, int queriesPerSubset, int epochs, long seed) {
        SimulatedZoo zoo = SimulatedZoo.generate(SimulatedZoo.Config.defaults().withSeed(seed)
                .withTrainingQueries(trainingQueries).withQueriesPerSubset(queriesPerSubset));

        // 1. Zooter's labels (τ = 1, β = 0.3, the rows' own tags) over frozen MiniLM embeddings, as a DataSetIterator
        RewardDataSetIterator data = RewardDataSetIterator.builder(zoo.training())
                .labels(LabelConfig.paper())
                .embeddings(EncoderEmbedder.miniLm(MAX_TOKENS, null, null))
                .batch(32)
                .seed(seed)
                .build();

        // 2. our own network: one hidden layer, softmax over the models, Zooter's KL loss
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER)
                .updater(new Adam(3e-3))
                .list()
                .layer(new DenseLayer.Builder().nIn(data.inputColumns()).nOut(64).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(new ZooterKlLoss()).activation(Activation.SOFTMAX)
                        .nIn(64).nOut(data.totalOutcomes()).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        net.fit(data, epochs);

        // 3. a Zooter router directory (kind dl4j), loaded back through the registry as route/evaluate/serve do
        Dl4jRouters.importNetwork(net, data, "examples/dl4j-consumer TrainRouter", "simulated zoo seed " + seed, out);
        Router router = RouterKinds.load(out, KindContext.miniLm(MAX_TOKENS, null));
        return new Result(router, zoo.training(), zoo.evaluation());
    }

    public static void main(String[] args) {
        Path out = Path.of(args.length > 0 ? args[0] : "target/dl4j-router");
        Result r = run(out, 600, 4, 20, 42);
        System.out.println("router written to " + out + " (kind " + RouterKinds.kindOf(out) + ")");
        List<String> queries = r.test().records().stream().limit(5).map(RewardRecord::query).toList();
        for (int i = 0; i < queries.size(); i++) {
            RoutingDecision d = r.router().route(queries.get(i));
            System.out.printf("%-70.70s -> %s (p=%.2f)%n", queries.get(i), d.model(), d.probability());
        }
    }
}
