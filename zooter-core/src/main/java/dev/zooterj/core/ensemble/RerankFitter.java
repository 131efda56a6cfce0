package dev.zooterj.core.ensemble;

import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.core.routing.Estimate;
import dev.zooterj.core.routing.RerankRule;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * Chooses a {@link RerankRule} on validation rows: the rule family, the largest set and the threshold whose reranked
 * answers (the set's best answer by each row's rewards, graded by its evaluation scores) score best on average while
 * the mean number of generations stays within a budget. Thresholds are midpoints between the confidences seen on the
 * rows; on a tie in score, fewer generations win, then the simpler rule. Reads only the rows it is given (validation
 * rows with estimates from a router that did not train on them).
 */
public final class RerankFitter {
    /** The chosen rule, with its score and mean generations on the validation rows. */
    public record Fit(RerankRule rule, double score, double generations, int rows) {
        public String describe() {
            return String.format(java.util.Locale.ROOT, "%s (validation: %.4f at %.2f generations/query, %d rows)",
                    rule.describe(), score, generations, rows);
        }
    }

    /** Candidate thresholds per rule: midpoints between at most this many quantiles of the confidences seen. */
    static final int MAX_THRESHOLDS = 400;

    private final int n;
    private final int rows;
    private final double[][] sorted;     // [row][rank] weights sorted high to low
    private final double[][] quality;    // [row][k-1] score of the best-rewarded answer among the top k

    public RerankFitter(List<Estimate> estimates, List<RewardRecord> records) {
        if (estimates.size() != records.size() || estimates.isEmpty()) {
            throw new IllegalArgumentException("need one estimate per validation row and at least one row, got "
                    + estimates.size() + " estimates for " + records.size() + " rows");
        }
        this.rows = records.size();
        this.n = estimates.get(0).models().size();
        this.sorted = new double[rows][];
        this.quality = new double[rows][n];
        for (int i = 0; i < rows; i++) {
            Estimate e = estimates.get(i);
            int[] order = RerankRule.order(e.values());
            sorted[i] = RerankRule.sortedWeights(e, order);
            double[] rewards = records.get(i).rewards();
            double[] scores = records.get(i).evaluationScores();
            for (int k = 1; k <= n; k++) {
                quality[i][k - 1] = Selection.bestOfSet(Arrays.copyOf(order, k), rewards).expectedScore(scores);
            }
        }
    }

    /** The best rule with a mean of at most {@code budget} generations per query (budget ≥ 1). */
    public Fit fit(double budget) {
        if (!(budget >= 1)) {
            throw new IllegalArgumentException("a budget is at least 1 generation per query, got " + budget);
        }
        Fit best = null;
        for (RerankRule.Rule family : RerankRule.Rule.values()) {
            for (int maxK = family == RerankRule.Rule.FIXED ? 1 : 2; maxK <= n; maxK++) {
                for (double t : thresholds(family)) {
                    RerankRule rule = new RerankRule(family, t, maxK);
                    Fit f = evaluate(rule);
                    if (f.generations() <= budget + 1e-9 && (best == null || f.score() > best.score() + 1e-12
                            || (Math.abs(f.score() - best.score()) <= 1e-12 && f.generations() < best.generations() - 1e-12))) {
                        best = f;
                    }
                }
            }
        }
        return best;
    }

    /** The rule's mean score and generations on the validation rows. */
    public Fit evaluate(RerankRule rule) {
        double score = 0;
        double gens = 0;
        for (int i = 0; i < rows; i++) {
            int k = rule.k(sorted[i]);
            score += quality[i][k - 1];
            gens += k;
        }
        return new Fit(rule, score / rows, gens / rows, rows);
    }

    private List<Double> thresholds(RerankRule.Rule family) {
        if (family == RerankRule.Rule.FIXED) {
            return List.of(0.0);
        }
        TreeSet<Double> values = new TreeSet<>();
        for (double[] w : sorted) {
            switch (family) {
                case TOP1 -> values.add(w[0]);
                case MARGIN -> values.add(n < 2 ? 0 : w[0] - w[1]);
                case ENTROPY -> values.add(dev.zooterj.core.label.ProbabilityVectors.entropy(w));
                case MASS -> {
                    double s = 0;
                    for (double x : w) {
                        s += x;
                        values.add(s);
                    }
                }
                case RATIO -> {
                    for (double x : w) {
                        values.add(w[0] > 0 ? x / w[0] : 1);
                    }
                }
                default -> throw new IllegalStateException();
            }
        }
        List<Double> v = new ArrayList<>(values);
        if (v.size() > MAX_THRESHOLDS) {
            List<Double> q = new ArrayList<>();
            for (int i = 0; i < MAX_THRESHOLDS; i++) {
                q.add(v.get((int) Math.round((double) i * (v.size() - 1) / (MAX_THRESHOLDS - 1))));
            }
            v = q;
        }
        List<Double> out = new ArrayList<>();
        out.add(v.get(0) - 1);
        for (int i = 0; i + 1 < v.size(); i++) {
            out.add((v.get(i) + v.get(i + 1)) / 2);
        }
        out.add(v.get(v.size() - 1) + 1);
        return out;
    }
}
