package dev.zooterj.dl4j;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.label.LabelConfig;
import dev.zooterj.core.label.RewardNormalization;
import dev.zooterj.core.routing.Router;
import dev.zooterj.nn.router.FittedRouter;
import dev.zooterj.nn.router.KindContext;
import dev.zooterj.nn.router.KindSettings;
import dev.zooterj.nn.router.RouterKind;
import dev.zooterj.nn.router.Tuning;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Router kind {@value #NAME}: a DL4J {@link MultiLayerNetwork} over the frozen embedder's vectors (MiniLM, as Zooter's
 * head mode), trained on Zooter's s* labels ({@link RewardDataSetIterator}) with {@link ZooterKlLoss} by Adam (decoupled weight decay) for a
 * fixed number of epochs (no hold-out, no early stopping). Its directories are {@link Dl4jRouters}'; a network the user
 * trained elsewhere becomes one through {@link Dl4jRouters#importNetwork} or {@code zooter import-dl4j}, and loads the
 * same way. Registered through {@code META-INF/services/dev.zooterj.nn.router.RouterKind}, so it is in
 * {@code RouterKinds} wherever this module is on the class path.
 */
public final class Dl4jKind implements RouterKind<Dl4jKind.Settings> {
    public static final String NAME = "dl4j";

    /**
     * @param hidden      width of a ReLU hidden layer (0: one softmax layer, the shape of Zooter's linear head)
     * @param epochs      passes over the rows
     * @param batch       rows per step
     * @param lr          Adam learning rate
     * @param weightDecay decoupled weight decay
     * @param labels      τ, normalisation, β, hard
     * @param seed        initialisation and shuffling
     */
    public record Settings(int hidden, int epochs, int batch, double lr, double weightDecay, LabelConfig labels, long seed)
            implements KindSettings<Settings> {
        @Override
        public Map<String, String> values() {
            Map<String, String> v = new LinkedHashMap<>();
            v.put("hidden", String.valueOf(hidden));
            v.put("epochs", String.valueOf(epochs));
            v.put("batch", String.valueOf(batch));
            v.put("lr", String.valueOf(lr));
            v.put("weight-decay", String.valueOf(weightDecay));
            v.put("tau", String.valueOf(labels.tau()));
            v.put("normalize", labels.normalization().name().toLowerCase(Locale.ROOT));
            v.put("beta", String.valueOf(labels.beta()));
            v.put("hard", String.valueOf(labels.hard()));
            v.put("seed", String.valueOf(seed));
            return v;
        }

        @Override
        public Settings with(String name, String value) {
            LabelConfig l = labels;
            return switch (name) {
                case "hidden" -> new Settings(KindSettings.parseInt(name, value, 0), epochs, batch, lr, weightDecay, l, seed);
                case "epochs" -> new Settings(hidden, KindSettings.parseInt(name, value, 1), batch, lr, weightDecay, l, seed);
                case "batch" -> new Settings(hidden, epochs, KindSettings.parseInt(name, value, 1), lr, weightDecay, l, seed);
                case "lr" -> new Settings(hidden, epochs, batch, KindSettings.parseDouble(name, value, 1e-12, 10), weightDecay, l, seed);
                case "weight-decay" -> new Settings(hidden, epochs, batch, lr, KindSettings.parseDouble(name, value, 0, 10), l, seed);
                case "tau" -> new Settings(hidden, epochs, batch, lr, weightDecay,
                        l.withTau(KindSettings.parseDouble(name, value, 0, Double.MAX_VALUE)), seed);
                case "normalize" -> new Settings(hidden, epochs, batch, lr, weightDecay,
                        l.withNormalization(RewardNormalization.parse(value.trim())), seed);
                case "beta" -> new Settings(hidden, epochs, batch, lr, weightDecay, l.withBeta(KindSettings.parseDouble(name, value, 0, 1)), seed);
                case "hard" -> new Settings(hidden, epochs, batch, lr, weightDecay, l.withHard(KindSettings.parseBoolean(name, value)), seed);
                case "seed" -> new Settings(hidden, epochs, batch, lr, weightDecay, l, KindSettings.parseLong(name, value));
                default -> throw KindSettings.unknown(NAME, name, values());
            };
        }
    }

    /** Public for {@link java.util.ServiceLoader}. */
    public Dl4jKind() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "a DL4J MultiLayerNetwork on frozen MiniLM embeddings, trained on Zooter's labels with ZooterKlLoss (or imported)";
    }

    @Override
    public Settings defaults() {
        return new Settings(0, 30, 64, 3e-3, 1e-4, LabelConfig.paper(), 42);
    }

    @Override
    public Map<String, List<String>> validationGrid() {
        return Map.of();
    }

    @Override
    public FittedRouter fit(RewardDataset train, Settings s, KindContext context) {
        RewardDataSetIterator it = RewardDataSetIterator.builder(train).labels(s.labels()).embeddings(context.embedder())
                .batch(s.batch()).seed(s.seed()).build();
        MultiLayerNetwork net = Dl4jNetworks.router(it.inputColumns(), s.hidden(), it.totalOutcomes(), s.lr(), s.weightDecay(), s.seed());
        net.fit(it, s.epochs());
        Dl4jRouter router = new Dl4jRouter(train.models(), net, context.embedder());
        Dl4jRouters.Provenance p = new Dl4jRouters.Provenance("trained by the dl4j router kind", "", context.datasetName(),
                context.datasetSha256(), train.size(), s.seed(), s.labels());
        String summary = String.format(Locale.ROOT, "%d epochs, final training KL %.4f", s.epochs(), net.score());
        return new Fitted(router, s, p, summary, null);
    }

    @Override
    public Router load(Path dir, JsonNode manifest, KindContext context) {
        return Dl4jRouters.load(dir, manifest, context);
    }

    /** A network the dl4j kind trained. */
    record Fitted(Dl4jRouter router, Settings settings, Dl4jRouters.Provenance provenance, String summary, Tuning tuningOrNull)
            implements FittedRouter {
        @Override
        public String kind() {
            return NAME;
        }

        @Override
        public Optional<Tuning> tuning() {
            return Optional.ofNullable(tuningOrNull);
        }

        @Override
        public FittedRouter withTuning(Tuning tuning) {
            return new Fitted(router, settings, provenance, summary, tuning);
        }

        @Override
        public void save(Path dir) {
            Dl4jRouters.save(router.network(), router.models(), Dl4jRouters.EmbedderSpec.of(router.embedder()), provenance, settings, dir);
        }
    }
}
