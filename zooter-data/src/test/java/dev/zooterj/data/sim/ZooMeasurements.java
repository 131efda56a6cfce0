package dev.zooterj.data.sim;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.core.label.ProbabilityVectors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * Measurements of a generated zoo that the tests assert on and {@link #main} prints. Evaluation numbers are
 * macro averages: each subset's scores are mapped to [0, 1] on its own scale, averaged within the subset,
 * then averaged over subsets, so that a 1-10 MT-Bench score does not outweigh a 0/1 accuracy.
 */
final class ZooMeasurements {
    private ZooMeasurements() {
    }

    /** Macro mean of normalised score when every query goes to the model {@code choice} picks. */
    static double macroScore(RewardDataset evaluation, ToIntFunction<RewardRecord> choice) {
        double sum = 0;
        Map<String, List<RewardRecord>> bySubset = evaluation.bySubset();
        for (Map.Entry<String, List<RewardRecord>> e : bySubset.entrySet()) {
            sum += subsetScore(e.getKey(), e.getValue(), choice);
        }
        return sum / bySubset.size();
    }

    static double subsetScore(String subsetName, List<RewardRecord> records, ToIntFunction<RewardRecord> choice) {
        BenchmarkSubset subset = PaperLayout.subset(subsetName);
        double sum = 0;
        for (RewardRecord r : records) {
            sum += subset.normalise(r.evaluationScores()[choice.applyAsInt(r)]);
        }
        return sum / records.size();
    }

    /** Macro score of each single model. */
    static double[] singleModelScores(RewardDataset evaluation) {
        double[] out = new double[evaluation.models().size()];
        for (int m = 0; m < out.length; m++) {
            int model = m;
            out[m] = macroScore(evaluation, r -> model);
        }
        return out;
    }

    static int bestSingleModel(RewardDataset evaluation) {
        return ProbabilityVectors.argmax(singleModelScores(evaluation));
    }

    static double oracleScore(RewardDataset evaluation) {
        return macroScore(evaluation, r -> ProbabilityVectors.argmax(r.evaluationScores()));
    }

    /** Reward-model ranking: every model answers and the best-rewarded answer is kept. */
    static double rewardRankingScore(RewardDataset evaluation) {
        return macroScore(evaluation, r -> ProbabilityVectors.argmax(r.rewards()));
    }

    /** The best model of each subset, chosen on that subset itself: what a perfect per-subset router gets. */
    static Map<String, Integer> bestModelPerSubset(RewardDataset evaluation) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<RewardRecord>> e : evaluation.bySubset().entrySet()) {
            double[] scores = new double[evaluation.models().size()];
            for (int m = 0; m < scores.length; m++) {
                int model = m;
                scores[m] = subsetScore(e.getKey(), e.getValue(), r -> model);
            }
            out.put(e.getKey(), ProbabilityVectors.argmax(scores));
        }
        return out;
    }

    /** Subsets on which some model beats the best single model by more than {@code margin}. */
    static long subsetsLostByBestSingle(RewardDataset evaluation, double margin) {
        int bestSingle = bestSingleModel(evaluation);
        long lost = 0;
        for (Map.Entry<String, List<RewardRecord>> e : evaluation.bySubset().entrySet()) {
            int winner = bestModelPerSubset(evaluation).get(e.getKey());
            double gap = subsetScore(e.getKey(), e.getValue(), r -> winner)
                    - subsetScore(e.getKey(), e.getValue(), r -> bestSingle);
            if (gap > margin) {
                lost++;
            }
        }
        return lost;
    }

    static double subsetRoutingScore(RewardDataset evaluation) {
        Map<String, Integer> best = bestModelPerSubset(evaluation);
        return macroScore(evaluation, r -> best.get(r.subset()));
    }

    /** Mean softmax(rewards) per key over the records carrying it (a record may carry several keys). */
    static Map<String, double[]> meanLabelBy(List<RewardRecord> records,
                                             java.util.function.Function<RewardRecord, List<String>> keys) {
        Map<String, double[]> sums = new LinkedHashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (RewardRecord r : records) {
            double[] label = ProbabilityVectors.softmax(r.rewards(), 1.0);
            for (String key : keys.apply(r)) {
                double[] sum = sums.computeIfAbsent(key, k -> new double[label.length]);
                for (int i = 0; i < label.length; i++) {
                    sum[i] += label[i];
                }
                counts.merge(key, 1, Integer::sum);
            }
        }
        sums.forEach((key, sum) -> {
            for (int i = 0; i < sum.length; i++) {
                sum[i] /= counts.get(key);
            }
        });
        return sums;
    }

    /**
     * Mean reward of the model picked for each held-out record by the mean label of its keys on the fitting
     * records (falling back to the overall mean label when none of its keys was seen).
     */
    static double heldOutRewardOfKeyRouting(List<RewardRecord> fit, List<RewardRecord> heldOut,
                                            java.util.function.Function<RewardRecord, List<String>> keys) {
        Map<String, double[]> means = meanLabelBy(fit, keys);
        double[] overall = meanLabelBy(fit, r -> List.of("")).get("");
        double sum = 0;
        for (RewardRecord r : heldOut) {
            double[] pooled = new double[overall.length];
            int known = 0;
            for (String key : keys.apply(r)) {
                double[] m = means.get(key);
                if (m != null) {
                    for (int i = 0; i < pooled.length; i++) {
                        pooled[i] += m[i];
                    }
                    known++;
                }
            }
            int pick = ProbabilityVectors.argmax(known == 0 ? overall : pooled);
            sum += ProbabilityVectors.standardize(r.rewards())[pick];
        }
        return sum / heldOut.size();
    }

    /**
     * How many domains (training subsets) have at least two different favourite models among their tags
     * seen at least {@code minCount} times within the domain.
     */
    static int domainsWithSplitTagFavourites(RewardDataset training, int minCount) {
        int domains = 0;
        for (List<RewardRecord> domainRecords : training.bySubset().values()) {
            Map<String, double[]> byTag = meanLabelBy(domainRecords, RewardRecord::tags);
            Map<String, Integer> counts = new LinkedHashMap<>();
            domainRecords.forEach(r -> r.tags().forEach(t -> counts.merge(t, 1, Integer::sum)));
            long favourites = byTag.entrySet().stream().filter(e -> counts.get(e.getKey()) >= minCount)
                    .mapToInt(e -> ProbabilityVectors.argmax(e.getValue())).distinct().count();
            if (favourites >= 2) {
                domains++;
            }
        }
        return domains;
    }

    public static void main(String[] args) {
        SimulatedZoo.Config config = SimulatedZoo.Config.defaults();
        if (args.length > 0) {
            config = config.withSeed(Long.parseLong(args[0]));
        }
        if (args.length > 1) {
            config = config.withTrainingQueries(Integer.parseInt(args[1]));
        }
        if (args.length > 2) {
            config = config.withQueriesPerSubset(Integer.parseInt(args[2]));
        }
        long start = System.nanoTime();
        SimulatedZoo zoo = SimulatedZoo.generate(config);
        long millis = (System.nanoTime() - start) / 1_000_000;
        RewardDataset eval = zoo.evaluation();
        List<String> models = zoo.models();
        System.out.println(zoo.description());
        System.out.printf("generated in %d ms (first call, cold JVM)%n", millis);

        double[] single = singleModelScores(eval);
        System.out.println("macro normalised eval score per model:");
        for (int m = 0; m < models.size(); m++) {
            System.out.printf("  %-20s %.3f%n", models.get(m), single[m]);
        }
        System.out.printf("BMA %s %.3f | best-per-subset routing %.3f | RMR %.3f | oracle %.3f%n",
                models.get(bestSingleModel(eval)), single[bestSingleModel(eval)], subsetRoutingScore(eval),
                rewardRankingScore(eval), oracleScore(eval));
        System.out.printf("subsets where another model beats the best single one by > 0.03: %d%n",
                subsetsLostByBestSingle(eval, 0.03));
        Map<String, Integer> best = bestModelPerSubset(eval);
        best.forEach((s, m) -> System.out.printf("  best on %-22s %s%n", s, models.get(m)));

        System.out.println("group averages (raw metric), per model then oracle:");
        for (String group : PaperLayout.groups()) {
            RewardDataset g = eval.filter(r -> PaperLayout.groupOfSubset().get(r.subset()).equals(group));
            List<String> cells = new ArrayList<>();
            double[] means = g.meanScores();
            for (double v : means) {
                cells.add(String.format("%.2f", v));
            }
            double oracle = g.records().stream().mapToDouble(r -> ProbabilityVectors.max(r.evaluationScores()))
                    .average().orElse(Double.NaN);
            System.out.printf("  %-11s %s | oracle %.2f%n", group, cells, oracle);
        }

        List<RewardRecord> train = zoo.training().records();
        List<RewardRecord> fit = train.subList(0, train.size() / 2);
        List<RewardRecord> heldOut = train.subList(train.size() / 2, train.size());
        System.out.printf("held-out standardised reward: by domain %.3f, by tags %.3f, by domain+tags %.3f%n",
                heldOutRewardOfKeyRouting(fit, heldOut, r -> List.of(r.subset())),
                heldOutRewardOfKeyRouting(fit, heldOut, RewardRecord::tags),
                heldOutRewardOfKeyRouting(fit, heldOut, ZooMeasurements::domainAndTags));
        Map<String, double[]> byTag = meanLabelBy(train, RewardRecord::tags);
        long distinctArgmax = byTag.values().stream().mapToInt(ProbabilityVectors::argmax).distinct().count();
        System.out.printf("%d tags, per-tag argmax covers %d models; %d domains have split tag favourites%n",
                byTag.size(), distinctArgmax, domainsWithSplitTagFavourites(zoo.training(), 30));
        train.stream().limit(8).forEach(r -> System.out.println("  " + r.id() + " " + r.tags() + " " + r.query()));
        eval.records().stream().filter(r -> r.id().endsWith("-0000"))
                .forEach(r -> System.out.println("  " + r.id() + " " + r.tags() + " " + r.query()));
    }

    static List<String> domainAndTags(RewardRecord r) {
        List<String> keys = new ArrayList<>(r.tags());
        keys.add("domain:" + r.subset());
        return keys;
    }
}
