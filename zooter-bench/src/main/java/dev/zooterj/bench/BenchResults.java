package dev.zooterj.bench;

import java.util.List;
import java.util.Map;

/**
 * Everything a benchmark run produced, in the form the reports (text table, results.json, report.md,
 * report.html, PNG charts) are written from.
 *
 * @param suite          suite name ({@code paper-sim}, {@code alpacaeval}, {@code routerdc}, {@code jsonl})
 * @param simulated      true when the data is the simulated zoo (then every report says so)
 * @param source         where the data came from, in words (files, protocol)
 * @param models         candidate models, in order
 * @param groupOfSubset  subset → group, in report order
 * @param methods        every method's results ({@code zooter}, {@code bma}, {@code random}, {@code knn},
 *                       {@code oracle}, {@code rmr}, {@code hard_label}, {@code zooter_beta_<b>}, single models)
 * @param betaSweep      β → All-MTR of Zooter trained with that β (empty when no sweep ran)
 * @param differences    group → bootstrap interval of Zooter − BMA (mean score difference per query)
 * @param entropyBins    the reward-entropy analysis (paper Figure 3): bins of H(s) with the RMR score in each
 * @param settings       label, training and encoder settings, seeds, folds — what re-running needs
 * @param rerun          the command line that reproduces this run
 * @param costSweep      the quality/cost sweep of the cost-aware router beside the single models, or null
 * @param comparisons    the default router against the baselines a user tries first ({@code task_best}, the best single
 *                       model of each group), each with bootstrap intervals of the group average's difference
 */
public record BenchResults(String suite, boolean simulated, String source, List<String> models,
                           Map<String, String> groupOfSubset, List<MethodResult> methods, Map<Double, Double> betaSweep,
                           Map<String, Interval> differences, List<EntropyBin> entropyBins, Map<String, String> settings,
                           String rerun, CostSweep costSweep, List<Comparison> comparisons) {

    public BenchResults {
        comparisons = comparisons == null ? List.of() : List.copyOf(comparisons);
    }

    public BenchResults(String suite, boolean simulated, String source, List<String> models,
                        Map<String, String> groupOfSubset, List<MethodResult> methods, Map<Double, Double> betaSweep,
                        Map<String, Interval> differences, List<EntropyBin> entropyBins, Map<String, String> settings,
                        String rerun, CostSweep costSweep) {
        this(suite, simulated, source, models, groupOfSubset, methods, betaSweep, differences, entropyBins, settings, rerun, costSweep,
                List.of());
    }

    public BenchResults(String suite, boolean simulated, String source, List<String> models,
                        Map<String, String> groupOfSubset, List<MethodResult> methods, Map<Double, Double> betaSweep,
                        Map<String, Interval> differences, List<EntropyBin> entropyBins, Map<String, String> settings,
                        String rerun) {
        this(suite, simulated, source, models, groupOfSubset, methods, betaSweep, differences, entropyBins, settings, rerun, null);
    }

    /** The same results with a cost sweep. */
    public BenchResults withCostSweep(CostSweep sweep) {
        return new BenchResults(suite, simulated, source, models, groupOfSubset, methods, betaSweep, differences,
                entropyBins, settings, rerun, sweep, comparisons);
    }

    /**
     * One method against another, per group: the difference of the group averages (the macro mean over the group's
     * subsets) with a percentile bootstrap interval, test queries resampled within each subset.
     *
     * @param method  the method measured (the default router)
     * @param against what it is measured against, in words ({@code task_best}, {@code best single model})
     * @param groups  group → interval of method − the group's comparator
     * @param models  group → the comparator's method name in that group (for "best single model", the single model
     *                with the highest group average on the test rows — a reference that uses test knowledge)
     */
    public record Comparison(String method, String against, Map<String, Interval> groups, Map<String, String> models) {
    }

    /**
     * Quality against mean cost per query.
     *
     * @param router   the router kind whose cost-aware policy was swept
     * @param points   method → its (cost, quality) points: the router's sweep (one point per λ, with λ), each single model
     * @param aiq      method → RouterBench's AIQ ({@code router}: the sweep; {@code single_models}: the single models' hull)
     * @param maxCost  the largest cost of all points (AIQ's normaliser)
     * @param pair     the strong/weak comparison (RouteLLM's metrics), or null
     */
    public record CostSweep(String router, Map<String, List<CostPoint>> points, Map<String, Double> aiq, double maxCost,
                            PairCurve pair) {
    }

    /** One operating point: mean cost per query, average quality (as {@link MethodResult#average()}), λ (NaN if none). */
    public record CostPoint(double cost, double quality, double lambda) {
    }

    /**
     * RouteLLM's two-model view: quality against the share of queries sent to the strong model.
     *
     * @param strong  the strong model (best mean score on the first fold's training rows)
     * @param weak    the weak model (cheapest on those rows, or named)
     * @param curve   (share of strong calls, quality) points, quality = mean score over all test rows
     * @param strongQuality the strong model's mean score on the same rows
     * @param weakQuality   the weak model's
     * @param apgr    APGR
     * @param cpt50   CPT(50%)
     * @param cpt80   CPT(80%)
     */
    public record PairCurve(String strong, String weak, List<double[]> curve, double strongQuality, double weakQuality,
                            double apgr, double cpt50, double cpt80) {
    }

    /** A bootstrap confidence interval of a mean difference. */
    public record Interval(double estimate, double low, double high, double level, int resamples) {
    }

    /**
     * One bin of the reward-entropy analysis.
     *
     * @param low      lower edge of H(s) in nats
     * @param high     upper edge
     * @param queries  test queries in the bin
     * @param rmrScore mean RMR score of those queries, normalised to [0, 1] per subset scale
     * @param oracle   mean oracle score, same normalisation
     * @param zooter   mean Zooter score, same normalisation (NaN when Zooter did not run)
     */
    public record EntropyBin(double low, double high, int queries, double rmrScore, double oracle, double zooter) {
    }

    public List<String> groups() {
        return groupOfSubset.values().stream().distinct().toList();
    }

    /**
     * Share of the BMA → oracle gap that {@code method} closes in {@code group}: (method − BMA) / (oracle − BMA)
     * on the group averages; 0 = no better than BMA, 1 = as good as the oracle, negative = worse than BMA.
     * NaN when a method is missing or the oracle equals BMA.
     */
    public double gapClosed(String method, String group) {
        MethodResult m = method(method);
        MethodResult bma = method("bma");
        MethodResult oracle = method("oracle");
        if (m == null || bma == null || oracle == null) {
            return Double.NaN;
        }
        double b = bma.groups().get(group).average();
        double o = oracle.groups().get(group).average();
        double gap = o - b;
        return Math.abs(gap) > 1e-12 * Math.max(1, Math.abs(o)) ? (m.groups().get(group).average() - b) / gap : Double.NaN;
    }

    public MethodResult method(String name) {
        return methods.stream().filter(m -> m.method().equals(name)).findFirst().orElse(null);
    }
}
