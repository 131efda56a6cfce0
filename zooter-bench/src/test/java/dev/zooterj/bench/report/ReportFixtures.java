package dev.zooterj.bench.report;

import dev.zooterj.bench.BenchResults;
import dev.zooterj.bench.MethodResult;
import dev.zooterj.bench.SuiteEvaluation;
import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.core.ensemble.EnsembleMethod;
import dev.zooterj.core.ensemble.EnsembleMethods;
import dev.zooterj.core.ensemble.Selection;
import dev.zooterj.data.sim.PaperLayout;
import dev.zooterj.data.sim.SimulatedZoo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/** Benchmark results to write reports from: a tiny hand-made suite, and the paper's layout on the simulated zoo. */
final class ReportFixtures {
    static final String RERUN = "zooter bench --suite tiny --seed 7 --out build/bench";
    static final List<String> TINY_MODELS = List.of("a", "b", "c");

    private ReportFixtures() {
    }

    /**
     * Three models, subsets s1, s2 (group G1) and s3 (G2); no costs. Zooter routes by reward (right on s1, s2,
     * wrong on s3); "hard_label" is a hand-made result with non-finite numbers, to check they never reach the JSON.
     */
    static BenchResults tiny(boolean simulated) {
        List<RewardRecord> rs = new ArrayList<>();
        int id = 0;
        for (int i = 0; i < 4; i++) {
            rs.add(rec(id++, "s1", new double[]{1, .5, 0}, new double[]{1, .5, 0}));
            rs.add(rec(id++, "s2", new double[]{0, 1, .5}, new double[]{0, 1, .5}));
            rs.add(rec(id++, "s3", new double[]{1, 0, 0}, new double[]{0, 0, 1}));
        }
        RewardDataset test = new RewardDataset(TINY_MODELS, rs);
        Map<String, String> groups = new LinkedHashMap<>();
        groups.put("s1", "G1");
        groups.put("s2", "G1");
        groups.put("s3", "G2");
        List<EnsembleMethod> methods = new ArrayList<>();
        TINY_MODELS.forEach(m -> methods.add(EnsembleMethods.single(TINY_MODELS, m)));
        methods.add(renamed("bma", EnsembleMethods.single(TINY_MODELS, "a")));
        methods.add(EnsembleMethods.random(TINY_MODELS));
        methods.add(routeBy("zooter", RewardRecord::rewards));
        methods.add(routeBy("knn", r -> new double[]{0, 1, 0}));
        methods.add(EnsembleMethods.rewardRanking());
        methods.add(EnsembleMethods.oracle());
        List<MethodResult> results = new ArrayList<>(new SuiteEvaluation(test, groups).evaluate(methods));
        results.add(new MethodResult("hard_label", Map.of("s1", 0.5, "s2", Double.NaN, "s3", 0.25),
                Map.of("G1", new MethodResult.GroupResult(Double.NaN, Double.NaN, 0, List.of("s1", "s2"))),
                Double.NaN, Double.POSITIVE_INFINITY, 1, Double.NaN, Map.of(), Map.of(), null));

        Map<Double, Double> sweep = new LinkedHashMap<>();
        sweep.put(0.0, 2.1);
        sweep.put(0.3, 1.9);
        sweep.put(1.0, 2.2);
        Map<String, BenchResults.Interval> differences = new LinkedHashMap<>();
        differences.put("G1", new BenchResults.Interval(0.25, 0.1, 0.4, 0.95, 1000));
        differences.put("G2", new BenchResults.Interval(-1, Double.NaN, Double.NaN, 0.95, 1000));
        List<BenchResults.EntropyBin> bins = List.of(
                new BenchResults.EntropyBin(0, 0.5, 8, 0.9, 1.0, 0.8),
                new BenchResults.EntropyBin(0.5, 1.0, 0, Double.NaN, Double.NaN, Double.NaN),
                new BenchResults.EntropyBin(1.0, 1.1, 4, 0.1, 1.0, Double.NaN));
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("labels.beta", "0.3");
        settings.put("seed", "7");
        return new BenchResults("tiny", simulated, simulated ? "SIMULATED toy data" : "hand-made test records",
                TINY_MODELS, groups, results, sweep, differences, bins, settings, RERUN);
    }

    /**
     * The paper's 26 subsets on the simulated zoo (6 models, output tokens as cost), with stand-in routers that
     * pick the best reward after seeded noise: the noisier, the worse (Zooter, its hard-label ablation and β sweep,
     * kNN). Realistic in shape, scales and spread; not a measurement of anything.
     */
    static BenchResults paperLike(int queriesPerSubset) {
        SimulatedZoo zoo = SimulatedZoo.generate(SimulatedZoo.Config.defaults().withTrainingQueries(200)
                .withQueriesPerSubset(queriesPerSubset));
        List<String> models = zoo.models();
        RewardDataset test = zoo.evaluation();
        Map<Double, Double> noise = new LinkedHashMap<>();
        noise.put(0.0, 1.1);
        noise.put(0.1, 0.9);
        noise.put(0.3, 0.7);
        noise.put(0.5, 1.0);
        noise.put(0.7, 1.3);
        noise.put(1.0, 1.5);
        List<EnsembleMethod> methods = new ArrayList<>();
        models.forEach(m -> methods.add(EnsembleMethods.single(models, m)));
        methods.add(EnsembleMethods.bestOnAverage(zoo.training()));
        methods.add(EnsembleMethods.random(models));
        methods.add(noisyRewardRouter("zooter", 0.7));
        methods.add(noisyRewardRouter("knn", 1.6));
        methods.add(noisyRewardRouter("hard_label", 1.4));
        noise.forEach((beta, sd) -> methods.add(noisyRewardRouter("zooter_beta_" + beta, sd)));
        methods.add(EnsembleMethods.rewardRanking());
        methods.add(EnsembleMethods.oracle());
        SuiteEvaluation evaluation = new SuiteEvaluation(test, PaperLayout.groupOfSubset());
        List<MethodResult> results = evaluation.evaluate(methods);

        Map<Double, Double> sweep = new LinkedHashMap<>();
        noise.keySet().forEach(beta -> results.stream().filter(r -> r.method().equals("zooter_beta_" + beta))
                .findFirst().ifPresent(r -> sweep.put(beta, r.mtr())));
        MethodResult zooter = results.stream().filter(r -> r.method().equals("zooter")).findFirst().orElseThrow();
        MethodResult bma = results.stream().filter(r -> r.method().equals("bma")).findFirst().orElseThrow();
        Map<String, BenchResults.Interval> differences = new LinkedHashMap<>();
        for (String g : PaperLayout.groups()) {
            double d = zooter.groups().get(g).average() - bma.groups().get(g).average();
            double half = 0.05 * Math.max(1, Math.abs(bma.groups().get(g).average()));
            differences.put(g, new BenchResults.Interval(d, d - half, d + half, 0.95, 1000));
        }
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("suite", "paper-sim");
        settings.put("zoo.seed", "42");
        settings.put("labels.tau", "1.0");
        settings.put("labels.beta", "0.3");
        settings.put("router.encoder", "minilm (head only)");
        settings.put("train.epochs", "5");
        settings.put("bootstrap.resamples", "1000");
        return new BenchResults("paper-sim", true, "SIMULATED model zoo (seed 42): " + zoo.description(), models,
                PaperLayout.groupOfSubset(), results, sweep, differences,
                entropyBins(test, List.of(EnsembleMethods.rewardRanking(), EnsembleMethods.oracle(),
                        noisyRewardRouter("zooter", 0.7)), 6),
                settings, "zooter bench --suite paper-sim --seed 42 --beta 0.3 --beta-sweep 0,0.1,0.3,0.5,0.7,1 --out "
                        + "build/bench/paper-sim");
    }

    /** Bins of the rewards' softmax entropy with each method's mean score rescaled by the subset's scale. */
    private static List<BenchResults.EntropyBin> entropyBins(RewardDataset test, List<EnsembleMethod> methods, int n) {
        double max = Math.log(test.models().size());
        int[] count = new int[n];
        double[][] sum = new double[methods.size()][n];
        for (RewardRecord r : test.records()) {
            int bin = Math.min(n - 1, (int) (entropy(r.rewards()) / max * n));
            count[bin]++;
            var subset = PaperLayout.subset(r.subset());
            for (int m = 0; m < methods.size(); m++) {
                Selection s = methods.get(m).select(r);
                sum[m][bin] += (s.expectedScore(r.evaluationScores()) - subset.minScore())
                        / (subset.maxScore() - subset.minScore());
            }
        }
        List<BenchResults.EntropyBin> out = new ArrayList<>();
        for (int b = 0; b < n; b++) {
            double c = count[b];
            out.add(new BenchResults.EntropyBin(b * max / n, (b + 1) * max / n, count[b], sum[0][b] / c,
                    sum[1][b] / c, sum[2][b] / c));
        }
        return out;
    }

    private static double entropy(double[] rewards) {
        double top = java.util.Arrays.stream(rewards).max().orElse(0);
        double z = 0;
        for (double r : rewards) {
            z += Math.exp(r - top);
        }
        double h = 0;
        for (double r : rewards) {
            double p = Math.exp(r - top) / z;
            h -= p > 0 ? p * Math.log(p) : 0;
        }
        return h;
    }

    private static EnsembleMethod noisyRewardRouter(String name, double sd) {
        return routeBy(name, r -> {
            SplittableRandom random = new SplittableRandom(r.id().hashCode() * 31L + name.hashCode());
            double[] noisy = r.rewards().clone();
            for (int i = 0; i < noisy.length; i++) {
                noisy[i] += sd * gaussian(random);
            }
            return noisy;
        });
    }

    private static double gaussian(SplittableRandom random) {
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    /** A router: one generation from the model with the highest {@code preference}. */
    private static EnsembleMethod routeBy(String name, Function<RewardRecord, double[]> preference) {
        return new EnsembleMethod() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Selection select(RewardRecord record) {
                double[] p = preference.apply(record);
                int best = 0;
                for (int i = 1; i < p.length; i++) {
                    best = p[i] > p[best] ? i : best;
                }
                double[] w = new double[p.length];
                w[best] = 1;
                return new Selection(w, false);
            }
        };
    }

    private static EnsembleMethod renamed(String name, EnsembleMethod m) {
        return new EnsembleMethod() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Selection select(RewardRecord record) {
                return m.select(record);
            }
        };
    }

    private static RewardRecord rec(int id, String subset, double[] rewards, double[] scores) {
        return new RewardRecord("q" + id, "query " + id, null, List.of(subset), subset, "test", rewards, scores, null);
    }
}
