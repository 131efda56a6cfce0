package dev.zooterj.bench;

import dev.zooterj.bench.suite.BenchmarkSuite;
import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.core.ensemble.EnsembleMethod;
import dev.zooterj.core.ensemble.EnsembleMethods;
import dev.zooterj.core.ensemble.Selection;
import dev.zooterj.core.label.LabelConfig;
import dev.zooterj.core.label.ProbabilityVectors;
import dev.zooterj.core.label.TagEnhancedLabels;
import dev.zooterj.data.tags.TagScheme;
import dev.zooterj.nn.router.FrozenEncoder;
import dev.zooterj.data.tags.TextEmbedder;
import dev.zooterj.nn.router.ClusterBestKind;
import dev.zooterj.nn.router.FittedRouter;
import dev.zooterj.nn.router.KindContext;
import dev.zooterj.nn.router.KindSettings;
import dev.zooterj.nn.router.KnnKind;
import dev.zooterj.nn.router.RouterKind;
import dev.zooterj.nn.router.RouterKinds;
import dev.zooterj.nn.router.RouterSpec;
import dev.zooterj.nn.router.AutoKind;
import dev.zooterj.nn.router.TaskBestKind;
import dev.zooterj.nn.router.Tuner;
import dev.zooterj.nn.router.ZooterKind;
import dev.zooterj.nn.router.ZooterTrainer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Runs a benchmark suite: per fold, fits every learned router kind named in {@link Options#methods()} on the fold's
 * training rows through the {@link RouterKinds} registry (Zooter, kNN, task_best, cluster_best, ...; with
 * {@link Options#tune()}, each kind's {@link RouterKind#validationGrid()} is chosen on a stratified hold-out of those
 * training rows by the {@link Tuner}), Zooter's hard-label ablation and β sweep, builds the baselines (each single
 * model, BMA chosen on the training rows, random, reward-model ranking, and the reference lines that use test
 * knowledge: the dataset oracle and the oracle), then evaluates every method on all test rows together and adds the
 * bootstrap intervals of Zooter − BMA and the reward-entropy analysis.
 *
 * <p>Nothing that is fitted or chosen reads a test row: kinds see only the fold's training rows. When the router spec
 * names a tag scheme other than {@code data} ({@link RouterSpec#tags()}), the Zooter kind re-tags the fold's training
 * rows before training, fitting the scheme on them only (clusters on the pretrained MiniLM embeddings, seeded with the
 * router's seed), so the Zooter router, the hard-label ablation and every β of the sweep learn from the same tags.
 */
public final class BenchRunner {
    /** Progress messages (a line each). */
    public interface Listener {
        void message(String line);

        /**
         * What the kinds' fits report: the stages of a long fit and, when an epoch takes more than a few seconds (a
         * fine-tuned encoder), each epoch's summary become messages; bars are not drawn.
         */
        default ZooterTrainer.Listener training() {
            return new ZooterTrainer.Listener() {
                @Override
                public void stage(String line) {
                    message("  " + line);
                }

                @Override
                public void epochEnded(dev.zooterj.nn.train.EpochStats e) {
                    if (e.seconds() >= 10) {
                        message("    " + e.summary());
                    }
                }
            };
        }
    }

    /** The learned kinds {@code bench} fits by default, in report order. */
    public static final List<String> DEFAULT_METHODS = List.of(TaskBestKind.NAME, ClusterBestKind.NAME, KnnKind.NAME, ZooterKind.NAME,
            dev.zooterj.nn.router.ExpectedScoreKind.NAME, dev.zooterj.nn.router.HierarchicalKind.NAME, dev.zooterj.nn.router.AutoKind.NAME);

    /**
     * @param router       the Zooter router spec (labels, training, encoder; its seed seeds every kind); null = no learned routers
     * @param betaSweep    β values to train extra Zooter routers with (empty = none)
     * @param hardLabel    also train Zooter's hard-label ablation
     * @param methods      learned router kinds to fit per fold, by registry name
     * @param tune         choose each kind's validation grid on a hold-out of the training rows (else its defaults)
     * @param kindSettings per kind, settings fixed by name (they are then not tuned)
     * @param embedder     frozen embeddings for the embedding-based kinds; null = the router's encoder at its max tokens
     * @param seed         seeds the bootstrap
     * @param bootstrap    bootstrap resamples
     * @param entropyBins  bins of the reward-entropy analysis
     */
    public record Options(RouterSpec router, List<Double> betaSweep, boolean hardLabel, List<String> methods, boolean tune,
                          Map<String, Map<String, String>> kindSettings, TextEmbedder embedder, long seed, int bootstrap,
                          int entropyBins) {
        public Options {
            methods = router == null ? List.of() : List.copyOf(methods);
            kindSettings = Map.copyOf(kindSettings);
            methods.forEach(RouterKinds::get);
            kindSettings.keySet().forEach(RouterKinds::get);
        }

        /** Zooter and, when {@code knn} > 0, kNN with that k; no tuning (the runner's options before router kinds). */
        public Options(RouterSpec router, List<Double> betaSweep, boolean hardLabel, int knn, long seed, int bootstrap, int entropyBins) {
            this(router, betaSweep, hardLabel, knn > 0 ? List.of(ZooterKind.NAME, KnnKind.NAME) : List.of(ZooterKind.NAME), false,
                    knn > 0 ? Map.of(KnnKind.NAME, Map.of("k", String.valueOf(knn))) : Map.of(), null, seed, bootstrap, entropyBins);
        }
    }

    /** Route-or-rerank budgets {@code bench} reports by default; the number of candidates N is added. */
    public static final List<Double> DEFAULT_BUDGETS = List.of(1.0, 1.25, 1.5, 2.0, 3.0);

    /** Cost weights of the sweep, as multiples of the first fold's (score range / cost range) of the single models. */
    public static final List<Double> SWEEP_MULTIPLES = sweepMultiples();

    /** 0, then 40 steps from 0.01 to 100, evenly spaced in log scale. */
    private static List<Double> sweepMultiples() {
        List<Double> out = new ArrayList<>();
        out.add(0.0);
        for (int i = 0; i < 40; i++) {
            out.add(Math.pow(10, -2 + 4.0 * i / 39));
        }
        return List.copyOf(out);
    }

    /**
     * The points between one generation and N: route-or-rerank, fixed best-k sets, the quality/cost knob.
     *
     * @param rerank      report route-or-rerank and the fixed best-k sets (needs rewards on the test rows, which the
     *                    dataset contract guarantees)
     * @param budgets     mean generations per query of the rerank curve (N is added)
     * @param kind        the router kind whose estimates pick the sets and drive the cost knob (null: zooter when fitted,
     *                    else the first of the methods)
     * @param innerFolds  k of the k-fold inside each fold's training rows that gives validation estimates (every training
     *                    row is estimated by a router that did not train on it) for the rerank rule and the calibration
     * @param costSweep   sweep the cost weight (null: when the test rows carry cost)
     * @param costWeight  also report the router with this cost weight λ as method {@code cost_weighted} (null: none)
     * @param pair        strong, weak model for RouteLLM's metrics (null: strong = best on the first fold's training rows,
     *                    weak = the cheapest there)
     */
    public record Spectrum(boolean rerank, List<Double> budgets, String kind, int innerFolds, Boolean costSweep,
                           Double costWeight, List<String> pair) {
        public Spectrum {
            budgets = List.copyOf(budgets);
            for (double b : budgets) {
                if (!(b >= 1)) {
                    throw new IllegalArgumentException("--budgets: a budget is at least 1 generation per query, got " + b);
                }
            }
            if (innerFolds < 2) {
                throw new IllegalArgumentException("--rerank-folds must be at least 2, got " + innerFolds);
            }
            if (costWeight != null && !(costWeight >= 0)) {
                throw new IllegalArgumentException("--cost-weight must be >= 0, got " + costWeight);
            }
            if (pair != null && pair.size() != 2) {
                throw new IllegalArgumentException("--pair takes two models, STRONG,WEAK; got " + pair);
            }
            if (kind != null) {
                RouterKinds.get(kind);
            }
        }

        public static Spectrum defaults() {
            return new Spectrum(true, DEFAULT_BUDGETS, null, 5, null, null, null);
        }

        /** Nothing between one generation and N (the runner before issue 11). */
        public static Spectrum none() {
            return new Spectrum(false, List.of(), null, 5, false, null, null);
        }
    }

    private BenchRunner() {
    }

    public static BenchResults run(BenchmarkSuite suite, Options o, Map<String, String> settings, String rerun, Listener log) {
        return run(suite, o, Spectrum.none(), settings, rerun, log);
    }

    public static BenchResults run(BenchmarkSuite suite, Options o, Spectrum sp, Map<String, String> settings, String rerun,
                                   Listener log) {
        List<BenchmarkSuite.Fold> folds = suite.folds();
        List<String> models = folds.get(0).test().models();
        List<RewardRecord> allTest = new ArrayList<>();
        folds.forEach(f -> allTest.addAll(f.test().records()));
        RewardDataset test = new RewardDataset(models, allTest);

        // method name → per-fold method, in report order
        Map<String, List<EnsembleMethod>> perFold = new LinkedHashMap<>();
        // One frozen encoder (the router spec's) for every fold and every kind that embeds; its weights are read only
        // if some query is not cached.
        FrozenEncoder frozen = o.router() != null && !RouterSpec.SCRATCH.equals(o.router().encoder())
                ? FrozenEncoder.of(o.router().encoder()) : null;
        KindContext context = o.router() == null ? null : new KindContext(o.embedder(), o.router().maxTokens(),
                o.router().embeddingCache(), log.training(), null, "fold", null, frozen, suite.objective());
        Map<Double, String> sweepNames = new LinkedHashMap<>();
        TagScheme tags = o.router() == null ? TagScheme.DATA : o.router().tags();
        List<String> fitted = new ArrayList<>();
        Map<String, List<String>> chosen = new LinkedHashMap<>();
        String baseKind = sp.kind() != null ? sp.kind() : o.methods().contains(ZooterKind.NAME) ? ZooterKind.NAME
                : o.methods().isEmpty() ? null : o.methods().get(0);
        if (baseKind != null && !o.methods().contains(baseKind)) {
            throw new IllegalArgumentException("--rerank-kind " + baseKind + " is not among --methods " + o.methods());
        }
        boolean hasCost = test.records().stream().allMatch(r -> r.cost() != null);
        boolean sweepCost = baseKind != null && hasCost && (sp.costSweep() == null || sp.costSweep());
        if (Boolean.TRUE.equals(sp.costSweep()) && !hasCost) {
            throw new IllegalArgumentException("--cost-sweep: the suite's test rows carry no cost");
        }
        if (sp.costWeight() != null && !hasCost) {
            throw new IllegalArgumentException("--cost-weight: the suite's test rows carry no cost");
        }
        List<Double> budgets = new ArrayList<>();
        for (double b : sp.budgets()) {
            if (b < models.size() && !budgets.contains(b)) {
                budgets.add(b);
            }
        }
        budgets.add((double) models.size());
        List<Double> lambdas = new ArrayList<>();
        if (sweepCost) {
            RewardDataset first = folds.get(0).train();
            double[] mc = dev.zooterj.core.ensemble.QualityCalibration.meanCost(first.records(), models.size());
            double[] ms = first.meanScores();
            double costRange = java.util.Arrays.stream(mc).max().orElse(1) - java.util.Arrays.stream(mc).min().orElse(0);
            double scoreRange = java.util.Arrays.stream(ms).max().orElse(1) - java.util.Arrays.stream(ms).min().orElse(0);
            // a weight of 1 multiple trades the single models' whole score range for their whole cost range
            double scale = costRange > 0 ? (scoreRange > 0 ? scoreRange : 1) / costRange : 0;
            SWEEP_MULTIPLES.forEach(m -> lambdas.add(m * scale));
        }
        // per fold: the base router's estimator and its calibrated cost-aware policy (for the pair curve)
        List<dev.zooterj.core.routing.Estimator> foldEstimators = new ArrayList<>();
        List<dev.zooterj.core.routing.CostAwarePolicy> foldPolicies = new ArrayList<>();
        Map<String, List<EnsembleMethod>> sweepPerFold = new LinkedHashMap<>();
        for (BenchmarkSuite.Fold fold : folds) {
            RewardDataset train = fold.train();
            models.forEach(m -> add(perFold, m, EnsembleMethods.single(models, m)));
            add(perFold, "bma", EnsembleMethods.bestOnAverage(train));
            add(perFold, "random", EnsembleMethods.random(models));
            if (sp.rerank()) {
                for (int k = 2; k < models.size(); k++) {
                    List<String> set = EnsembleMethods.bestFixedSet(train, k);
                    String name = "best" + k + "_fixed";
                    add(perFold, name, EnsembleMethods.fixedSet(name, models, set));
                    chosen.computeIfAbsent(name, x -> new ArrayList<>()).add((folds.size() > 1 ? "fold " + (fold.index() + 1)
                            + ": " : "") + String.join("+", set));
                }
            }
            if (o.router() != null) {
                log.message(String.format(Locale.ROOT, "fold %d/%d: training on %d rows, testing %d", fold.index() + 1,
                        folds.size(), train.size(), fold.test().size()));
                KindContext foldContext = context.withProvenance("fold", "fold-" + train.size());
                String prefix = folds.size() > 1 ? "fold " + (fold.index() + 1) + ": " : "";
                for (String name : o.methods()) {
                    FittedRouter f = fit(RouterKinds.get(name), train, o, Map.of(), foldContext, log, name);
                    add(perFold, name, EnsembleMethods.routing(name, f.router()));
                    if (name.equals(baseKind) && (sp.rerank() || sweepCost || sp.costWeight() != null)) {
                        spectrum(f, train, sp, budgets, lambdas, sweepCost, foldContext, prefix, perFold, sweepPerFold, chosen,
                                foldEstimators, foldPolicies, log);
                    }
                    f.tuning().ifPresent(t -> chosen.computeIfAbsent(name, k -> new ArrayList<>()).add(prefix + t.describe()));
                    if (f instanceof ZooterKind.Fitted z && z.tagger() != null) {
                        String summary = z.tagger().summary();
                        log.message("  tags " + tags + (summary.isEmpty() ? "" : ": " + summary));
                        fitted.add(prefix + z.distinctTags() + " distinct tags" + (summary.isEmpty() ? "" : " (" + summary + ")"));
                    }
                }
                if (o.hardLabel()) {
                    add(perFold, "hard_label", EnsembleMethods.routing("hard_label", fit(new ZooterKind(), train, o,
                            Map.of("hard", "true"), foldContext, log, "hard labels").router()));
                }
                for (double beta : o.betaSweep()) {
                    String name = "zooter_beta_" + formatBeta(beta);
                    sweepNames.put(beta, name);
                    add(perFold, name, EnsembleMethods.routing(name, fit(new ZooterKind(), train, o,
                            Map.of("beta", String.valueOf(beta)), foldContext, log, "beta " + beta).router()));
                }
            }
        }
        List<EnsembleMethod> methods = new ArrayList<>();
        perFold.forEach((name, byFold) -> methods.add(folded(name, folds, byFold)));
        // reference lines that read the test rows' scores: never a method to deploy
        methods.add(EnsembleMethods.datasetOracle(test));
        methods.add(EnsembleMethods.rewardRanking());
        methods.add(EnsembleMethods.oracle());
        methods.replaceAll(BenchRunner::memoised);   // the table, the bootstraps and the entropy bins read the same selections
        log.message("evaluating " + methods.size() + " methods on " + test.size() + " test queries");
        SuiteEvaluation evaluation = new SuiteEvaluation(test, suite.groupOfSubset());
        List<MethodResult> results = evaluation.evaluate(methods);
        BenchResults.CostSweep costSweep = null;
        if (sweepCost && !sweepPerFold.isEmpty()) {
            List<EnsembleMethod> sweepMethods = new ArrayList<>();
            sweepPerFold.forEach((name, byFold) -> sweepMethods.add(folded(name, folds, byFold)));
            log.message("cost sweep: " + sweepMethods.size() + " cost weights of " + baseKind);
            costSweep = costSweep(baseKind, evaluation.evaluate(sweepMethods), lambdas, results, models, test, folds,
                    foldEstimators, foldPolicies, sp.pair(), o.methods().isEmpty() ? null : folds.get(0).train());
        }

        Map<Double, Double> sweep = new LinkedHashMap<>();
        sweepNames.forEach((beta, name) -> results.stream().filter(r -> r.method().equals(name)).findFirst()
                .ifPresent(r -> sweep.put(beta, r.mtr())));
        Map<String, EnsembleMethod> byName = new HashMap<>();
        methods.forEach(m -> byName.put(m.name(), m));
        Map<String, BenchResults.Interval> differences = byName.containsKey("zooter")
                ? bootstrap(test, evaluation, byName.get("zooter"), byName.get("bma"), o.bootstrap(), o.seed())
                : Map.of();
        List<BenchResults.EntropyBin> entropy = entropyAnalysis(test, suite, o.router() == null ? LabelConfig.paper()
                : o.router().labels(), byName, o.entropyBins());
        Map<String, String> groups = new LinkedHashMap<>();
        evaluation.subsets().forEach(s -> groups.put(s, suite.groupOfSubset().get(s)));
        Map<String, String> recorded = new LinkedHashMap<>(settings);
        if (o.router() != null) {
            recorded.putIfAbsent("tags", tags.describe());
            recorded.put("learned methods", String.join(", ", o.methods()) + (o.tune()
                    ? "; settings chosen on each fold's training rows only, by each kind's own protocol (a stratified "
                    + Tuner.DEFAULT_VALIDATION + " hold-out unless the kind cross-validates; its line below says which)"
                    : "; default settings"));
        }
        chosen.forEach((name, lines) -> recorded.put(name + " chosen on validation", String.join("; ", lines)));
        recorded.put("dataset_oracle", "reference using test knowledge: per subset, the best model on that subset's test rows");
        if (!fitted.isEmpty()) {
            recorded.put("tags fitted", String.join("; ", fitted));
        }
        if (baseKind != null && (sp.rerank() || sweepCost)) {
            recorded.put("route-or-rerank", "sets from " + baseKind + "'s estimates; the rule and threshold per budget chosen on "
                    + sp.innerFolds() + "-fold out-of-fold estimates of each fold's training rows; the set's answers compared by "
                    + "the rows' rewards, the kept answer graded by the scores");
        }
        if (sweepCost) {
            recorded.put("cost knob", baseKind + ": argmax of expected quality - lambda * mean training cost per model; "
                    + "expected quality per model = a + b * estimate, least squares on the out-of-fold estimates "
                    + "(identity for expected-score estimates)");
        }
        List<BenchResults.Comparison> comparisons = comparisons(test, evaluation, results, byName, o.methods(), models,
                o.bootstrap(), o.seed());
        if (!comparisons.isEmpty()) {
            recorded.put("default router", comparisons.get(0).method() + " (auto when benched, else the first of --methods); "
                    + "compared with task_best and each group's best single model on the test rows by a percentile bootstrap "
                    + "of the group average, queries resampled within each subset");
        }
        return new BenchResults(suite.name(), suite.simulated(), suite.source(), models, groups, results, sweep,
                differences, entropy, recorded, rerun, costSweep, comparisons);
    }

    /**
     * The default router ({@code auto} when benched, else the first learned method) against {@code task_best} and
     * against each group's best single model (the single model with the highest group average on the test rows).
     */
    static List<BenchResults.Comparison> comparisons(RewardDataset test, SuiteEvaluation evaluation, List<MethodResult> results,
                                                     Map<String, EnsembleMethod> byName, List<String> learned, List<String> models,
                                                     int resamples, long seed) {
        String primary = byName.containsKey(AutoKind.NAME) ? AutoKind.NAME
                : learned.stream().filter(byName::containsKey).findFirst().orElse(null);
        if (primary == null || resamples < 1) {
            return List.of();
        }
        List<BenchResults.Comparison> out = new ArrayList<>();
        Map<String, MethodResult> resultOf = new HashMap<>();
        results.forEach(r -> resultOf.put(r.method(), r));
        Map<String, List<String>> subsetsOf = new LinkedHashMap<>();
        evaluation.subsets().forEach(sub -> subsetsOf.computeIfAbsent(evaluation.groupOfSubset().get(sub), k -> new ArrayList<>()).add(sub));
        if (byName.containsKey(TaskBestKind.NAME) && !primary.equals(TaskBestKind.NAME)) {
            Map<String, String> against = new LinkedHashMap<>();
            subsetsOf.keySet().forEach(g -> against.put(g, TaskBestKind.NAME));
            out.add(new BenchResults.Comparison(primary, TaskBestKind.NAME,
                    macroBootstrap(test, subsetsOf, byName.get(primary), against, byName, resamples, seed), against));
        }
        Map<String, String> best = new LinkedHashMap<>();
        for (String g : subsetsOf.keySet()) {
            String top = null;
            double topAvg = Double.NEGATIVE_INFINITY;
            for (String m : models) {
                MethodResult r = resultOf.get(m);
                if (r != null && r.groups().containsKey(g) && r.groups().get(g).average() > topAvg) {
                    topAvg = r.groups().get(g).average();
                    top = m;
                }
            }
            if (top != null && byName.containsKey(top)) {
                best.put(g, top);
            }
        }
        if (!best.isEmpty()) {
            Map<String, List<String>> groups = new LinkedHashMap<>();
            best.keySet().forEach(g -> groups.put(g, subsetsOf.get(g)));
            out.add(new BenchResults.Comparison(primary, "best single model",
                    macroBootstrap(test, groups, byName.get(primary), best, byName, resamples, seed), best));
        }
        return out;
    }

    /**
     * Percentile bootstrap (seeded) of the difference of group averages a − b, the group average being the mean over
     * the group's subsets of each subset's mean score; queries are resampled with replacement within each subset.
     */
    static Map<String, BenchResults.Interval> macroBootstrap(RewardDataset test, Map<String, List<String>> subsetsOf, EnsembleMethod a,
                                                             Map<String, String> againstOf, Map<String, EnsembleMethod> byName,
                                                             int resamples, long seed) {
        List<Selection> sa = a.selectAll(test.records());
        Map<String, List<Selection>> sel = new HashMap<>();
        Map<String, List<Double>> diffs = new LinkedHashMap<>();
        for (int i = 0; i < test.size(); i++) {
            RewardRecord r = test.records().get(i);
            String group = null;
            for (Map.Entry<String, List<String>> e : subsetsOf.entrySet()) {
                if (e.getValue().contains(r.subset())) {
                    group = e.getKey();
                }
            }
            if (group == null) {
                continue;
            }
            String b = againstOf.get(group);
            List<Selection> sb = sel.computeIfAbsent(b, k -> byName.get(k).selectAll(test.records()));
            double d = sa.get(i).expectedScore(r.evaluationScores()) - sb.get(i).expectedScore(r.evaluationScores());
            diffs.computeIfAbsent(r.subset(), k -> new ArrayList<>()).add(d);
        }
        Map<String, BenchResults.Interval> out = new LinkedHashMap<>();
        SplittableRandom rng = new SplittableRandom(seed);
        for (Map.Entry<String, List<String>> e : subsetsOf.entrySet()) {
            List<double[]> parts = new ArrayList<>();
            for (String sub : e.getValue()) {
                if (diffs.containsKey(sub)) {
                    parts.add(diffs.get(sub).stream().mapToDouble(Double::doubleValue).toArray());
                }
            }
            if (parts.isEmpty()) {
                continue;
            }
            double estimate = 0;
            for (double[] d : parts) {
                estimate += java.util.Arrays.stream(d).average().orElse(0) / parts.size();
            }
            double[] means = new double[resamples];
            for (int s = 0; s < resamples; s++) {
                double m = 0;
                for (double[] d : parts) {
                    double sum = 0;
                    for (int i = 0; i < d.length; i++) {
                        sum += d[rng.nextInt(d.length)];
                    }
                    m += sum / d.length / parts.size();
                }
                means[s] = m;
            }
            java.util.Arrays.sort(means);
            out.put(e.getKey(), new BenchResults.Interval(estimate, means[(int) Math.floor(0.025 * (resamples - 1))],
                    means[(int) Math.ceil(0.975 * (resamples - 1))], 0.95, resamples));
        }
        return out;
    }

    /**
     * Fits one kind on a fold's training rows: its defaults, the router spec's seed (and, for Zooter, the spec itself;
     * for kNN, its label temperature and normalisation), the options' fixed settings, then {@code changes}; tuned on
     * validation when asked, over the grid settings not fixed.
     */
    private static <S extends KindSettings<S>> FittedRouter fit(RouterKind<S> kind, RewardDataset train, Options o,
                                                                Map<String, String> changes, KindContext context, Listener log,
                                                                String what) {
        long t0 = System.nanoTime();
        S s = kind.defaults();
        RouterSpec spec = o.router();
        if (s instanceof ZooterKind.Settings) {
            @SuppressWarnings("unchecked")
            S fromSpec = (S) new ZooterKind.Settings(spec);
            s = fromSpec;
        } else if (s.values().containsKey("tau")) {
            s = s.with("tau", String.valueOf(spec.labels().tau()))
                    .with("normalize", spec.labels().normalization().name().toLowerCase(Locale.ROOT));
        }
        s = s.with("seed", String.valueOf(spec.training().seed()));
        Map<String, String> fixed = new LinkedHashMap<>(o.kindSettings().getOrDefault(kind.name(), Map.of()));
        fixed.putAll(changes);
        s = s.with(fixed);
        List<Map<String, List<String>>> stages = o.tune() ? Tuner.stagesWithout(kind, fixed.keySet()) : List.of();
        FittedRouter f = Tuner.tuneStages(kind, s, stages, Tuner.DEFAULT_VALIDATION, train, context, null);
        log.message(String.format(Locale.ROOT, "  %s: %s%s (%.1fs)", what, f.summary(),
                f.tuning().map(t -> "; chosen on validation: " + t.describe()).orElse(""), (System.nanoTime() - t0) / 1e9));
        return f;
    }

    /** A budget as it appears in method names: 1 → "1", 1.25 → "1.25". */
    public static String formatBudget(double b) {
        return b == Math.rint(b) ? String.valueOf((long) b) : BigDecimalText.of(b);
    }

    private static final class BigDecimalText {
        static String of(double b) {
            return new java.math.BigDecimal(Double.toString(b)).stripTrailingZeros().toPlainString();
        }
    }

    /**
     * One fold's route-or-rerank methods and cost-aware router: out-of-fold estimates of the training rows (the kind
     * refitted with the fold router's settings on k−1 inner folds, estimating the held-out one), a rule per budget
     * chosen on them, and the quality calibration of the cost knob.
     */
    private static void spectrum(FittedRouter f, RewardDataset train, Spectrum sp, List<Double> budgets, List<Double> lambdas,
                                 boolean sweepCost, KindContext context, String prefix,
                                 Map<String, List<EnsembleMethod>> perFold, Map<String, List<EnsembleMethod>> sweepPerFold,
                                 Map<String, List<String>> chosen, List<dev.zooterj.core.routing.Estimator> foldEstimators,
                                 List<dev.zooterj.core.routing.CostAwarePolicy> foldPolicies, Listener log) {
        long t0 = System.nanoTime();
        List<dev.zooterj.core.routing.Estimate> oof = outOfFold(f, train, sp.innerFolds(), context);
        dev.zooterj.core.routing.Estimator estimator = dev.zooterj.core.routing.Estimators.of(f.router());
        double[] meanCost = dev.zooterj.core.ensemble.QualityCalibration.meanCost(train.records(), train.models().size());
        if (sp.rerank()) {
            // two orders for the sets, chosen per budget on validation: the router's own values, or its values mapped to
            // expected scores by the calibration (which also knows each model's base rate under the metric)
            dev.zooterj.core.routing.CostAwarePolicy cal = dev.zooterj.core.ensemble.QualityCalibration.fit(oof, train.records(),
                    new double[train.models().size()], 0);
            dev.zooterj.core.routing.Estimator calibrated = calibrated(estimator, cal);
            List<dev.zooterj.core.routing.Estimate> oofCal = oof.stream().map(e -> dev.zooterj.core.routing.Estimate
                    .expectedScores(e.models(), cal.expectedQuality(e))).toList();
            dev.zooterj.core.ensemble.RerankFitter raw = new dev.zooterj.core.ensemble.RerankFitter(oof, train.records());
            dev.zooterj.core.ensemble.RerankFitter byScore = new dev.zooterj.core.ensemble.RerankFitter(oofCal, train.records());
            for (double b : budgets) {
                dev.zooterj.core.ensemble.RerankFitter.Fit fr = raw.fit(b);
                dev.zooterj.core.ensemble.RerankFitter.Fit fc = byScore.fit(b);
                boolean useCal = fc.score() > fr.score() + 1e-12;
                dev.zooterj.core.ensemble.RerankFitter.Fit fit = useCal ? fc : fr;
                String name = "rerank_" + formatBudget(b);
                add(perFold, name, EnsembleMethods.rerank(name, useCal ? calibrated : estimator,
                        new dev.zooterj.core.routing.RerankPolicy(fit.rule())));
                chosen.computeIfAbsent(name, x -> new ArrayList<>()).add(prefix + (useCal ? "by calibrated expected score: "
                        : "by the router's estimate: ") + fit.describe());
            }
        }
        if (meanCost != null) {
            dev.zooterj.core.routing.CostAwarePolicy policy = dev.zooterj.core.ensemble.QualityCalibration.fit(oof,
                    train.records(), meanCost, 0);
            foldEstimators.add(estimator);
            foldPolicies.add(policy);
            if (sweepCost) {
                for (int i = 0; i < lambdas.size(); i++) {
                    double lambda = lambdas.get(i);
                    String name = "cost_" + i;
                    add(sweepPerFold, name, EnsembleMethods.rerank(name, estimator, policy.withLambda(lambda)));
                }
            }
            if (sp.costWeight() != null) {
                add(perFold, "cost_weighted", EnsembleMethods.rerank("cost_weighted", estimator, policy.withLambda(sp.costWeight())));
            }
        }
        log.message(String.format(Locale.ROOT, "  route-or-rerank and cost knob of %s: %d-fold validation estimates (%.1fs)",
                f.kind(), sp.innerFolds(), (System.nanoTime() - t0) / 1e9));
    }

    /** The estimator's values mapped to expected scores by a calibration. */
    private static dev.zooterj.core.routing.Estimator calibrated(dev.zooterj.core.routing.Estimator e,
                                                                 dev.zooterj.core.routing.CostAwarePolicy cal) {
        return new dev.zooterj.core.routing.Estimator() {
            @Override
            public List<String> models() {
                return e.models();
            }

            @Override
            public List<dev.zooterj.core.routing.Estimate> estimate(List<String> queries) {
                return e.estimate(queries).stream().map(x -> dev.zooterj.core.routing.Estimate.expectedScores(x.models(),
                        cal.expectedQuality(x))).toList();
            }
        };
    }

    /** Every training row estimated by the kind refitted (same settings, no tuning) on the other inner folds. */
    private static List<dev.zooterj.core.routing.Estimate> outOfFold(FittedRouter f, RewardDataset train, int k,
                                                                       KindContext context) {
        RouterKind<?> kind = RouterKinds.get(f.kind());
        Map<String, dev.zooterj.core.routing.Estimate> byId = new HashMap<>();
        long seed = f.settings().values().containsKey("seed") ? Long.parseLong(f.settings().values().get("seed")) : 42;
        for (dev.zooterj.data.Splits.Fold inner : dev.zooterj.data.Splits.kFold(train, k, seed)) {
            FittedRouter g = refit(kind, f.settings(), inner.train(), context.withProvenance("fold", "inner-" + inner.train().size()));
            List<RewardRecord> rows = inner.test().records();
            List<dev.zooterj.core.routing.Estimate> es = dev.zooterj.core.routing.Estimators.of(g.router())
                    .estimate(rows.stream().map(RewardRecord::query).toList());
            for (int i = 0; i < rows.size(); i++) {
                byId.put(rows.get(i).id(), es.get(i));
            }
        }
        return train.records().stream().map(r -> byId.get(r.id())).toList();
    }

    @SuppressWarnings("unchecked")
    private static <S extends KindSettings<S>> FittedRouter refit(RouterKind<S> kind, KindSettings<?> settings,
                                                                  RewardDataset train, KindContext context) {
        return kind.fit(train, (S) settings, context);
    }

    private static BenchResults.CostSweep costSweep(String kind, List<MethodResult> sweep, List<Double> lambdas,
                                                    List<MethodResult> results, List<String> models, RewardDataset test,
                                                    List<BenchmarkSuite.Fold> folds,
                                                    List<dev.zooterj.core.routing.Estimator> estimators,
                                                    List<dev.zooterj.core.routing.CostAwarePolicy> policies,
                                                    List<String> pairOption, RewardDataset firstTrain) {
        Map<String, List<BenchResults.CostPoint>> points = new LinkedHashMap<>();
        List<BenchResults.CostPoint> router = new ArrayList<>();
        for (int i = 0; i < sweep.size(); i++) {
            router.add(new BenchResults.CostPoint(sweep.get(i).costPerQuery(), sweep.get(i).average(), lambdas.get(i)));
        }
        points.put(kind, router);
        List<BenchResults.CostPoint> singles = new ArrayList<>();
        for (String m : models) {
            MethodResult r = results.stream().filter(x -> x.method().equals(m)).findFirst().orElseThrow();
            BenchResults.CostPoint p = new BenchResults.CostPoint(r.costPerQuery(), r.average(), Double.NaN);
            points.put(m, List.of(p));
            singles.add(p);
        }
        double maxCost = points.values().stream().flatMap(List::stream).mapToDouble(BenchResults.CostPoint::cost).max().orElse(1);
        Map<String, Double> aiq = new LinkedHashMap<>();
        aiq.put(kind, dev.zooterj.core.ensemble.TradeoffMetrics.aiq(toPoints(router), maxCost));
        aiq.put("single_models", dev.zooterj.core.ensemble.TradeoffMetrics.aiq(toPoints(singles), maxCost));
        return new BenchResults.CostSweep(kind, points, aiq, maxCost, pairCurve(models, test, folds, estimators, policies,
                pairOption, firstTrain));
    }

    private static List<dev.zooterj.core.ensemble.TradeoffMetrics.Point> toPoints(List<BenchResults.CostPoint> ps) {
        return ps.stream().map(p -> new dev.zooterj.core.ensemble.TradeoffMetrics.Point(p.cost(), p.quality())).toList();
    }

    /**
     * RouteLLM's view on a strong and a weak model: each test row gets d = expected quality(strong) − expected
     * quality(weak) from its fold's calibrated router; the rows with the largest d go to the strong model, for shares
     * 0, 0.1, …, 1 of the rows (ties broken by row order); quality is the mean score over all test rows.
     */
    private static BenchResults.PairCurve pairCurve(List<String> models, RewardDataset test, List<BenchmarkSuite.Fold> folds,
                                                    List<dev.zooterj.core.routing.Estimator> estimators,
                                                    List<dev.zooterj.core.routing.CostAwarePolicy> policies,
                                                    List<String> pairOption, RewardDataset firstTrain) {
        if (estimators.size() != folds.size() || models.size() < 2) {
            return null;
        }
        String strong;
        String weak;
        if (pairOption != null) {
            strong = pairOption.get(0);
            weak = pairOption.get(1);
            for (String m : pairOption) {
                if (!models.contains(m)) {
                    throw new IllegalArgumentException("--pair: '" + m + "' is not a candidate; candidates: " + models);
                }
            }
        } else {
            strong = EnsembleMethods.bestOnAverageModel(firstTrain);
            double[] mc = dev.zooterj.core.ensemble.QualityCalibration.meanCost(firstTrain.records(), models.size());
            int w = -1;
            for (int m = 0; m < models.size(); m++) {
                if (!models.get(m).equals(strong) && (w < 0 || mc[m] < mc[w])) {
                    w = m;
                }
            }
            weak = models.get(w);
        }
        int s = models.indexOf(strong);
        int w = models.indexOf(weak);
        List<RewardRecord> rows = test.records();
        double[] d = new double[rows.size()];
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            index.put(rows.get(i).id(), i);
        }
        for (int f = 0; f < folds.size(); f++) {
            List<RewardRecord> fr = folds.get(f).test().records();
            List<dev.zooterj.core.routing.Estimate> es = estimators.get(f).estimate(fr.stream().map(RewardRecord::query).toList());
            for (int i = 0; i < fr.size(); i++) {
                double[] q = policies.get(f).expectedQuality(es.get(i));
                d[index.get(fr.get(i).id())] = q[s] - q[w];
            }
        }
        Integer[] order = new Integer[rows.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> d[a] != d[b] ? Double.compare(d[b], d[a]) : Integer.compare(a, b));
        double strongQ = 0;
        double weakQ = 0;
        for (RewardRecord r : rows) {
            strongQ += r.evaluationScores()[s] / rows.size();
            weakQ += r.evaluationScores()[w] / rows.size();
        }
        List<double[]> curve = new ArrayList<>();
        List<dev.zooterj.core.ensemble.TradeoffMetrics.Point> pts = new ArrayList<>();
        for (int step = 0; step <= 10; step++) {
            int nStrong = (int) Math.round(rows.size() * step / 10.0);
            double q = 0;
            for (int j = 0; j < rows.size(); j++) {
                double[] sc = rows.get(order[j]).evaluationScores();
                q += (j < nStrong ? sc[s] : sc[w]) / rows.size();
            }
            double share = (double) nStrong / rows.size();
            curve.add(new double[] {share, q});
            pts.add(new dev.zooterj.core.ensemble.TradeoffMetrics.Point(share, q));
        }
        return new BenchResults.PairCurve(strong, weak, curve, strongQ, weakQ,
                dev.zooterj.core.ensemble.TradeoffMetrics.apgr(pts, weakQ, strongQ),
                dev.zooterj.core.ensemble.TradeoffMetrics.cpt(pts, weakQ, strongQ, 0.5),
                dev.zooterj.core.ensemble.TradeoffMetrics.cpt(pts, weakQ, strongQ, 0.8));
    }

    private static void add(Map<String, List<EnsembleMethod>> perFold, String name, EnsembleMethod m) {
        perFold.computeIfAbsent(name, k -> new ArrayList<>()).add(m);
    }

    /** A β as it appears in method names: 0.3 → "0.3", 1 → "1.0". */
    public static String formatBeta(double beta) {
        String s = String.format(Locale.ROOT, "%.2f", beta);
        return s.replaceAll("0+$", "").replaceAll("\\.$", ".0");
    }

    /** One method over all folds: each test record is answered by the method of the fold that tests it. */
    /**
     * The method with each record's selection kept by id: the evaluation selects subset by subset, and the bootstrap
     * intervals and the entropy analysis select the whole test set again; a learned router routes each query once.
     */
    static EnsembleMethod memoised(EnsembleMethod m) {
        Map<String, Selection> kept = new HashMap<>();
        return new EnsembleMethod() {
            @Override
            public String name() {
                return m.name();
            }

            @Override
            public Selection select(RewardRecord record) {
                return selectAll(List.of(record)).get(0);
            }

            @Override
            public synchronized List<Selection> selectAll(List<RewardRecord> records) {
                List<RewardRecord> missing = records.stream().filter(r -> !kept.containsKey(r.id())).toList();
                if (!missing.isEmpty()) {
                    List<Selection> fresh = m.selectAll(missing);
                    for (int i = 0; i < missing.size(); i++) {
                        kept.put(missing.get(i).id(), fresh.get(i));
                    }
                }
                return records.stream().map(r -> kept.get(r.id())).toList();
            }
        };
    }

    private static EnsembleMethod folded(String name, List<BenchmarkSuite.Fold> folds, List<EnsembleMethod> byFold) {
        Map<String, Integer> foldOf = new HashMap<>();
        for (int f = 0; f < folds.size(); f++) {
            for (RewardRecord r : folds.get(f).test().records()) {
                foldOf.put(r.id(), f);
            }
        }
        return new EnsembleMethod() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Selection select(RewardRecord record) {
                return byFold.get(foldOf.get(record.id())).select(record);
            }

            @Override
            public List<Selection> selectAll(List<RewardRecord> records) {
                Map<Integer, List<Integer>> positions = new LinkedHashMap<>();
                for (int i = 0; i < records.size(); i++) {
                    positions.computeIfAbsent(foldOf.get(records.get(i).id()), k -> new ArrayList<>()).add(i);
                }
                Selection[] out = new Selection[records.size()];
                positions.forEach((f, idx) -> {
                    List<Selection> s = byFold.get(f).selectAll(idx.stream().map(records::get).toList());
                    for (int j = 0; j < idx.size(); j++) {
                        out[idx.get(j)] = s.get(j);
                    }
                });
                return List.of(out);
            }
        };
    }

    /**
     * Percentile bootstrap (seeded) of the mean per-query score difference Zooter − BMA within each group:
     * queries are resampled with replacement within the group.
     */
    static Map<String, BenchResults.Interval> bootstrap(RewardDataset test, SuiteEvaluation evaluation, EnsembleMethod a,
                                                        EnsembleMethod b, int resamples, long seed) {
        List<Selection> sa = a.selectAll(test.records());
        List<Selection> sb = b.selectAll(test.records());
        Map<String, List<Double>> diffs = new LinkedHashMap<>();
        for (int i = 0; i < test.size(); i++) {
            RewardRecord r = test.records().get(i);
            String group = evaluation.groupOfSubset().get(r.subset());
            double d = sa.get(i).expectedScore(r.evaluationScores()) - sb.get(i).expectedScore(r.evaluationScores());
            diffs.computeIfAbsent(group, k -> new ArrayList<>()).add(d);
        }
        Map<String, BenchResults.Interval> out = new LinkedHashMap<>();
        SplittableRandom rng = new SplittableRandom(seed);
        for (Map.Entry<String, List<Double>> e : diffs.entrySet()) {
            double[] d = e.getValue().stream().mapToDouble(Double::doubleValue).toArray();
            double[] means = new double[resamples];
            for (int s = 0; s < resamples; s++) {
                double sum = 0;
                for (int i = 0; i < d.length; i++) {
                    sum += d[rng.nextInt(d.length)];
                }
                means[s] = sum / d.length;
            }
            java.util.Arrays.sort(means);
            double estimate = java.util.Arrays.stream(d).average().orElse(Double.NaN);
            out.put(e.getKey(), new BenchResults.Interval(estimate, means[(int) Math.floor(0.025 * (resamples - 1))],
                    means[(int) Math.ceil(0.975 * (resamples - 1))], 0.95, resamples));
        }
        return out;
    }

    /**
     * The paper's Figure 3: test queries binned by the entropy of their normalised rewards H(s), with the
     * mean score (normalised to [0, 1] by the subset's metric scale) of RMR, the oracle and Zooter per bin.
     */
    static List<BenchResults.EntropyBin> entropyAnalysis(RewardDataset test, BenchmarkSuite suite, LabelConfig labels,
                                                         Map<String, EnsembleMethod> methods, int bins) {
        if (bins < 1) {
            return List.of();
        }
        double maxH = Math.log(test.models().size());
        double[] count = new double[bins];
        double[][] sums = new double[3][bins];
        List<EnsembleMethod> which = new ArrayList<>();
        for (String name : List.of("rmr", "oracle", "zooter")) {
            which.add(methods.get(name));
        }
        List<List<Selection>> selections = new ArrayList<>();
        for (EnsembleMethod m : which) {
            selections.add(m == null ? null : m.selectAll(test.records()));
        }
        for (int i = 0; i < test.size(); i++) {
            RewardRecord r = test.records().get(i);
            double h = ProbabilityVectors.entropy(TagEnhancedLabels.normalise(labels, r.rewards()));
            int bin = maxH == 0 ? 0 : (int) Math.min(bins - 1, Math.floor(h / maxH * bins));
            count[bin]++;
            double[] scale = suite.scale(r.subset());
            for (int m = 0; m < 3; m++) {
                if (selections.get(m) != null) {
                    double s = selections.get(m).get(i).expectedScore(r.evaluationScores());
                    sums[m][bin] += (s - scale[0]) / (scale[1] - scale[0]);
                }
            }
        }
        List<BenchResults.EntropyBin> out = new ArrayList<>();
        for (int b = 0; b < bins; b++) {
            double n = count[b];
            out.add(new BenchResults.EntropyBin(maxH * b / bins, maxH * (b + 1) / bins, (int) n,
                    n == 0 ? Double.NaN : sums[0][b] / n, n == 0 ? Double.NaN : sums[1][b] / n,
                    n == 0 || selections.get(2) == null ? Double.NaN : sums[2][b] / n));
        }
        return out;
    }
}
