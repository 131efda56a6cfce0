package dev.zooterj.nn.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.core.routing.FixedModelRouter;
import dev.zooterj.core.routing.Router;
import dev.zooterj.core.routing.RoutingMetric;
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
 * The best single model: every query goes to the model with the best routing metric on the training rows (the macro
 * mean over subsets of its evaluation scores, weighted by the objective's subset weights), whatever the query. It is
 * what a user runs without a router, and {@code auto}'s first candidate: a learned kind replaces it only when it beats
 * it on validation by more than one standard error.
 */
public final class BestSingleKind implements RouterKind<BestSingleKind.Settings> {
    public static final String NAME = "best_single";
    static final String MEANS = "means";

    /** @param seed recorded for provenance; nothing is drawn at random */
    public record Settings(long seed) implements KindSettings<Settings> {
        @Override
        public Map<String, String> values() {
            Map<String, String> v = new LinkedHashMap<>();
            v.put("seed", String.valueOf(seed));
            return v;
        }

        @Override
        public Settings with(String name, String value) {
            if (name.equals("seed")) {
                return new Settings(KindSettings.parseLong(name, value));
            }
            throw KindSettings.unknown(NAME, name, values());
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "the single model with the best macro mean score on the training rows, for every query";
    }

    @Override
    public Settings defaults() {
        return new Settings(42);
    }

    @Override
    public Map<String, List<String>> validationGrid() {
        return Map.of();
    }

    /** Each model's routing metric on {@code rows}: the weighted macro mean over subsets of its evaluation scores. */
    static double[] objective(RewardDataset rows, Map<String, Double> weights) {
        double[] out = new double[rows.models().size()];
        double[] values = new double[rows.size()];
        for (int m = 0; m < out.length; m++) {
            for (int i = 0; i < values.length; i++) {
                RewardRecord r = rows.records().get(i);
                values[i] = r.evaluationScores()[m];
            }
            out[m] = RoutingMetric.macroMean(rows, values, weights);
        }
        return out;
    }

    @Override
    public FittedRouter fit(RewardDataset train, Settings s, KindContext context) {
        if (train.size() == 0) {
            throw new IllegalArgumentException("best_single needs training rows");
        }
        double[] means = objective(train, context.subsetWeights());
        int best = 0;
        for (int m = 1; m < means.length; m++) {
            if (means[m] > means[best]) {   // ties: the first model in the dataset's order
                best = m;
            }
        }
        return new Fitted(train.models(), means, train.models().get(best), s, context, train.size(), null);
    }

    @Override
    public Router load(Path dir, JsonNode manifest, KindContext context) {
        List<String> models = EmbeddingRouterStore.models(dir, manifest);
        String model = manifest.path("model").asText("");
        if (!models.contains(model)) {
            throw new IllegalArgumentException(dir.resolve(RouterStore.MANIFEST) + ": field 'model': expected one of " + models
                    + ", got '" + model + "'");
        }
        EmbeddingRouterStore.settings(this, dir, manifest);   // checks the saved settings
        INDArray means = EmbeddingRouterStore.arrays(dir, manifest).get(MEANS);
        if (means == null || means.length() != models.size()) {
            throw new IllegalArgumentException(dir.resolve(EmbeddingRouterStore.ARRAYS) + ": expected '" + MEANS + "' with "
                    + models.size() + " values");
        }
        return new FixedModelRouter(models, model);
    }

    private record Fitted(List<String> models, double[] means, String model, Settings settings, KindContext context, int rows,
                          Tuning tuningOrNull) implements FittedRouter {
        @Override
        public String kind() {
            return NAME;
        }

        @Override
        public Router router() {
            return new FixedModelRouter(models, model);
        }

        @Override
        public String summary() {
            return String.format(Locale.ROOT, "%s for every query (%.4f on the %d training rows)", model,
                    means[models.indexOf(model)], rows);
        }

        @Override
        public Optional<Tuning> tuning() {
            return Optional.ofNullable(tuningOrNull);
        }

        @Override
        public FittedRouter withTuning(Tuning t) {
            return new Fitted(models, means, model, settings, context, rows, t);
        }

        @Override
        public void save(Path dir) {
            ObjectNode m = EmbeddingRouterStore.manifest(this, models, null, context, rows);
            m.put("model", model);
            EmbeddingRouterStore.save(dir, m, Map.of(MEANS, Nd4j.createFromArray(means).castTo(DataType.DOUBLE).reshape(1, means.length)));
        }
    }
}
