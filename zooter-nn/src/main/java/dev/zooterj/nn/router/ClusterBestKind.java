package dev.zooterj.nn.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.core.label.ProbabilityVectors;
import dev.zooterj.core.routing.Estimate;
import dev.zooterj.core.routing.EstimatingRouter;
import dev.zooterj.core.routing.Estimator;
import dev.zooterj.core.routing.Router;
import dev.zooterj.data.tags.KMeans;
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
 * "Group similar queries, then use each group's best model": seeded k-means (the project's {@link KMeans}) over the
 * frozen, L2-normalised embeddings of the training queries; each cluster's estimate is its rows' mean evaluation score
 * per model shrunk toward the global mean with prior weight α,
 * <pre>  mean[c][m] = (n_c · mean_c[m] + α · global[m]) / (n_c + α)</pre>
 * so a small cluster leaves the best model overall only on strong evidence. A query goes to its nearest centroid's
 * argmax. {@code bench} chooses K and α on validation.
 */
public final class ClusterBestKind implements RouterKind<ClusterBestKind.Settings> {
    public static final String NAME = "cluster_best";

    /** The rows' weights in the cluster means. */
    public static final List<String> WEIGHTINGS = List.of("rows", "objective");

    /**
     * @param k         clusters
     * @param alpha     prior weight of the global means (rows' worth)
     * @param weighting {@code rows}: every training row weighs 1 (the plain mean); {@code objective}: a row of subset s
     *                  weighs w_s / n_s (its objective weight over its subset's size, rescaled to average 1), so a
     *                  cluster's best model is the one that maximises the validation objective, the (weighted) macro
     *                  mean over subsets, on the cluster's rows, and a subset of weight 0 does not count
     * @param seed      seeds k-means++
     */
    public record Settings(int k, double alpha, String weighting, long seed) implements KindSettings<Settings> {
        public Settings {
            if (!WEIGHTINGS.contains(weighting)) {
                throw new IllegalArgumentException("setting 'weighting': expected one of " + WEIGHTINGS + ", got '" + weighting + "'");
            }
            if (k < 1) {
                throw new IllegalArgumentException("setting 'k': expected an integer >= 1, got " + k);
            }
            if (!(alpha >= 0)) {
                throw new IllegalArgumentException("setting 'alpha': expected a number >= 0, got " + alpha);
            }
        }

        @Override
        public Map<String, String> values() {
            Map<String, String> v = new LinkedHashMap<>();
            v.put("k", String.valueOf(k));
            v.put("alpha", String.valueOf(alpha));
            v.put("weighting", weighting);
            v.put("seed", String.valueOf(seed));
            return v;
        }

        @Override
        public Settings with(String name, String value) {
            return switch (name) {
                case "k" -> new Settings(KindSettings.parseInt(name, value, 1), alpha, weighting, seed);
                case "alpha" -> new Settings(k, KindSettings.parseDouble(name, value, 0, Double.MAX_VALUE), weighting, seed);
                case "weighting" -> new Settings(k, alpha, value, seed);
                case "seed" -> new Settings(k, alpha, weighting, KindSettings.parseLong(name, value));
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
        return "k-means over frozen embeddings, each cluster's best model by its training rows' mean score shrunk toward the global means";
    }

    @Override
    public Settings defaults() {
        return new Settings(16, 20, "rows", 42);
    }

    @Override
    public Map<String, List<String>> validationGrid() {
        Map<String, List<String>> g = new LinkedHashMap<>();
        // k = 1 is the best model on average (BMA): so tuned, cluster_best is never below BMA on validation
        g.put("k", List.of("1", "4", "8", "16", "32", "64"));
        g.put("alpha", List.of("0", "5", "20", "50", "200"));
        return g;
    }

    @Override
    public FittedRouter fit(RewardDataset train, Settings s, KindContext context) {
        if (train.size() < s.k()) {
            throw new IllegalArgumentException("cluster_best: k = " + s.k() + " clusters for only " + train.size() + " training rows");
        }
        TextEmbedder embedder = context.embedder();
        float[][] x = EmbeddingRouterStore.unit(embedder.embed(train.records().stream().map(RewardRecord::query).toList()));
        KMeans.Result km = KMeans.fit(x, KMeans.Options.of(s.k(), s.seed()));
        double[][] scores = train.records().stream().map(RewardRecord::evaluationScores).toArray(double[][]::new);
        double[] weights = s.weighting().equals("objective") ? objectiveWeights(train, context.subsetWeights()) : null;
        double[][] table = EmbeddingRouterStore.asStored(shrunkTable(km.assignment(), s.k(), scores, s.alpha(), weights));
        return new Fitted(train.models(), km.centroids().toArray(), km.sizes(), table, s, embedder, context, train.size(), null);
    }

    /**
     * Per cluster, each model's mean score over the cluster's rows shrunk toward its mean over all rows:
     * (n_c · mean_c + α · global) / (n_c + α); an empty cluster gets the global means.
     *
     * @param assignment each row's cluster
     * @param scores     each row's score per model
     */
    public static double[][] shrunkTable(int[] assignment, int k, double[][] scores, double alpha) {
        return shrunkTable(assignment, k, scores, alpha, null);
    }

    /**
     * The same with row weights ω_i (null: all 1): n_c = Σ ω over the cluster's rows, mean_c and global the ω-weighted
     * means.
     */
    public static double[][] shrunkTable(int[] assignment, int k, double[][] scores, double alpha, double[] rowWeights) {
        int models = scores[0].length;
        double[][] sum = new double[k][models];
        double[] n = new double[k];
        double[] global = new double[models];
        double total = 0;
        for (int i = 0; i < scores.length; i++) {
            total += rowWeights == null ? 1 : rowWeights[i];
        }
        for (int i = 0; i < scores.length; i++) {
            double w = rowWeights == null ? 1 : rowWeights[i];
            for (int m = 0; m < models; m++) {
                sum[assignment[i]][m] += w * scores[i][m];
                global[m] += w * scores[i][m] / total;
            }
            n[assignment[i]] += w;
        }
        double[][] table = new double[k][models];
        for (int c = 0; c < k; c++) {
            for (int m = 0; m < models; m++) {
                table[c][m] = n[c] + alpha == 0 ? global[m] : (sum[c][m] + alpha * global[m]) / (n[c] + alpha);
            }
        }
        return table;
    }

    /**
     * Row i of subset s weighs w_s / n_s, rescaled so that the weights average 1 over the rows: the weighted mean of
     * a model's scores over all rows is then its objective (the weighted macro mean over subsets).
     */
    static double[] objectiveWeights(RewardDataset rows, Map<String, Double> subsetWeights) {
        Map<String, List<RewardRecord>> bySubset = rows.bySubset();
        double[] w = new double[rows.size()];
        double sum = 0;
        for (int i = 0; i < w.length; i++) {
            String s = subsetOf(rows.records().get(i));
            w[i] = dev.zooterj.core.routing.RoutingMetric.weight(subsetWeights, s) / bySubset.get(s).size();
            sum += w[i];
        }
        if (!(sum > 0)) {
            throw new IllegalArgumentException("cluster_best: weighting=objective, but every training subset " + bySubset.keySet()
                    + " weighs 0 in the objective");
        }
        for (int i = 0; i < w.length; i++) {
            w[i] *= w.length / sum;
        }
        return w;
    }

    private static String subsetOf(RewardRecord r) {
        return r.subset() == null ? "" : r.subset();
    }

    @Override
    public Router load(Path dir, JsonNode manifest, KindContext context) {
        var saved = EmbeddingRouterStore.read(this, dir, manifest, context);
        Settings s = saved.settings();
        List<String> models = saved.models();
        TextEmbedder embedder = saved.embedder();
        Map<String, INDArray> a = saved.arrays();
        INDArray c = a.get("centroids");
        INDArray t = a.get("table");
        if (c == null || t == null || c.rows() != s.k() || t.rows() != s.k() || t.columns() != models.size()
                || c.columns() != embedder.dimension()) {
            throw new IllegalArgumentException(dir.resolve(EmbeddingRouterStore.ARRAYS) + ": expected centroids [" + s.k() + ", "
                    + embedder.dimension() + "] and table [" + s.k() + ", " + models.size() + "]");
        }
        return router(models, c.castTo(DataType.FLOAT).toFloatMatrix(), t.castTo(DataType.DOUBLE).toDoubleMatrix(), embedder);
    }

    private static Router router(List<String> models, float[][] centroids, double[][] table, TextEmbedder embedder) {
        KMeans.Centroids cs = new KMeans.Centroids(centroids);
        return EstimatingRouter.argmax(new Estimator() {
            @Override
            public List<String> models() {
                return models;
            }

            @Override
            public List<Estimate> estimate(List<String> queries) {
                int[] nearest = cs.nearest(EmbeddingRouterStore.unit(embedder.embed(queries)));
                List<Estimate> out = new ArrayList<>(nearest.length);
                for (int c : nearest) {
                    out.add(Estimate.expectedScores(models, table[c]));
                }
                return out;
            }
        });
    }

    private record Fitted(List<String> models, float[][] centroids, int[] sizes, double[][] table, Settings settings,
                          TextEmbedder embedder, KindContext context, int rows, Tuning tuningOrNull) implements FittedRouter {
        @Override
        public String kind() {
            return NAME;
        }

        @Override
        public Router router() {
            return ClusterBestKind.router(models, centroids, table, embedder);
        }

        @Override
        public String summary() {
            Map<String, Integer> clustersPerModel = new LinkedHashMap<>();
            for (double[] row : table) {
                clustersPerModel.merge(models.get(ProbabilityVectors.argmax(row)), 1, Integer::sum);
            }
            return String.format(Locale.ROOT, "K = %d, α = %s: clusters per best model %s", settings.k(), settings.alpha(), clustersPerModel);
        }

        @Override
        public Optional<Tuning> tuning() {
            return Optional.ofNullable(tuningOrNull);
        }

        @Override
        public FittedRouter withTuning(Tuning t) {
            return new Fitted(models, centroids, sizes, table, settings, embedder, context, rows, t);
        }

        @Override
        public void save(Path dir) {
            ObjectNode m = EmbeddingRouterStore.manifest(this, models, embedder, context, rows);
            ArrayNode sz = m.putArray("clusterSizes");
            for (int n : sizes) {
                sz.add(n);
            }
            EmbeddingRouterStore.save(dir, m, Map.of("centroids", Nd4j.create(centroids), "table", Nd4j.create(table)));
        }
    }
}
