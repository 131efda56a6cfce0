package dev.zooterj.core.ensemble;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.core.label.ProbabilityVectors;
import dev.zooterj.core.routing.Estimate;
import dev.zooterj.core.routing.Estimator;
import dev.zooterj.core.routing.FixedModelRouter;
import dev.zooterj.core.routing.Policy;
import dev.zooterj.core.routing.Router;
import dev.zooterj.core.routing.RoutingDecision;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The ensemble methods of the paper and the project's extra baselines. */
public final class EnsembleMethods {
    private EnsembleMethods() {
    }

    /** One generation from the model the router picks. */
    public static EnsembleMethod routing(String name, Router router) {
        return new EnsembleMethod() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Selection select(RewardRecord record) {
                return toSelection(router.route(record.query()));
            }

            @Override
            public List<Selection> selectAll(List<RewardRecord> records) {
                List<RoutingDecision> ds = router.route(records.stream().map(RewardRecord::query).toList());
                List<Selection> out = new ArrayList<>(ds.size());
                for (RoutingDecision d : ds) {
                    out.add(toSelection(d));
                }
                return out;
            }
        };
    }

    /**
     * Route-or-rerank: the policy's set generates (the router's top candidates by its estimate) and the answer with the
     * highest reward among them is returned (ties split evenly). With a one-model set it is the router's pick.
     */
    public static EnsembleMethod rerank(String name, Estimator estimator, Policy policy) {
        return new EnsembleMethod() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Selection select(RewardRecord record) {
                return selectAll(List.of(record)).get(0);
            }

            @Override
            public List<Selection> selectAll(List<RewardRecord> records) {
                List<Estimate> es = estimator.estimate(records.stream().map(RewardRecord::query).toList());
                List<Selection> out = new ArrayList<>(es.size());
                for (int i = 0; i < es.size(); i++) {
                    RoutingDecision d = policy.decide(es.get(i));
                    out.add(d.generations() == 1 ? toSelection(d) : Selection.bestOfSet(d.set(), records.get(i).rewards()));
                }
                return out;
            }
        };
    }

    /** A fixed set of candidates always answers; the answer with the highest reward is returned (RMR over the set). */
    public static EnsembleMethod fixedSet(String name, List<String> models, List<String> set) {
        int[] idx = set.stream().mapToInt(m -> {
            int i = models.indexOf(m);
            if (i < 0) {
                throw new IllegalArgumentException("model '" + m + "' of the set is not a candidate; candidates: " + models);
            }
            return i;
        }).toArray();
        return named(name, r -> Selection.bestOfSet(idx, r.rewards()));
    }

    /**
     * The k candidates whose reward-model ranking over the rows given (training rows) scores best by the evaluation
     * scores; every k-subset is tried (at most {@code maxSubsets}, else greedy growth from the best single model).
     * On a tie the first subset in lexicographic index order wins.
     */
    public static List<String> bestFixedSet(RewardDataset training, int k) {
        int n = training.models().size();
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("set size " + k + " outside 1.." + n);
        }
        List<RewardRecord> rows = training.records();
        java.util.function.ToDoubleFunction<int[]> value = set -> {
            double s = 0;
            for (RewardRecord r : rows) {
                s += Selection.bestOfSet(set, r.rewards()).expectedScore(r.evaluationScores());
            }
            return s / rows.size();
        };
        int[] best = null;
        double bestValue = Double.NEGATIVE_INFINITY;
        if (binomial(n, k) <= 20_000) {
            int[] c = new int[k];
            for (int i = 0; i < k; i++) {
                c[i] = i;
            }
            while (true) {
                double v = value.applyAsDouble(c);
                if (v > bestValue + 1e-12) {
                    bestValue = v;
                    best = c.clone();
                }
                int i = k - 1;
                while (i >= 0 && c[i] == n - k + i) {
                    i--;
                }
                if (i < 0) {
                    break;
                }
                c[i]++;
                for (int j = i + 1; j < k; j++) {
                    c[j] = c[j - 1] + 1;
                }
            }
        } else {
            List<Integer> chosen = new ArrayList<>();
            while (chosen.size() < k) {
                int add = -1;
                double addValue = Double.NEGATIVE_INFINITY;
                for (int m = 0; m < n; m++) {
                    if (chosen.contains(m)) {
                        continue;
                    }
                    List<Integer> t = new ArrayList<>(chosen);
                    t.add(m);
                    double v = value.applyAsDouble(t.stream().mapToInt(Integer::intValue).toArray());
                    if (v > addValue + 1e-12) {
                        addValue = v;
                        add = m;
                    }
                }
                chosen.add(add);
            }
            best = chosen.stream().mapToInt(Integer::intValue).toArray();
        }
        return Arrays.stream(best).mapToObj(training.models()::get).toList();
    }

    private static double binomial(int n, int k) {
        double b = 1;
        for (int i = 1; i <= k; i++) {
            b = b * (n - k + i) / i;
        }
        return b;
    }

    private static Selection toSelection(RoutingDecision d) {
        double[] w = new double[d.models().size()];
        w[d.chosen()] = 1;
        return new Selection(w, false);
    }

    /** Always the given model. */
    public static EnsembleMethod single(List<String> models, String model) {
        return routing(model, new FixedModelRouter(models, model));
    }

    /**
     * BMA: the single model with the best mean evaluation score on the training split; by mean reward when
     * the training records carry no separate scores. Never chosen on test data.
     */
    public static EnsembleMethod bestOnAverage(RewardDataset training) {
        return routing("bma", new FixedModelRouter(training.models(), bestOnAverageModel(training)));
    }

    public static String bestOnAverageModel(RewardDataset training) {
        if (training.size() == 0) {
            throw new IllegalArgumentException("BMA needs a non-empty training split");
        }
        boolean hasScores = training.records().stream().allMatch(r -> r.scores() != null);
        double[] means = hasScores ? training.meanScores() : training.meanRewards();
        return training.models().get(ProbabilityVectors.argmax(means));
    }

    /** The expected score of a uniform pick: weights 1/N on every model, one generation. */
    public static EnsembleMethod random(List<String> models) {
        double[] uniform = new double[models.size()];
        Arrays.fill(uniform, 1.0 / models.size());
        Selection s = new Selection(uniform, false);
        return named("random", r -> s);
    }

    /** RMR: every candidate answers, the answer with the highest reward is returned (ties split evenly). */
    public static EnsembleMethod rewardRanking() {
        return named("rmr", r -> new Selection(ProbabilityVectors.uniformOverArgmax(r.rewards()), true));
    }

    /** Oracle: the best candidate per query by the evaluation metric; the ceiling of any ensemble. */
    public static EnsembleMethod oracle() {
        return named("oracle", r -> new Selection(ProbabilityVectors.uniformOverArgmax(r.evaluationScores()), true));
    }

    /**
     * The dataset oracle: per subset, the model with the best mean evaluation score <b>on the rows given</b> (the test
     * rows), used for every query of that subset. A reference line that uses test knowledge twice: the subset of each
     * query, and which model is best on that subset's test rows. Rows of a subset not seen here get the overall best.
     */
    public static EnsembleMethod datasetOracle(RewardDataset test) {
        java.util.Map<String, double[]> best = new java.util.HashMap<>();
        test.bySubset().forEach((subset, rows) -> {
            double[] oneHot = new double[test.models().size()];
            oneHot[ProbabilityVectors.argmax(test.withRecords(rows).meanScores())] = 1;
            best.put(subset, oneHot);
        });
        double[] overall = new double[test.models().size()];
        overall[ProbabilityVectors.argmax(test.meanScores())] = 1;
        return named("dataset_oracle", r -> new Selection(best.getOrDefault(r.subset() == null ? "" : r.subset(), overall).clone(), false));
    }

    private static EnsembleMethod named(String name, java.util.function.Function<RewardRecord, Selection> f) {
        return new EnsembleMethod() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Selection select(RewardRecord record) {
                return f.apply(record);
            }
        };
    }
}
