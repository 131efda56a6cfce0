package dev.zooterj.nn.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.core.routing.Estimate;
import dev.zooterj.core.routing.EstimatingRouter;
import dev.zooterj.core.routing.Estimator;
import dev.zooterj.core.routing.Router;
import dev.zooterj.data.tags.TextEmbedder;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The expected-score objective: an {@link ExpectedScoreHead} on frozen embeddings predicts each candidate's evaluation
 * score on the query ({@code scores} where rows carry them — the metric itself — else rewards), and the router goes to
 * the argmax. Its {@link Estimate} is the vector of expected scores, not a distribution. Where scores lie in [0, 1]
 * (accuracies, pass rates, win rates) the outputs are sigmoids trained by binary cross-entropy; otherwise squared
 * error. Zooter's KL objective distils reward distributions; this one predicts the metric the router is judged by.
 */
public final class ExpectedScoreKind implements RouterKind<ExpectedScoreKind.Settings> {
    public static final String NAME = "expected_score";

    /**
     * @param hidden 0 = linear head, else the ReLU layer's width
     * @param l2     penalty on the weight matrices
     * @param epochs passes over the training rows
     * @param batch  rows per step
     * @param lr     AdamW's step size
     * @param loss   auto (bce when every training score is in [0, 1], else mse), bce or mse
     * @param seed   seeds initialisation and shuffling
     */
    public record Settings(int hidden, double l2, int epochs, int batch, double lr, String loss, long seed)
            implements KindSettings<Settings> {
        static final List<String> LOSSES = List.of("auto", "bce", "mse");

        @Override
        public Map<String, String> values() {
            Map<String, String> v = new LinkedHashMap<>();
            v.put("hidden", String.valueOf(hidden));
            v.put("l2", String.valueOf(l2));
            v.put("epochs", String.valueOf(epochs));
            v.put("batch", String.valueOf(batch));
            v.put("lr", String.valueOf(lr));
            v.put("loss", loss);
            v.put("seed", String.valueOf(seed));
            return v;
        }

        @Override
        public Settings with(String name, String value) {
            return switch (name) {
                case "hidden" -> new Settings(KindSettings.parseInt(name, value, 0), l2, epochs, batch, lr, loss, seed);
                case "l2" -> new Settings(hidden, KindSettings.parseDouble(name, value, 0, 1e6), epochs, batch, lr, loss, seed);
                case "epochs" -> new Settings(hidden, l2, KindSettings.parseInt(name, value, 1), batch, lr, loss, seed);
                case "batch" -> new Settings(hidden, l2, epochs, KindSettings.parseInt(name, value, 1), lr, loss, seed);
                case "lr" -> new Settings(hidden, l2, epochs, batch, KindSettings.parseDouble(name, value, 1e-9, 10), loss, seed);
                case "loss" -> new Settings(hidden, l2, epochs, batch, lr, KindSettings.oneOf(name, value, LOSSES), seed);
                case "seed" -> new Settings(hidden, l2, epochs, batch, lr, loss, KindSettings.parseLong(name, value));
                default -> throw KindSettings.unknown(NAME, name, values());
            };
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "a head on frozen embeddings predicting each model's expected score (sigmoid + cross-entropy for [0, 1] scores), routing to the argmax";
    }

    @Override
    public Settings defaults() {
        return new Settings(0, 1e-2, 10, 64, 1e-3, "auto", 42);
    }

    /** Hidden size × L2 first, then epochs: at most 8 fits on cached embeddings. */
    @Override
    public List<Map<String, List<String>>> validationStages() {
        Map<String, List<String>> first = new LinkedHashMap<>();
        first.put("hidden", List.of("0", "256"));
        first.put("l2", List.of("0.001", "0.01", "0.1"));
        return List.of(first, Map.of("epochs", List.of("5", "10", "30")));
    }

    @Override
    public Map<String, List<String>> validationGrid() {
        Map<String, List<String>> g = new LinkedHashMap<>();
        validationStages().forEach(g::putAll);
        return g;
    }

    /** The loss a fit on {@code rows} uses: bce when every evaluation score is in [0, 1] (for {@code auto}). */
    static ExpectedScoreHead.Loss lossFor(RewardDataset rows, String setting) {
        return switch (setting) {
            case "bce" -> ExpectedScoreHead.Loss.BCE;
            case "mse" -> ExpectedScoreHead.Loss.MSE;
            default -> rows.records().stream().flatMapToDouble(r -> java.util.Arrays.stream(r.evaluationScores()))
                    .allMatch(v -> v >= 0 && v <= 1) ? ExpectedScoreHead.Loss.BCE : ExpectedScoreHead.Loss.MSE;
        };
    }

    @Override
    public FittedRouter fit(RewardDataset train, Settings s, KindContext context) {
        if (train.size() == 0) {
            throw new IllegalArgumentException("expected_score needs training rows");
        }
        ExpectedScoreHead.Loss loss = lossFor(train, s.loss());
        if (loss == ExpectedScoreHead.Loss.BCE) {
            for (RewardRecord r : train.records()) {
                for (double v : r.evaluationScores()) {
                    if (!(v >= 0 && v <= 1)) {
                        throw new IllegalArgumentException("expected_score: loss bce needs scores in [0, 1]; row '" + r.id()
                                + "' has " + v + " (use loss=mse)");
                    }
                }
            }
        }
        TextEmbedder embedder = context.embedder();
        float[][] x = embedder.embed(train.records().stream().map(RewardRecord::query).toList());
        double[][] y = train.records().stream().map(RewardRecord::evaluationScores).toArray(double[][]::new);
        long withScores = train.records().stream().filter(r -> r.scores() != null).count();
        ExpectedScoreHead head = ExpectedScoreHead.fit(x, y, loss, s.hidden(), s.l2(), s.epochs(), s.batch(), s.lr(), s.seed());
        return new Fitted(train.models(), head, s, embedder, context, train.size(), withScores, null);
    }

    @Override
    public Router load(Path dir, JsonNode manifest, KindContext context) {
        Settings s = EmbeddingRouterStore.settings(this, dir, manifest);
        List<String> models = EmbeddingRouterStore.models(dir, manifest);
        TextEmbedder embedder = EmbeddingRouterStore.embedder(dir, manifest, context);
        ExpectedScoreHead.Loss loss;
        try {
            loss = ExpectedScoreHead.Loss.valueOf(manifest.path("loss").asText("").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(dir.resolve(RouterStore.MANIFEST) + ": field 'loss': expected bce or mse, got '"
                    + manifest.path("loss").asText("") + "'");
        }
        Map<String, INDArray> a = EmbeddingRouterStore.arrays(dir, manifest);
        ExpectedScoreHead head;
        try {
            head = ExpectedScoreHead.of(loss, a);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(dir.resolve(EmbeddingRouterStore.ARRAYS) + ": " + e.getMessage());
        }
        INDArray w2 = a.get(ExpectedScoreHead.W2);
        INDArray mean = a.get(ExpectedScoreHead.MEAN);
        if (w2.columns() != models.size() || mean.length() != embedder.dimension() || (s.hidden() > 0) != a.containsKey(ExpectedScoreHead.W1)) {
            throw new IllegalArgumentException(dir.resolve(EmbeddingRouterStore.ARRAYS) + ": expected a head for " + models.size()
                    + " models on " + embedder.dimension() + "-d embeddings with hidden = " + s.hidden());
        }
        return EstimatingRouter.argmax(estimator(models, head, embedder));
    }

    static Estimator estimator(List<String> models, ExpectedScoreHead head, TextEmbedder embedder) {
        return new Estimator() {
            @Override
            public List<String> models() {
                return models;
            }

            @Override
            public List<Estimate> estimate(List<String> queries) {
                double[][] p = head.predict(embedder.embed(queries));
                List<Estimate> out = new ArrayList<>(p.length);
                for (double[] row : p) {
                    out.add(Estimate.expectedScores(models, row));
                }
                return out;
            }
        };
    }

    private record Fitted(List<String> models, ExpectedScoreHead head, Settings settings, TextEmbedder embedder, KindContext context,
                          int rows, long rowsWithScores, Tuning tuningOrNull) implements FittedRouter {
        @Override
        public String kind() {
            return NAME;
        }

        @Override
        public Router router() {
            return EstimatingRouter.argmax(estimator(models, head, embedder));
        }

        @Override
        public String summary() {
            return String.format(Locale.ROOT, "%s head, %s loss, trained on %d rows (%d with scores, the rest on rewards)",
                    settings.hidden() == 0 ? "linear" : "mlp(" + settings.hidden() + ")", head.loss().name().toLowerCase(Locale.ROOT),
                    rows, rowsWithScores);
        }

        @Override
        public Optional<Tuning> tuning() {
            return Optional.ofNullable(tuningOrNull);
        }

        @Override
        public FittedRouter withTuning(Tuning t) {
            return new Fitted(models, head, settings, embedder, context, rows, rowsWithScores, t);
        }

        @Override
        public void save(Path dir) {
            ObjectNode m = EmbeddingRouterStore.manifest(this, models, embedder, context, rows);
            m.put("loss", head.loss().name().toLowerCase(Locale.ROOT));
            m.put("rowsWithScores", rowsWithScores);
            EmbeddingRouterStore.save(dir, m, head.arrays());
        }
    }
}
