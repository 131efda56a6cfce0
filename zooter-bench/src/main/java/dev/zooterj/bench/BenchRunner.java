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
import dev.zooterj.nn.encoder.BertEncoder;
import dev.zooterj.data.tags.TextEmbedder;
import dev.zooterj.nn.router.ClusterBestKind;
import dev.zooterj.nn.router.FittedRouter;
import dev.zooterj.nn.router.KindContext;
import dev.zooterj.nn.router.KindSettings;
import dev.zooterj.nn.router.KnnKind;
import dev.zooterj.nn.router.RouterKind;
import dev.zooterj.nn.router.RouterKinds;
import dev.zooterj.nn.router.RouterSpec;
import dev.zooterj.nn.router.TaskBestKind;
import dev.zooterj.nn.router.Tuner;
import dev.zooterj.nn.router.ZooterKind;
import dev.zooterj.nn.router.ZooterTrainer;
import dev.zooterj.nn.train.TrainingMode;

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

        default ZooterTrainer.Listener training() {
            return new ZooterTrainer.Listener() { };
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
     * @param embedder     frozen embeddings for the embedding-based kinds; null = MiniLM at the router's max tokens
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

    private BenchRunner() {
    }

    public static BenchResults run(BenchmarkSuite suite, Options o, Map<String, String> settings, String rerun, Listener log) {
        List<BenchmarkSuite.Fold> folds = suite.folds();
        List<String> models = folds.get(0).test().models();
        List<RewardRecord> allTest = new ArrayList<>();
        folds.forEach(f -> allTest.addAll(f.test().records()));
        RewardDataset test = new RewardDataset(models, allTest);

        // method name → per-fold method, in report order
        Map<String, List<EnsembleMethod>> perFold = new LinkedHashMap<>();
        boolean trainsZooter = o.methods().contains(ZooterKind.NAME) || o.hardLabel() || !o.betaSweep().isEmpty();
        BertEncoder miniLm = o.router() != null && trainsZooter && RouterSpec.MINILM.equals(o.router().encoder())
                && o.router().mode() == TrainingMode.HEAD ? BertEncoder.miniLm() : null;
        KindContext context = o.router() == null ? null : new KindContext(o.embedder(), o.router().maxTokens(),
                o.router().embeddingCache(), log.training(), null, "fold", null, miniLm);
        Map<Double, String> sweepNames = new LinkedHashMap<>();
        TagScheme tags = o.router() == null ? TagScheme.DATA : o.router().tags();
        List<String> fitted = new ArrayList<>();
        Map<String, List<String>> chosen = new LinkedHashMap<>();
        for (BenchmarkSuite.Fold fold : folds) {
            RewardDataset train = fold.train();
            models.forEach(m -> add(perFold, m, EnsembleMethods.single(models, m)));
            add(perFold, "bma", EnsembleMethods.bestOnAverage(train));
            add(perFold, "random", EnsembleMethods.random(models));
            if (o.router() != null) {
                log.message(String.format(Locale.ROOT, "fold %d/%d: training on %d rows, testing %d", fold.index() + 1,
                        folds.size(), train.size(), fold.test().size()));
                KindContext foldContext = context.withProvenance("fold", "fold-" + train.size());
                String prefix = folds.size() > 1 ? "fold " + (fold.index() + 1) + ": " : "";
                for (String name : o.methods()) {
                    FittedRouter f = fit(RouterKinds.get(name), train, o, Map.of(), foldContext, log, name);
                    add(perFold, name, EnsembleMethods.routing(name, f.router()));
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
        log.message("evaluating " + methods.size() + " methods on " + test.size() + " test queries");
        SuiteEvaluation evaluation = new SuiteEvaluation(test, suite.groupOfSubset());
        List<MethodResult> results = evaluation.evaluate(methods);

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
                    ? "; settings chosen on a stratified " + Tuner.DEFAULT_VALIDATION + " hold-out of each fold's training rows"
                    : "; default settings"));
        }
        chosen.forEach((name, lines) -> recorded.put(name + " chosen on validation", String.join("; ", lines)));
        recorded.put("dataset_oracle", "reference using test knowledge: per subset, the best model on that subset's test rows");
        if (!fitted.isEmpty()) {
            recorded.put("tags fitted", String.join("; ", fitted));
        }
        return new BenchResults(suite.name(), suite.simulated(), suite.source(), models, groups, results, sweep,
                differences, entropy, recorded, rerun);
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

    private static void add(Map<String, List<EnsembleMethod>> perFold, String name, EnsembleMethod m) {
        perFold.computeIfAbsent(name, k -> new ArrayList<>()).add(m);
    }

    /** A β as it appears in method names: 0.3 → "0.3", 1 → "1.0". */
    public static String formatBeta(double beta) {
        String s = String.format(Locale.ROOT, "%.2f", beta);
        return s.replaceAll("0+$", "").replaceAll("\\.$", ".0");
    }

    /** One method over all folds: each test record is answered by the method of the fold that tests it. */
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
