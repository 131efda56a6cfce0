package dev.zooterj.nn.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.core.label.LabelConfig;
import dev.zooterj.core.label.RewardNormalization;
import dev.zooterj.core.label.TagEnhancedLabels;
import dev.zooterj.core.routing.Estimate;
import dev.zooterj.core.routing.Router;
import dev.zooterj.data.tags.TextEmbedder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * k nearest neighbours on frozen embeddings (cosine): the mean target of the k most similar training queries, where
 * the target is each query's label s = softmax(normalise(r) / τ) ({@code target=labels}, a distribution) or its
 * evaluation scores ({@code target=scores}, expected scores). {@code bench} chooses k on validation.
 */
public final class KnnKind implements RouterKind<KnnKind.Settings> {
    public static final String NAME = "knn";

    /**
     * @param k         neighbours
     * @param target    {@code labels} or {@code scores}
     * @param tau       label temperature (target=labels)
     * @param normalize reward normalisation before the softmax (target=labels)
     * @param seed      recorded for provenance; kNN draws nothing at random
     */
    public record Settings(int k, String target, double tau, RewardNormalization normalize, long seed) implements KindSettings<Settings> {
        public static final List<String> TARGETS = List.of("labels", "scores");

        public Settings {
            if (k < 1) {
                throw new IllegalArgumentException("setting 'k': expected an integer >= 1, got " + k);
            }
            KindSettings.oneOf("target", target, TARGETS);
        }

        @Override
        public Map<String, String> values() {
            Map<String, String> v = new LinkedHashMap<>();
            v.put("k", String.valueOf(k));
            v.put("target", target);
            v.put("tau", String.valueOf(tau));
            v.put("normalize", normalize.name().toLowerCase(Locale.ROOT));
            v.put("seed", String.valueOf(seed));
            return v;
        }

        @Override
        public Settings with(String name, String value) {
            return switch (name) {
                case "k" -> new Settings(KindSettings.parseInt(name, value, 1), target, tau, normalize, seed);
                case "target" -> new Settings(k, KindSettings.oneOf(name, value, TARGETS), tau, normalize, seed);
                case "tau" -> new Settings(k, target, KindSettings.parseDouble(name, value, 0, Double.MAX_VALUE), normalize, seed);
                case "normalize" -> new Settings(k, target, tau, RewardNormalization.parse(value.trim()), seed);
                case "seed" -> new Settings(k, target, tau, normalize, KindSettings.parseLong(name, value));
                default -> throw KindSettings.unknown(NAME, name, values());
            };
        }

        LabelConfig labels() {
            return new LabelConfig(tau, normalize, 1, false);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "k nearest neighbours on frozen embeddings: the mean label (or score) of the k most similar training queries";
    }

    @Override
    public Settings defaults() {
        return new Settings(10, "labels", 1, RewardNormalization.NONE, 42);
    }

    @Override
    public Map<String, List<String>> validationGrid() {
        return Map.of("k", List.of("5", "10", "20", "50", "100", "200"));
    }

    @Override
    public FittedRouter fit(RewardDataset train, Settings s, KindContext context) {
        if (train.size() == 0) {
            throw new IllegalArgumentException("knn needs training rows");
        }
        TextEmbedder embedder = context.embedder();
        List<String> texts = train.records().stream().map(RewardRecord::query).toList();
        float[][] x = embedder.embed(texts);
        double[][] y;
        if (s.target().equals("scores")) {
            y = train.records().stream().map(RewardRecord::evaluationScores).toArray(double[][]::new);
        } else {
            TagEnhancedLabels plain = TagEnhancedLabels.fit(s.labels(), train.records());
            y = train.records().stream().map(plain::label).toArray(double[][]::new);
        }
        return new Fitted(train.models(), x, EmbeddingRouterStore.asStored(y), s, embedder, context, train.size(), null);
    }

    private static Estimate.Kind kindOf(Settings s) {
        return s.target().equals("scores") ? Estimate.Kind.EXPECTED_SCORES : Estimate.Kind.DISTRIBUTION;
    }

    private static KnnRouter router(List<String> models, float[][] x, double[][] y, Settings s, TextEmbedder embedder) {
        return new KnnRouter(models, Nd4j.create(x), y, s.k(), q -> Nd4j.create(embedder.embed(q)), kindOf(s));
    }

    @Override
    public Router load(Path dir, JsonNode manifest, KindContext context) {
        var saved = EmbeddingRouterStore.read(this, dir, manifest, context);
        Settings s = saved.settings();
        List<String> models = saved.models();
        TextEmbedder embedder = saved.embedder();
        Map<String, INDArray> a = saved.arrays();
        INDArray x = a.get("embeddings");
        INDArray y = a.get("targets");
        if (x == null || y == null || x.rows() != y.rows() || y.columns() != models.size()) {
            throw new IllegalArgumentException(dir.resolve(EmbeddingRouterStore.ARRAYS) + ": expected embeddings [n, D] and targets [n, "
                    + models.size() + "]");
        }
        return router(models, x.castTo(DataType.FLOAT).toFloatMatrix(), y.castTo(DataType.DOUBLE).toDoubleMatrix(), s, embedder);
    }

    private record Fitted(List<String> models, float[][] x, double[][] y, Settings settings, TextEmbedder embedder,
                          KindContext context, int rows, Tuning tuningOrNull) implements FittedRouter {
        @Override
        public String kind() {
            return NAME;
        }

        @Override
        public Router router() {
            return KnnKind.router(models, x, y, settings, embedder);
        }

        @Override
        public String summary() {
            return "k = " + Math.min(settings.k(), rows) + " of " + rows + " training queries, target " + settings.target();
        }

        @Override
        public Optional<Tuning> tuning() {
            return Optional.ofNullable(tuningOrNull);
        }

        @Override
        public FittedRouter withTuning(Tuning t) {
            return new Fitted(models, x, y, settings, embedder, context, rows, t);
        }

        @Override
        public void save(Path dir) {
            ObjectNode m = EmbeddingRouterStore.manifest(this, models, embedder, context, rows);
            EmbeddingRouterStore.save(dir, m, Map.of("embeddings", Nd4j.create(x), "targets", Nd4j.create(y)));
        }
    }
}
