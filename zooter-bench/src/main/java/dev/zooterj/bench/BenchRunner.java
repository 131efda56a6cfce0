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
import dev.zooterj.data.tags.DatasetTagger;
import dev.zooterj.data.tags.TagScheme;
import dev.zooterj.nn.router.KnnRouter;
import dev.zooterj.nn.router.EncoderEmbedder;
import dev.zooterj.nn.router.FrozenEncoder;
import dev.zooterj.nn.router.RouterSpec;
import dev.zooterj.nn.router.TrainedRouter;
import dev.zooterj.nn.router.ZooterRouter;
import dev.zooterj.nn.router.ZooterTrainer;
import dev.zooterj.nn.train.TrainingMode;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Runs a benchmark suite: per fold, trains the routers on the fold's training rows (Zooter, its hard-label
 * ablation and β sweep, kNN), builds the baselines (each single model, BMA chosen on the training rows,
 * random, reward-model ranking, oracle), then evaluates every method on all test rows together and adds
 * the bootstrap intervals of Zooter − BMA and the reward-entropy analysis.
 *
 * <p>When the router spec names a tag scheme other than {@code data} ({@link RouterSpec#tags()}), each fold's
 * training rows are re-tagged before the routers train: the scheme is fitted on that fold's training rows only
 * (clusters on the pretrained MiniLM embeddings, seeded with the router's seed), so the Zooter router, the hard-label
 * ablation and every β of the sweep learn from labels enhanced with the same tags. Test rows are never read by it.
 */
public final class BenchRunner {
    /** Progress messages (a line each). */
    public interface Listener {
        void message(String line);

        default ZooterTrainer.Listener training() {
            return new ZooterTrainer.Listener() { };
        }
    }

    /**
     * @param router      the Zooter router to train per fold (its labels' β is the main setting); null = no routers
     * @param betaSweep   β values to train extra routers with (empty = none)
     * @param hardLabel   also train the hard-label ablation
     * @param knn         neighbours of the kNN router (0 = none)
     * @param seed        seeds the bootstrap
     * @param bootstrap   bootstrap resamples
     * @param entropyBins bins of the reward-entropy analysis
     */
    public record Options(RouterSpec router, List<Double> betaSweep, boolean hardLabel, int knn, long seed, int bootstrap,
                          int entropyBins) {
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
        // One frozen encoder for every fold and method; its weights are read only if some query is not cached.
        FrozenEncoder frozen = o.router() != null && !RouterSpec.SCRATCH.equals(o.router().encoder())
                ? FrozenEncoder.of(o.router().encoder()) : null;
        Map<Double, String> sweepNames = new LinkedHashMap<>();
        TagScheme tags = o.router() == null ? TagScheme.DATA : o.router().tags();
        List<String> fitted = new ArrayList<>();
        for (BenchmarkSuite.Fold fold : folds) {
            RewardDataset train = fold.train();
            models.forEach(m -> add(perFold, m, EnsembleMethods.single(models, m)));
            add(perFold, "bma", EnsembleMethods.bestOnAverage(train));
            add(perFold, "random", EnsembleMethods.random(models));
            if (o.router() != null) {
                log.message(String.format(Locale.ROOT, "fold %d/%d: training on %d rows, testing %d", fold.index() + 1,
                        folds.size(), train.size(), fold.test().size()));
                RewardDataset tagged = train;
                if (!tags.equals(TagScheme.DATA)) {
                    // Fitted on the rows the routers train on, not on their validation hold-out.
                    DatasetTagger.Fitted f = DatasetTagger.fitAndApply(train, ZooterTrainer.fittingRows(train, o.router()), tags,
                            new EncoderEmbedder(frozen != null ? frozen : FrozenEncoder.of(FrozenEncoder.DEFAULT),
                                    o.router().maxTokens(), o.router().embeddingCache(), log.training()),
                            o.router().training().seed(), false);
                    tagged = f.data();
                    String summary = f.tagger().summary();
                    log.message("  tags " + tags + (summary.isEmpty() ? "" : ": " + summary));
                    fitted.add((folds.size() > 1 ? "fold " + (fold.index() + 1) + ": " : "")
                            + distinctTags(tagged) + " distinct tags" + (summary.isEmpty() ? "" : " (" + summary + ")"));
                }
                ZooterRouter zooter = train(tagged, o.router(), frozen, log, "zooter");
                add(perFold, "zooter", EnsembleMethods.routing("zooter", zooter));
                if (o.knn() > 0) {
                    add(perFold, "knn", EnsembleMethods.routing("knn", knn(train, zooter, o.router().labels(), o.knn())));
                }
                if (o.hardLabel()) {
                    add(perFold, "hard_label", EnsembleMethods.routing("hard_label",
                            train(tagged, o.router().withLabels(o.router().labels().withHard(true)), frozen, log, "hard labels")));
                }
                for (double beta : o.betaSweep()) {
                    String name = "zooter_beta_" + formatBeta(beta);
                    sweepNames.put(beta, name);
                    add(perFold, name, EnsembleMethods.routing(name,
                            train(tagged, o.router().withLabels(o.router().labels().withBeta(beta)), frozen, log, "beta " + beta)));
                }
            }
            add(perFold, "rmr", EnsembleMethods.rewardRanking());
            add(perFold, "oracle", EnsembleMethods.oracle());
        }
        List<EnsembleMethod> methods = new ArrayList<>();
        perFold.forEach((name, byFold) -> methods.add(folded(name, folds, byFold)));
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
        }
        if (!fitted.isEmpty()) {
            recorded.put("tags fitted", String.join("; ", fitted));
        }
        return new BenchResults(suite.name(), suite.simulated(), suite.source(), models, groups, results, sweep,
                differences, entropy, recorded, rerun);
    }

    private static long distinctTags(RewardDataset data) {
        return data.records().stream().flatMap(r -> r.tags().stream()).distinct().count();
    }

    private static void add(Map<String, List<EnsembleMethod>> perFold, String name, EnsembleMethod m) {
        perFold.computeIfAbsent(name, k -> new ArrayList<>()).add(m);
    }

    /** A β as it appears in method names: 0.3 → "0.3", 1 → "1.0". */
    public static String formatBeta(double beta) {
        String s = String.format(Locale.ROOT, "%.2f", beta);
        return s.replaceAll("0+$", "").replaceAll("\\.$", ".0");
    }

    private static ZooterRouter train(RewardDataset train, RouterSpec spec, FrozenEncoder frozen, Listener log, String what) {
        long t0 = System.nanoTime();
        TrainedRouter t = ZooterTrainer.train(train, spec, "fold", "fold-" + train.size(), null, log.training(), frozen);
        var best = t.result().curve().get(Math.max(0, t.result().bestEpoch() - 1));
        log.message(String.format(Locale.ROOT, "  %s: kept epoch %d, validation KL %.4f, top-1 %.3f (%.1fs)", what,
                best.epoch(), best.validationKl(), best.validationTop1(), (System.nanoTime() - t0) / 1e9));
        return ZooterTrainer.cachedRouter(t);
    }

    /** kNN over the same encoder's embeddings, averaging the neighbours' un-enhanced labels s. */
    private static KnnRouter knn(RewardDataset train, ZooterRouter zooter, LabelConfig labels, int k) {
        TagEnhancedLabels plain = TagEnhancedLabels.fit(labels.withBeta(1).withHard(false), train.records());
        double[][] y = train.records().stream().map(plain::label).toArray(double[][]::new);
        INDArray x = zooter.embed(train.records().stream().map(RewardRecord::query).toList());
        return new KnnRouter(train.models(), x, y, k, zooter::embed);
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
