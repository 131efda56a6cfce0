package dev.zooterj.nn.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.core.routing.Estimate;
import dev.zooterj.core.routing.EstimatingRouter;
import dev.zooterj.core.routing.Estimator;
import dev.zooterj.core.routing.Router;
import dev.zooterj.data.tags.TextEmbedder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * "Recognise the task, then use that task's best model": a multinomial logistic regression from frozen, L2-normalised
 * embeddings to the row's subset, then the predicted subset's best model by its training rows' mean evaluation score
 * ({@code scores} where rows carry them, else rewards). The estimate is that subset's mean scores per model.
 */
public final class TaskBestKind implements RouterKind<TaskBestKind.Settings> {
    public static final String NAME = "task_best";

    /**
     * @param l2         weight penalty of the logistic regression
     * @param iterations full-batch Adam steps
     * @param rate       Adam's step size
     * @param seed       recorded for provenance; the fit starts from zero weights and draws nothing at random
     */
    public record Settings(double l2, int iterations, double rate, long seed) implements KindSettings<Settings> {
        @Override
        public Map<String, String> values() {
            Map<String, String> v = new LinkedHashMap<>();
            v.put("l2", String.valueOf(l2));
            v.put("iterations", String.valueOf(iterations));
            v.put("rate", String.valueOf(rate));
            v.put("seed", String.valueOf(seed));
            return v;
        }

        @Override
        public Settings with(String name, String value) {
            return switch (name) {
                case "l2" -> new Settings(KindSettings.parseDouble(name, value, 0, 1e6), iterations, rate, seed);
                case "iterations" -> new Settings(l2, KindSettings.parseInt(name, value, 1), rate, seed);
                case "rate" -> new Settings(l2, iterations, KindSettings.parseDouble(name, value, 1e-9, 10), seed);
                case "seed" -> new Settings(l2, iterations, rate, KindSettings.parseLong(name, value));
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
        return "a logistic-regression task classifier on frozen embeddings, then the task's best model on the training rows";
    }

    @Override
    public Settings defaults() {
        return new Settings(1e-4, 300, 0.05, 42);
    }

    @Override
    public Map<String, List<String>> validationGrid() {
        return Map.of();
    }

    @Override
    public FittedRouter fit(RewardDataset train, Settings s, KindContext context) {
        if (train.size() == 0) {
            throw new IllegalArgumentException("task_best needs training rows");
        }
        List<String> classes = new ArrayList<>(train.bySubset().keySet());
        java.util.Collections.sort(classes);
        int[] y = new int[train.size()];
        double[][] table = new double[classes.size()][train.models().size()];
        int[] count = new int[classes.size()];
        for (int i = 0; i < y.length; i++) {
            RewardRecord r = train.records().get(i);
            y[i] = classes.indexOf(r.subset() == null ? "" : r.subset());
            double[] sc = r.evaluationScores();
            for (int m = 0; m < sc.length; m++) {
                table[y[i]][m] += sc[m];
            }
            count[y[i]]++;
        }
        for (int c = 0; c < table.length; c++) {
            for (int m = 0; m < table[c].length; m++) {
                table[c][m] /= count[c];
            }
        }
        TextEmbedder embedder = context.embedder();
        float[][] x = EmbeddingRouterStore.unit(embedder.embed(train.records().stream().map(RewardRecord::query).toList()));
        SoftmaxRegression lr = SoftmaxRegression.of(EmbeddingRouterStore.asStored(
                SoftmaxRegression.fit(x, y, classes.size(), s.l2(), classes.size() == 1 ? 1 : s.iterations(), s.rate()).weights()));
        table = EmbeddingRouterStore.asStored(table);
        int correct = 0;
        for (int i = 0; i < y.length; i++) {
            correct += lr.predict(x[i]) == y[i] ? 1 : 0;
        }
        return new Fitted(train.models(), classes, lr, table, s, embedder, context, train.size(), (double) correct / y.length, null);
    }

    @Override
    public Router load(Path dir, JsonNode manifest, KindContext context) {
        var saved = EmbeddingRouterStore.read(this, dir, manifest, context);
        List<String> models = saved.models();
        TextEmbedder embedder = saved.embedder();
        Map<String, INDArray> a = saved.arrays();
        List<String> classes = new ArrayList<>();
        manifest.path("classes").forEach(n -> classes.add(n.asText()));
        INDArray w = a.get("weights");
        INDArray t = a.get("table");
        if (w == null || t == null || classes.isEmpty() || w.rows() != classes.size() || t.rows() != classes.size()
                || t.columns() != models.size() || w.columns() != embedder.dimension() + 1) {
            throw new IllegalArgumentException(dir.resolve(EmbeddingRouterStore.ARRAYS) + ": expected weights [" + classes.size() + ", "
                    + (embedder.dimension() + 1) + "] and table [" + classes.size() + ", " + models.size() + "] for the classes in "
                    + RouterStore.MANIFEST);
        }
        return router(models, SoftmaxRegression.of(w.castTo(DataType.DOUBLE).toDoubleMatrix()),
                t.castTo(DataType.DOUBLE).toDoubleMatrix(), embedder);
    }

    private static Router router(List<String> models, SoftmaxRegression lr, double[][] table, TextEmbedder embedder) {
        return EstimatingRouter.argmax(new Estimator() {
            @Override
            public List<String> models() {
                return models;
            }

            @Override
            public List<Estimate> estimate(List<String> queries) {
                float[][] x = EmbeddingRouterStore.unit(embedder.embed(queries));
                List<Estimate> out = new ArrayList<>(x.length);
                for (float[] row : x) {
                    out.add(Estimate.expectedScores(models, table[lr.predict(row)]));
                }
                return out;
            }
        });
    }

    private record Fitted(List<String> models, List<String> classes, SoftmaxRegression lr, double[][] table, Settings settings,
                          TextEmbedder embedder, KindContext context, int rows, double trainingAccuracy, Tuning tuningOrNull)
            implements FittedRouter {
        @Override
        public String kind() {
            return NAME;
        }

        @Override
        public Router router() {
            return TaskBestKind.router(models, lr, table, embedder);
        }

        @Override
        public String summary() {
            List<String> best = new ArrayList<>();
            for (int c = 0; c < classes.size(); c++) {
                best.add(classes.get(c) + " → " + models.get(dev.zooterj.core.label.ProbabilityVectors.argmax(table[c])));
            }
            return String.format(Locale.ROOT, "%d tasks, training accuracy of the task classifier %.3f; %s", classes.size(),
                    trainingAccuracy, String.join(", ", best));
        }

        @Override
        public Optional<Tuning> tuning() {
            return Optional.ofNullable(tuningOrNull);
        }

        @Override
        public FittedRouter withTuning(Tuning t) {
            return new Fitted(models, classes, lr, table, settings, embedder, context, rows, trainingAccuracy, t);
        }

        @Override
        public void save(Path dir) {
            ObjectNode m = EmbeddingRouterStore.manifest(this, models, embedder, context, rows);
            ArrayNode cs = m.putArray("classes");
            classes.forEach(cs::add);
            m.put("trainingAccuracy", trainingAccuracy);
            EmbeddingRouterStore.save(dir, m, Map.of("weights", Nd4j.create(lr.weights()), "table", Nd4j.create(table)));
        }
    }
}
