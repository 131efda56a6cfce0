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
import dev.zooterj.data.tags.HashedNgrams;
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
 * "Recognise the task, then use that task's best model": a multinomial logistic regression from the query to the row's
 * subset, then the best model for the predicted subsets by their training rows' mean evaluation scores ({@code scores}
 * where rows carry them, else rewards).
 *
 * <p>Features ({@code features}): {@code ngram}, hashed word and character n-grams ({@link HashedNgrams}), which keep a
 * benchmark prompt's format, {@code embedding}, the frozen encoder's L2-normalised sentence embedding, or {@code both},
 * the n-grams with the unit embedding appended as further (dense) features.
 *
 * <p>Decision ({@code decision}), from the class posterior p(c | q) and the table T[c][m] of subset mean scores:
 * <ul>
 *   <li>{@code hard}: the table row of the most probable subset, T[argmax p];</li>
 *   <li>{@code posterior}: the expected score under the posterior, Σ_c p(c | q)·T[c] — a query that looks like either of
 *   two subsets goes to the model that is good on both (on RouterDC, an ARC question that could be ARC-Easy or
 *   ARC-Challenge goes to zephyr, the best on Challenge and close to the best on Easy);</li>
 *   <li>{@code balanced}: the same with the posterior under equal subset priors, q(c | q) ∝ w_c·p(c | q)/π_c (π_c the
 *   subset's share of the training rows, w_c its weight in the routing objective, 1 unless the context says otherwise),
 *   because the metric is a (weighted) macro mean over subsets, in which every subset counts by its weight however
 *   many rows it has: this is the choice that maximises the expected metric under p;</li>
 *   <li>{@code confusion}: the posterior corrected by the classifier's own out-of-fold mistakes. At fit time the
 *   classifier is refitted on 3 folds of the training rows and predicts the held-out rows; M[k][c] sums p(k | q) over
 *   the held-out rows q of subset c. A query then counts as subset c with weight Σ_k p(k | q)·M[k][c] / Σ_c' M[k][c'],
 *   and the expected score is that mixture of table rows. Two subsets the classifier cannot tell apart (ARC-Easy and
 *   ARC-Challenge share one prompt format) thus share their rows' outcomes however confident the classifier is on a
 *   single query, where {@code posterior} trusts an over-confident p;</li>
 *   <li>{@code confusion_balanced}: the same with M[k][c] multiplied by w_c/π_c (as {@code balanced}).</li>
 *   <li>{@code calibrated} and {@code calibrated_balanced}: {@code posterior} and {@code balanced} on the posterior
 *   recalibrated by one temperature, p_T(c | q) ∝ p(c | q)^(1/T), T fitted at fit time to the same out-of-fold
 *   predictions by their log-likelihood. {@code balanced} is the Bayes decision for a macro mean only when p is
 *   calibrated: w_c/π_c multiplies a small subset's share many times (on RouterDC, HumanEval's 1.5 % of the rows
 *   by 17 against MMLU's 26 %), so an under-confident classifier's 1 % for HumanEval on an MMLU question sends it to
 *   HumanEval's best model.</li>
 * </ul>
 * The estimate is that expectation (expected scores), so any policy can act on it. Features and decision are chosen on
 * validation by the {@link Tuner}, by 3-fold cross-validation (the classifier is fitted once per fold and feature set
 * and reused across decisions), which keeps the default (ngram, {@code calibrated_balanced}: the Bayes decision for the
 * weighted macro mean with a calibrated posterior) unless another candidate beats it by more than one standard error;
 * {@code both} is not in the grid (it did not help on RouterDC) but can be set.
 */
public final class TaskBestKind implements RouterKind<TaskBestKind.Settings> {
    public static final String NAME = "task_best";

    /** Feature sets and decision rules, in the order the validation grid tries them. */
    static final List<String> FEATURES = List.of("ngram", "embedding", "both");
    static final List<String> DECISIONS = List.of("calibrated_balanced", "balanced", "posterior", "hard", "confusion",
            "confusion_balanced", "calibrated");
    /** Folds of the out-of-fold confusion matrix behind the {@code confusion} decisions. */
    static final int CONFUSION_FOLDS = 3;

    /**
     * @param features   ngram or embedding (see the class comment)
     * @param decision   one of {@link #DECISIONS} (see the class comment)
     * @param l2         weight penalty of the logistic regression
     * @param iterations full-batch Adam steps
     * @param rate       Adam's step size
     * @param seed       recorded for provenance and seeds validation hold-outs; the fit starts from zero weights and draws
     *                   nothing at random
     */
    public record Settings(String features, String decision, double l2, int iterations, double rate, long seed)
            implements KindSettings<Settings> {
        @Override
        public Map<String, String> values() {
            Map<String, String> v = new LinkedHashMap<>();
            v.put("features", features);
            v.put("decision", decision);
            v.put("l2", String.valueOf(l2));
            v.put("iterations", String.valueOf(iterations));
            v.put("rate", String.valueOf(rate));
            v.put("seed", String.valueOf(seed));
            return v;
        }

        @Override
        public Settings with(String name, String value) {
            return switch (name) {
                case "features" -> new Settings(KindSettings.oneOf(name, value, FEATURES), decision, l2, iterations, rate, seed);
                case "decision" -> new Settings(features, KindSettings.oneOf(name, value, DECISIONS), l2, iterations, rate, seed);
                case "l2" -> new Settings(features, decision, KindSettings.parseDouble(name, value, 0, 1e6), iterations, rate, seed);
                case "iterations" -> new Settings(features, decision, l2, KindSettings.parseInt(name, value, 1), rate, seed);
                case "rate" -> new Settings(features, decision, l2, iterations, KindSettings.parseDouble(name, value, 1e-9, 10), seed);
                case "seed" -> new Settings(features, decision, l2, iterations, rate, KindSettings.parseLong(name, value));
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
        return "a logistic-regression task classifier (hashed n-grams or frozen embeddings), then the best model for the predicted tasks on the training rows";
    }

    @Override
    public Settings defaults() {
        return new Settings("ngram", "calibrated_balanced", 1e-4, 300, 0.05, 42);
    }

    @Override
    public Map<String, List<String>> validationGrid() {
        Map<String, List<String>> g = new LinkedHashMap<>();
        g.put("features", List.of("ngram", "embedding"));
        g.put("decision", DECISIONS);
        return g;
    }

    /**
     * Three-fold cross-validation: the decision rules differ on a few ambiguous rows of small subsets, which one
     * 10 % hold-out cannot tell apart; the classifier is fitted once per fold and feature set.
     */
    @Override
    public int validationFolds() {
        return 3;
    }

    @Override
    public FittedRouter fit(RewardDataset train, Settings s, KindContext context) {
        if (train.size() == 0) {
            throw new IllegalArgumentException("task_best needs training rows");
        }
        List<String> classes = new ArrayList<>(train.bySubset().keySet());
        java.util.Collections.sort(classes);
        int[] y = labels(train.records(), classes);
        double[][] table = new double[classes.size()][train.models().size()];
        int[] count = new int[classes.size()];
        for (int i = 0; i < y.length; i++) {
            double[] sc = train.records().get(i).evaluationScores();
            for (int m = 0; m < sc.length; m++) {
                table[y[i]][m] += sc[m];
            }
            count[y[i]]++;
        }
        double[] prior = new double[classes.size()];
        for (int c = 0; c < table.length; c++) {
            for (int m = 0; m < table[c].length; m++) {
                table[c][m] /= count[c];
            }
            prior[c] = (double) count[c] / y.length;
        }
        table = EmbeddingRouterStore.asStored(table);
        prior = EmbeddingRouterStore.asStored(new double[][]{prior})[0];
        double[] weights = new double[classes.size()];
        for (int c = 0; c < weights.length; c++) {
            weights[c] = dev.zooterj.core.routing.RoutingMetric.weight(context.subsetWeights(), classes.get(c));
        }
        List<String> queries = train.records().stream().map(RewardRecord::query).toList();
        TextEmbedder embedder = context.embedder();
        Classifier classifier = fitClassifier(queries, y, classes.size(), s, embedder);
        OutOfFold oof = s.decision().startsWith("confusion") || s.decision().startsWith("calibrated")
                ? outOfFold(train, classes, s, embedder) : null;
        double[][] confusion = s.decision().startsWith("confusion") ? oof.confusion() : null;
        double temperature = s.decision().startsWith("calibrated") ? oof.temperature() : Double.NaN;
        int correct = 0;
        double[][] p = classifier.probabilities(queries);
        for (int i = 0; i < y.length; i++) {
            correct += dev.zooterj.core.label.ProbabilityVectors.argmax(p[i]) == y[i] ? 1 : 0;
        }
        return new Fitted(train.models(), classes, classifier, table, prior, weights, confusion, temperature, s, embedder, context,
                train.size(), (double) correct / y.length, null);
    }

    /**
     * What the classifier's out-of-fold predictions on the training rows give: the soft confusion matrix
     * M[k][c] = Σ p(k | q) over the rows q of subset c, and the temperature T that maximises their log-likelihood
     * under p_T ∝ p^(1/T).
     */
    record OutOfFold(double[][] confusion, double temperature) {
    }

    /**
     * Every training row predicted by a classifier fitted on the other folds ({@link #CONFUSION_FOLDS}, stratified,
     * seeded by the settings' seed), summed into M[k][c] and used to fit the temperature. Cached like the classifiers,
     * so the confusion and calibrated decisions share the fits. With too few rows for the folds, the identity and T = 1
     * (no correction).
     */
    static OutOfFold outOfFold(RewardDataset train, List<String> classes, Settings s, TextEmbedder embedder) {
        int n = classes.size();
        double[][] m = new double[n][n];
        if (n == 1 || train.size() < 2 * CONFUSION_FOLDS) {
            for (int c = 0; c < n; c++) {
                m[c][c] = 1;
            }
            return new OutOfFold(m, 1);
        }
        List<String> all = train.records().stream().map(RewardRecord::query).toList();
        String key = "oof|" + s.features() + '|' + s.l2() + '|' + s.iterations() + '|' + s.rate() + '|' + s.seed() + '|'
                + (!s.features().equals("ngram") ? embedder.encoder() + "@" + embedder.maxTokens() : "") + '|'
                + contentHash(all, labels(train.records(), classes));
        synchronized (OUT_OF_FOLD) {
            OutOfFold cached = OUT_OF_FOLD.get(key);
            if (cached != null) {
                return cached;
            }
        }
        List<double[]> predicted = new ArrayList<>(train.size());
        List<Integer> truths = new ArrayList<>(train.size());
        for (dev.zooterj.data.Splits.Fold fold : dev.zooterj.data.Splits.kFold(train, CONFUSION_FOLDS, s.seed())) {
            List<String> q = fold.train().records().stream().map(RewardRecord::query).toList();
            Classifier c = fitClassifier(q, labels(fold.train().records(), classes), n, s, embedder);
            List<RewardRecord> held = fold.test().records();
            int[] truth = labels(held, classes);
            double[][] p = c.probabilities(held.stream().map(RewardRecord::query).toList());
            for (int i = 0; i < p.length; i++) {
                for (int k = 0; k < n; k++) {
                    m[k][truth[i]] += p[i][k];
                }
                predicted.add(p[i]);
                truths.add(truth[i]);
            }
        }
        OutOfFold out = new OutOfFold(EmbeddingRouterStore.asStored(m),
                (float) fitTemperature(predicted.toArray(double[][]::new), truths.stream().mapToInt(Integer::intValue).toArray()));
        synchronized (OUT_OF_FOLD) {
            OUT_OF_FOLD.put(key, out);
        }
        return out;
    }

    /** Bounds of the temperature search: from 50× sharper to 50× flatter. */
    static final double MIN_TEMPERATURE = 0.02;
    static final double MAX_TEMPERATURE = 50;

    /**
     * The temperature T in [{@link #MIN_TEMPERATURE}, {@link #MAX_TEMPERATURE}] that minimises the negative
     * log-likelihood of the true classes under p_T ∝ p^(1/T). The likelihood is concave in a = 1/T (a log-sum-exp of
     * linear functions minus a linear one), so a golden-section search over a finds the optimum.
     */
    static double fitTemperature(double[][] p, int[] truth) {
        double[][] logp = new double[p.length][];
        for (int i = 0; i < p.length; i++) {
            logp[i] = new double[p[i].length];
            for (int k = 0; k < p[i].length; k++) {
                logp[i][k] = Math.log(Math.max(p[i][k], 1e-300));
            }
        }
        double lo = 1 / MAX_TEMPERATURE;
        double hi = 1 / MIN_TEMPERATURE;
        double g = (Math.sqrt(5) - 1) / 2;
        double x1 = hi - g * (hi - lo);
        double x2 = lo + g * (hi - lo);
        double f1 = nll(logp, truth, x1);
        double f2 = nll(logp, truth, x2);
        for (int it = 0; it < 100 && hi - lo > 1e-6; it++) {
            if (f1 <= f2) {
                hi = x2;
                x2 = x1;
                f2 = f1;
                x1 = hi - g * (hi - lo);
                f1 = nll(logp, truth, x1);
            } else {
                lo = x1;
                x1 = x2;
                f1 = f2;
                x2 = lo + g * (hi - lo);
                f2 = nll(logp, truth, x2);
            }
        }
        return 1 / ((lo + hi) / 2);
    }

    private static double nll(double[][] logp, int[] truth, double a) {
        double sum = 0;
        for (int i = 0; i < logp.length; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (double v : logp[i]) {
                max = Math.max(max, a * v);
            }
            double z = 0;
            for (double v : logp[i]) {
                z += Math.exp(a * v - max);
            }
            sum += max + Math.log(z) - a * logp[i][truth[i]];
        }
        return sum;
    }

    /** p^(1/T), normalised: the posterior at temperature T (T = 1 leaves it as it is). */
    static double[] atTemperature(double[] p, double temperature) {
        double a = 1 / temperature;
        double[] out = new double[p.length];
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < p.length; k++) {
            out[k] = a * Math.log(Math.max(p[k], 1e-300));
            max = Math.max(max, out[k]);
        }
        double sum = 0;
        for (int k = 0; k < p.length; k++) {
            out[k] = Math.exp(out[k] - max);
            sum += out[k];
        }
        for (int k = 0; k < p.length; k++) {
            out[k] /= sum;
        }
        return out;
    }

    private static int[] labels(List<RewardRecord> rows, List<String> classes) {
        int[] y = new int[rows.size()];
        for (int i = 0; i < y.length; i++) {
            RewardRecord r = rows.get(i);
            y[i] = classes.indexOf(r.subset() == null ? "" : r.subset());
        }
        return y;
    }

    private static final Map<String, OutOfFold> OUT_OF_FOLD = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, OutOfFold> eldest) {
            return size() > 16;
        }
    };

    /**
     * The classifier for these rows and settings. Fits are kept in a small cache keyed by the rows' queries and
     * labels and the classifier's own settings, so a validation grid over decision rules fits each feature set once.
     */
    private static Classifier fitClassifier(List<String> queries, int[] y, int classes, Settings s, TextEmbedder embedder) {
        String key = s.features() + '|' + s.l2() + '|' + s.iterations() + '|' + s.rate() + '|' + classes + '|'
                + (!s.features().equals("ngram") ? embedder.encoder() + "@" + embedder.maxTokens() : "") + '|' + contentHash(queries, y);
        synchronized (CACHE) {
            Classifier c = CACHE.get(key);
            if (c != null) {
                return c;
            }
        }
        int iterations = classes == 1 ? 1 : s.iterations();
        Classifier c;
        if (!s.features().equals("embedding")) {
            HashedNgrams features = new HashedNgrams(HashedNgrams.DEFAULT_DIMENSION);
            TextEmbedder dense = s.features().equals("both") ? embedder : null;
            HashedNgrams.Sparse[] x = NgramClassifier.featurize(features, dense, queries);
            int dim = features.dimension() + (dense == null ? 0 : dense.dimension());
            SparseSoftmaxRegression fitted = SparseSoftmaxRegression.fit(x, y, dim, classes, s.l2(), iterations, s.rate());
            c = new NgramClassifier(features, dense, SparseSoftmaxRegression.of(dim, classes,
                    asFloat(fitted.weights()), asFloat(fitted.bias())));
        } else {
            float[][] x = EmbeddingRouterStore.unit(embedder.embed(queries));
            c = new EmbeddingClassifier(embedder, SoftmaxRegression.of(EmbeddingRouterStore.asStored(
                    SoftmaxRegression.fit(x, y, classes, s.l2(), iterations, s.rate()).weights())));
        }
        synchronized (CACHE) {
            CACHE.put(key, c);
        }
        return c;
    }

    private static final Map<String, Classifier> CACHE = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Classifier> eldest) {
            return size() > 8;
        }
    };

    private static String contentHash(List<String> queries, int[] y) {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            for (int i = 0; i < queries.size(); i++) {
                md.update(queries.get(i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                md.update((byte) 0);
                md.update(Integer.toString(y[i]).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                md.update((byte) 1);
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double[] asFloat(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) v[i];
        }
        return out;
    }

    /** p(subset | query) for a batch of queries. */
    private interface Classifier {
        double[][] probabilities(List<String> queries);

        Map<String, INDArray> arrays();
    }

    private record EmbeddingClassifier(TextEmbedder embedder, SoftmaxRegression lr) implements Classifier {
        @Override
        public double[][] probabilities(List<String> queries) {
            float[][] x = EmbeddingRouterStore.unit(embedder.embed(queries));
            double[][] p = new double[x.length][];
            for (int i = 0; i < x.length; i++) {
                p[i] = lr.probabilities(x[i]);
            }
            return p;
        }

        @Override
        public Map<String, INDArray> arrays() {
            return Map.of("weights", Nd4j.create(lr.weights()));
        }
    }

    /** Hashed n-grams, and with {@code dense} the unit embedding appended after the n-gram buckets. */
    private record NgramClassifier(HashedNgrams features, TextEmbedder dense, SparseSoftmaxRegression lr) implements Classifier {
        static HashedNgrams.Sparse[] featurize(HashedNgrams features, TextEmbedder dense, List<String> queries) {
            float[][] e = dense == null ? null : EmbeddingRouterStore.unit(dense.embed(queries));
            HashedNgrams.Sparse[] x = ngrams(features, queries);
            for (int i = 0; i < x.length; i++) {
                HashedNgrams.Sparse f = x[i];
                if (e != null) {
                    int n = f.size();
                    int[] idx = java.util.Arrays.copyOf(f.index(), n + e[i].length);
                    float[] val = java.util.Arrays.copyOf(f.value(), n + e[i].length);
                    for (int j = 0; j < e[i].length; j++) {
                        idx[n + j] = features.dimension() + j;
                        val[n + j] = e[i][j];
                    }
                    f = new HashedNgrams.Sparse(idx, val);
                }
                x[i] = f;
            }
            return x;
        }

        /** Bound of the n-gram cache, in non-zero entries (about 8 bytes each). */
        static final long NGRAM_CACHE_ENTRIES = 16_000_000;
        private static final Map<String, HashedNgrams.Sparse> NGRAMS = new LinkedHashMap<>(1024, 0.75f, true);
        private static long ngramEntries;

        /**
         * Each query's hashed n-grams, from a cache shared by every fit and prediction (a tuning grid and its folds
         * featurise the same queries dozens of times; on RouterDC's 7,598 training rows one pass takes seconds), the
         * missing ones computed in parallel. Least recently used queries leave first once the cache holds
         * {@link #NGRAM_CACHE_ENTRIES} entries.
         */
        static HashedNgrams.Sparse[] ngrams(HashedNgrams features, List<String> queries) {
            HashedNgrams.Sparse[] x = new HashedNgrams.Sparse[queries.size()];
            String[] keys = new String[x.length];
            List<Integer> missing = new ArrayList<>();
            synchronized (NGRAMS) {
                for (int i = 0; i < x.length; i++) {
                    keys[i] = features.dimension() + "|" + queries.get(i);
                    x[i] = NGRAMS.get(keys[i]);
                    if (x[i] == null) {
                        missing.add(i);
                    }
                }
            }
            missing.parallelStream().forEach(i -> x[i] = features.features(queries.get(i)));
            synchronized (NGRAMS) {
                for (int i : missing) {
                    if (NGRAMS.put(keys[i], x[i]) == null) {
                        ngramEntries += x[i].size() + 1;
                    }
                }
                var it = NGRAMS.entrySet().iterator();
                while (ngramEntries > NGRAM_CACHE_ENTRIES && it.hasNext()) {
                    ngramEntries -= it.next().getValue().size() + 1;
                    it.remove();
                }
            }
            return x;
        }

        @Override
        public double[][] probabilities(List<String> queries) {
            HashedNgrams.Sparse[] x = featurize(features, dense, queries);
            double[][] p = new double[x.length][];
            for (int i = 0; i < p.length; i++) {
                p[i] = lr.probabilities(x[i]);
            }
            return p;
        }

        @Override
        public Map<String, INDArray> arrays() {
            return Map.of("ngramWeights", Nd4j.create(lr.weights(), new long[]{lr.dimension(), lr.classes()}, DataType.FLOAT),
                    "ngramBias", Nd4j.create(lr.bias(), new long[]{lr.classes()}, DataType.FLOAT));
        }
    }

    /** The expected scores under the decision rule, from a posterior p over subsets (no confusion matrix). */
    static double[] decide(String decision, double[] p, double[] prior, double[][] table) {
        return decide(decision, p, prior, table, null);
    }

    /** The same with every subset weighing 1 in the objective. */
    static double[] decide(String decision, double[] p, double[] prior, double[][] table, double[][] confusion) {
        double[] ones = new double[prior.length];
        java.util.Arrays.fill(ones, 1);
        return decide(decision, p, prior, ones, table, confusion);
    }

    /**
     * The expected scores under the decision rule, from a posterior p over subsets; {@code weights} are the subsets'
     * weights in the objective (the balanced rules use them), {@code confusion} the out-of-fold matrix
     * M[predicted][true] the confusion decisions need.
     */
    static double[] decide(String decision, double[] p, double[] prior, double[] weights, double[][] table, double[][] confusion) {
        return decide(decision, p, prior, weights, table, confusion, Double.NaN);
    }

    /** The same; the calibrated decisions also need the fitted {@code temperature}. */
    static double[] decide(String decision, double[] p, double[] prior, double[] weights, double[][] table, double[][] confusion,
                           double temperature) {
        if (decision.startsWith("calibrated")) {
            if (!(temperature > 0) || Double.isInfinite(temperature)) {
                throw new IllegalArgumentException("task_best: the " + decision + " decision needs a positive fitted temperature, got "
                        + temperature);
            }
            return decide(decision.equals("calibrated") ? "posterior" : "balanced", atTemperature(p, temperature), prior, weights,
                    table, confusion, Double.NaN);
        }
        int models = table[0].length;
        double[] out = new double[models];
        switch (decision) {
            case "confusion", "confusion_balanced" -> {
                if (confusion == null) {
                    throw new IllegalArgumentException("task_best: the " + decision + " decision needs the out-of-fold confusion matrix");
                }
                int n = p.length;
                double[] q = new double[n];
                for (int k = 0; k < n; k++) {
                    double[] row = new double[n];
                    double sum = 0;
                    for (int c = 0; c < n; c++) {
                        row[c] = decision.equals("confusion") ? confusion[k][c] : (prior[c] > 0 ? confusion[k][c] * weights[c] / prior[c] : 0);
                        sum += row[c];
                    }
                    for (int c = 0; c < n; c++) {
                        // a subset the held-out rows were never assigned to stands for itself
                        q[c] += p[k] * (sum > 0 ? row[c] / sum : (c == k ? 1 : 0));
                    }
                }
                for (int c = 0; c < n; c++) {
                    for (int m = 0; m < models; m++) {
                        out[m] += q[c] * table[c][m];
                    }
                }
            }
            case "hard" -> System.arraycopy(table[dev.zooterj.core.label.ProbabilityVectors.argmax(p)], 0, out, 0, models);
            case "posterior", "balanced" -> {
                double[] q = p.clone();
                if (decision.equals("balanced")) {
                    double sum = 0;
                    for (int c = 0; c < q.length; c++) {
                        q[c] = prior[c] > 0 ? q[c] * weights[c] / prior[c] : 0;
                        sum += q[c];
                    }
                    for (int c = 0; c < q.length; c++) {
                        // all the mass on subsets that weigh nothing: the plain posterior decides
                        q[c] = sum > 0 ? q[c] / sum : p[c];
                    }
                }
                for (int c = 0; c < q.length; c++) {
                    for (int m = 0; m < models; m++) {
                        out[m] += q[c] * table[c][m];
                    }
                }
            }
            default -> throw new IllegalArgumentException("task_best: unknown decision '" + decision + "'; expected one of " + DECISIONS);
        }
        return out;
    }

    @Override
    public Router load(Path dir, JsonNode manifest, KindContext context) {
        // routers saved before the features and decision settings existed used embeddings and the hard rule
        JsonNode saved = manifest.path("settings");
        if (saved.isObject() && !saved.has("features")) {
            ObjectNode legacy = ((ObjectNode) manifest.deepCopy());
            ((ObjectNode) legacy.path("settings")).put("features", "embedding").put("decision", "hard");
            manifest = legacy;
        }
        var read = EmbeddingRouterStore.read(this, dir, manifest, context);
        Settings s = read.settings();
        List<String> models = read.models();
        TextEmbedder embedder = read.embedder();
        Map<String, INDArray> a = read.arrays();
        List<String> classes = new ArrayList<>();
        manifest.path("classes").forEach(n -> classes.add(n.asText()));
        INDArray t = a.get("table");
        String where = dir.resolve(EmbeddingRouterStore.ARRAYS).toString();
        if (t == null || classes.isEmpty() || t.rows() != classes.size() || t.columns() != models.size()) {
            throw new IllegalArgumentException(where + ": expected table [" + classes.size() + ", " + models.size()
                    + "] for the classes in " + RouterStore.MANIFEST);
        }
        double[] prior = new double[classes.size()];
        JsonNode pj = manifest.path("prior");
        if (pj.isArray() && pj.size() == classes.size()) {
            for (int c = 0; c < prior.length; c++) {
                prior[c] = pj.get(c).asDouble();
            }
        } else if (s.decision().endsWith("balanced")) {
            throw new IllegalArgumentException(dir.resolve(RouterStore.MANIFEST) + ": field 'prior': expected " + classes.size()
                    + " subset shares for the " + s.decision() + " decision");
        }
        double[] weights = new double[classes.size()];
        java.util.Arrays.fill(weights, 1);
        JsonNode wj = manifest.path("subsetWeights");
        if (wj.isArray()) {
            if (wj.size() != classes.size()) {
                throw new IllegalArgumentException(dir.resolve(RouterStore.MANIFEST) + ": field 'subsetWeights': expected "
                        + classes.size() + " weights, one per class");
            }
            for (int c = 0; c < weights.length; c++) {
                weights[c] = wj.get(c).asDouble();
            }
        }
        double[][] confusion = null;
        if (s.decision().startsWith("confusion")) {
            INDArray cm = a.get("confusion");
            if (cm == null || cm.rank() != 2 || cm.rows() != classes.size() || cm.columns() != classes.size()) {
                throw new IllegalArgumentException(where + ": expected confusion [" + classes.size() + ", " + classes.size()
                        + "] for the " + s.decision() + " decision");
            }
            confusion = cm.castTo(DataType.DOUBLE).toDoubleMatrix();
        }
        double temperature = Double.NaN;
        if (s.decision().startsWith("calibrated")) {
            temperature = manifest.path("temperature").asDouble(Double.NaN);
            if (!(temperature > 0) || Double.isInfinite(temperature)) {
                throw new IllegalArgumentException(dir.resolve(RouterStore.MANIFEST) + ": field 'temperature': expected a positive number for the "
                        + s.decision() + " decision");
            }
        }
        Classifier classifier;
        if (!s.features().equals("embedding")) {
            INDArray w = a.get("ngramWeights");
            INDArray b = a.get("ngramBias");
            int buckets = manifest.path("ngramDimension").asInt(HashedNgrams.DEFAULT_DIMENSION);
            TextEmbedder dense = s.features().equals("both") ? embedder : null;
            int dim = buckets + (dense == null ? 0 : dense.dimension());
            if (w == null || b == null || w.rank() != 2 || w.rows() != dim || w.columns() != classes.size() || b.length() != classes.size()) {
                throw new IllegalArgumentException(where + ": expected ngramWeights [" + dim + ", " + classes.size() + "] and ngramBias ["
                        + classes.size() + "]");
            }
            classifier = new NgramClassifier(new HashedNgrams(buckets), dense, SparseSoftmaxRegression.of(dim, classes.size(),
                    w.castTo(DataType.DOUBLE).reshape(-1).toDoubleVector(), b.castTo(DataType.DOUBLE).reshape(-1).toDoubleVector()));
        } else {
            INDArray w = a.get("weights");
            if (w == null || w.rows() != classes.size() || w.columns() != embedder.dimension() + 1) {
                throw new IllegalArgumentException(where + ": expected weights [" + classes.size() + ", " + (embedder.dimension() + 1) + "]");
            }
            classifier = new EmbeddingClassifier(embedder, SoftmaxRegression.of(w.castTo(DataType.DOUBLE).toDoubleMatrix()));
        }
        return router(models, classifier, s.decision(), prior, weights, t.castTo(DataType.DOUBLE).toDoubleMatrix(), confusion, temperature);
    }

    private static Router router(List<String> models, Classifier classifier, String decision, double[] prior, double[] weights,
                                 double[][] table, double[][] confusion, double temperature) {
        return EstimatingRouter.argmax(new Estimator() {
            @Override
            public List<String> models() {
                return models;
            }

            @Override
            public List<Estimate> estimate(List<String> queries) {
                double[][] p = classifier.probabilities(queries);
                List<Estimate> out = new ArrayList<>(p.length);
                for (double[] row : p) {
                    out.add(Estimate.expectedScores(models, decide(decision, row, prior, weights, table, confusion, temperature)));
                }
                return out;
            }
        });
    }

    private record Fitted(List<String> models, List<String> classes, Classifier classifier, double[][] table, double[] prior,
                          double[] weights, double[][] confusion, double temperature, Settings settings, TextEmbedder embedder, KindContext context, int rows, double trainingAccuracy,
                          Tuning tuningOrNull) implements FittedRouter {
        @Override
        public String kind() {
            return NAME;
        }

        @Override
        public Router router() {
            return TaskBestKind.router(models, classifier, settings.decision(), prior, weights, table, confusion, temperature);
        }

        @Override
        public String summary() {
            List<String> best = new ArrayList<>();
            for (int c = 0; c < classes.size(); c++) {
                best.add(classes.get(c) + " → " + models.get(dev.zooterj.core.label.ProbabilityVectors.argmax(table[c])));
            }
            return String.format(Locale.ROOT, "%d tasks, %s features, %s decision%s, training accuracy of the task classifier %.3f; %s",
                    classes.size(), settings.features(), settings.decision(),
                    Double.isNaN(temperature) ? "" : String.format(Locale.ROOT, " (temperature %.3g)", temperature),
                    trainingAccuracy, String.join(", ", best));
        }

        @Override
        public Optional<Tuning> tuning() {
            return Optional.ofNullable(tuningOrNull);
        }

        @Override
        public FittedRouter withTuning(Tuning t) {
            return new Fitted(models, classes, classifier, table, prior, weights, confusion, temperature, settings, embedder, context, rows,
                    trainingAccuracy, t);
        }

        @Override
        public void save(Path dir) {
            ObjectNode m = EmbeddingRouterStore.manifest(this, models, embedder, context, rows);
            ArrayNode cs = m.putArray("classes");
            classes.forEach(cs::add);
            ArrayNode pr = m.putArray("prior");
            for (double v : prior) {
                pr.add(v);
            }
            ArrayNode ws = m.putArray("subsetWeights");
            for (double v : weights) {
                ws.add(v);
            }
            if (classifier instanceof NgramClassifier n) {
                m.put("ngramDimension", n.features().dimension());
            }
            m.put("trainingAccuracy", trainingAccuracy);
            if (!Double.isNaN(temperature)) {
                m.put("temperature", temperature);
            }
            Map<String, INDArray> arrays = new LinkedHashMap<>(classifier.arrays());
            arrays.put("table", Nd4j.create(table));
            if (confusion != null) {
                arrays.put("confusion", Nd4j.create(confusion));
            }
            EmbeddingRouterStore.save(dir, m, arrays);
        }
    }
}
