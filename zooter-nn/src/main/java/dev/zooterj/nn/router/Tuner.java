package dev.zooterj.nn.router;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.routing.RoutingMetric;
import dev.zooterj.data.Splits;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Chooses any kind's settings on validation, as scikit-learn's {@code GridSearchCV} with one hold-out: a stratified
 * share of the training rows (by subset, seeded with the settings' seed) is held out, every combination of the grid is
 * fitted on the rest and scored on it by {@link RoutingMetric#macroMean} (the macro mean over subsets that test reports
 * use), and the best — the first in grid order on a tie — is refitted on all the training rows. Only the rows given are
 * read: test rows never take part.
 */
public final class Tuner {
    /** Held-out share of the training rows, by default. */
    public static final double DEFAULT_VALIDATION = 0.1;

    /** Progress: one line per candidate. */
    public interface Listener {
        void candidate(Map<String, String> settings, double score, int done, int total);
    }

    private Tuner() {
    }

    /** Tunes the kind's own {@link RouterKind#validationGrid()}; with an empty grid, a plain fit. */
    public static <S extends KindSettings<S>> FittedRouter tune(RouterKind<S> kind, S base, RewardDataset train, KindContext context,
                                                                Listener listener) {
        return tune(kind, base, kind.validationGrid(), DEFAULT_VALIDATION, train, context, listener);
    }

    public static <S extends KindSettings<S>> FittedRouter tune(RouterKind<S> kind, S base, Map<String, List<String>> grid,
                                                                double validationFraction, RewardDataset train, KindContext context,
                                                                Listener listener) {
        if (grid.isEmpty()) {
            return kind.fit(train, base, context);
        }
        List<Map<String, String>> combinations = combinations(grid);
        if (kind.validationFolds() > 1 && train.size() >= 2L * kind.validationFolds()) {
            return crossValidate(kind, base, grid, combinations, kind.validationFolds(), train, context, listener);
        }
        Splits.TrainValTest split = Splits.trainValTest(train, validationFraction, 0, base.seed());
        if (split.validation().size() == 0 || split.train().size() == 0) {
            throw new IllegalArgumentException(kind.name() + ": " + train.size() + " training rows are too few to hold out a "
                    + validationFraction + " validation share");
        }
        List<Tuning.Candidate> rows = new ArrayList<>();
        int best = -1;
        for (Map<String, String> c : combinations) {
            double score;
            String note = "";
            try {
                FittedRouter f = kind.fit(split.train(), base.with(c), context);
                score = RoutingMetric.macroMean(f.router(), split.validation(), context.subsetWeights());
            } catch (IllegalArgumentException e) {
                score = Double.NaN;
                note = e.getMessage();
            }
            rows.add(new Tuning.Candidate(c, score, note));
            if (Double.isFinite(score) && (best < 0 || score > rows.get(best).score() + 1e-12)) {
                best = rows.size() - 1;
            }
            if (listener != null) {
                listener.candidate(c, score, rows.size(), combinations.size());
            }
        }
        if (best < 0) {
            throw new IllegalArgumentException(kind.name() + ": no setting of the grid " + grid + " could be fitted: " + rows.get(0).note());
        }
        Tuning tuning = new Tuning(grid, rows, best, validationFraction, split.validation().size(), base.seed())
                .withObjective(context.subsetWeights());
        return kind.fit(train, base.with(rows.get(best).settings()), context).withTuning(tuning);
    }

    /**
     * Stratified k-fold cross-validation (seeded with the settings' seed): every combination is fitted on each fold's
     * training part and routes that fold's held-out rows; its score is the macro mean over all the training rows of
     * these out-of-fold choices. The best (the first on a tie) is refitted on all the rows — unless the base settings
     * (the kind's defaults where not set) are a candidate and the best beats them by no more than one standard error
     * of the paired difference of the out-of-fold scores ({@link RoutingMetric#macroMeanStandardError}): then the
     * default is kept, the one-standard-error rule of Hastie, Tibshirani and Friedman (ESL §7.10) with the default in
     * the role of the simplest model. Candidates that differ on a few rows of a small subset then cannot replace a
     * default by noise alone.
     */
    static <S extends KindSettings<S>> FittedRouter crossValidate(RouterKind<S> kind, S base, Map<String, List<String>> grid,
                                                                  List<Map<String, String>> combinations, int k, RewardDataset train,
                                                                  KindContext context, Listener listener) {
        OutOfFold oof = outOfFold(train, Splits.kFold(train, k, base.seed()), combinations.size(),
                (c, rows) -> kind.fit(rows, base.with(combinations.get(c)), context));
        double[][] chosen = oof.scores();
        String[] notes = oof.notes();
        List<Tuning.Candidate> rows = new ArrayList<>();
        int best = -1;
        for (int c = 0; c < combinations.size(); c++) {
            double score = notes[c] == null ? RoutingMetric.macroMean(train, chosen[c], context.subsetWeights()) : Double.NaN;
            rows.add(new Tuning.Candidate(combinations.get(c), score, notes[c] == null ? "" : notes[c]));
            if (Double.isFinite(score) && (best < 0 || score > rows.get(best).score() + 1e-12)) {
                best = c;
            }
            if (listener != null) {
                listener.candidate(combinations.get(c), score, c + 1, combinations.size());
            }
        }
        if (best < 0) {
            throw new IllegalArgumentException(kind.name() + ": no setting of the grid " + grid + " could be fitted: " + rows.get(0).note());
        }
        String selection = "";
        int reference = defaultCandidate(base, combinations);
        if (reference >= 0 && reference != best && Double.isFinite(rows.get(reference).score())) {
            double se = pairedStandardError(train, chosen[best], chosen[reference], context.subsetWeights());
            double gain = rows.get(best).score() - rows.get(reference).score();
            if (gain <= se) {
                selection = String.format(java.util.Locale.ROOT, "the default kept: the best, %s (%.4f), is %.4f above it, within one "
                        + "standard error of the paired difference (%.4f)", Tuning.settingsText(rows.get(best).settings()),
                        rows.get(best).score(), gain, se);
                best = reference;
            }
        }
        Tuning tuning = new Tuning(grid, rows, best, 1.0, train.size(), base.seed(), k, selection)
                .withObjective(context.subsetWeights());
        return kind.fit(train, base.with(rows.get(best).settings()), context).withTuning(tuning);
    }

    /**
     * The standard error of the difference of two candidates' macro means on the same rows, from their per-row scores
     * (the paired difference; {@link RoutingMetric#macroMeanStandardError}): the yardstick of the one-standard-error
     * rule here and in {@link AutoKind}.
     */
    static double pairedStandardError(RewardDataset rows, double[] a, double[] b, Map<String, Double> weights) {
        double[] difference = new double[rows.size()];
        for (int i = 0; i < difference.length; i++) {
            difference[i] = a[i] - b[i];
        }
        return RoutingMetric.macroMeanStandardError(rows, difference, weights);
    }

    /** The combination that the base settings already hold (the kind's defaults unless set), or -1. */
    static <S extends KindSettings<S>> int defaultCandidate(S base, List<Map<String, String>> combinations) {
        Map<String, String> values = base.values();
        for (int c = 0; c < combinations.size(); c++) {
            boolean same = true;
            for (Map.Entry<String, String> e : combinations.get(c).entrySet()) {
                same &= e.getValue().equals(values.get(e.getKey()));
            }
            if (same) {
                return c;
            }
        }
        return -1;
    }

    /** Per candidate, each training row's evaluation score of the model routed by the fit that did not see it. */
    record OutOfFold(double[][] scores, String[] notes) {
    }

    /** Fits candidate {@code c} on a fold's training rows. */
    interface FoldFit {
        FittedRouter fit(int candidate, RewardDataset rows);
    }

    /**
     * Every candidate fitted on each fold's training part and routing that fold's held-out rows; a candidate whose fit
     * fails (an {@link IllegalArgumentException}) is noted and skipped from then on.
     */
    static OutOfFold outOfFold(RewardDataset train, List<Splits.Fold> folds, int candidates, FoldFit fit) {
        Map<String, Integer> position = new java.util.HashMap<>();
        for (int i = 0; i < train.size(); i++) {
            position.put(train.records().get(i).id(), i);
        }
        double[][] chosen = new double[candidates][train.size()];
        String[] notes = new String[candidates];
        for (Splits.Fold fold : folds) {
            List<String> queries = fold.test().records().stream().map(dev.zooterj.core.data.RewardRecord::query).toList();
            for (int c = 0; c < candidates; c++) {
                if (notes[c] != null) {
                    continue;
                }
                try {
                    var ds = fit.fit(c, fold.train()).router().route(queries);
                    for (int i = 0; i < ds.size(); i++) {
                        var r = fold.test().records().get(i);
                        chosen[c][position.get(r.id())] = r.evaluationScores()[ds.get(i).chosen()];
                    }
                } catch (IllegalArgumentException e) {
                    notes[c] = e.getMessage();
                }
            }
        }
        return new OutOfFold(chosen, notes);
    }

    /**
     * Chooses settings stage by stage on one hold-out (a coordinate search, cheaper than the full product of the
     * stages' grids): every combination of the first stage's grid is fitted on the training rows minus the hold-out and
     * scored on it, the best is kept, then the next stage's grid is searched with the earlier choices fixed, and so on;
     * the final choice is refitted on all the training rows. A combination already scored is not fitted again. The
     * recorded grid is the union of the stages; each candidate lists every setting chosen so far and its own values.
     * Stages whose settings are all absent (fixed by the caller, say) are skipped; with none left, a plain fit.
     */
    public static <S extends KindSettings<S>> FittedRouter tuneStages(RouterKind<S> kind, S base, List<Map<String, List<String>>> stages,
                                                                      double validationFraction, RewardDataset train,
                                                                      KindContext context, Listener listener) {
        List<Map<String, List<String>>> live = stages.stream().filter(g -> !g.isEmpty()).toList();
        if (live.isEmpty()) {
            return kind.fit(train, base, context);
        }
        if (live.size() == 1) {
            return tune(kind, base, live.get(0), validationFraction, train, context, listener);
        }
        Splits.TrainValTest split = Splits.trainValTest(train, validationFraction, 0, base.seed());
        if (split.validation().size() == 0 || split.train().size() == 0) {
            throw new IllegalArgumentException(kind.name() + ": " + train.size() + " training rows are too few to hold out a "
                    + validationFraction + " validation share");
        }
        Map<String, List<String>> union = new LinkedHashMap<>();
        int total = 0;
        for (Map<String, List<String>> g : live) {
            g.forEach((k, v) -> union.merge(k, v, (a, b) -> {
                List<String> m = new ArrayList<>(a);
                b.stream().filter(x -> !m.contains(x)).forEach(m::add);
                return m;
            }));
            total += combinations(g).size();
        }
        List<Tuning.Candidate> rows = new ArrayList<>();
        Map<Object, Integer> seen = new java.util.HashMap<>();
        Map<String, String> chosen = new LinkedHashMap<>();
        int best = -1;
        int done = 0;
        for (Map<String, List<String>> g : live) {
            int stageBest = -1;
            for (Map<String, String> c : combinations(g)) {
                Map<String, String> full = new LinkedHashMap<>(chosen);
                full.putAll(c);
                done++;
                Object key;
                try {
                    key = base.with(full).values();   // the same settings however the grid spells them
                } catch (IllegalArgumentException e) {
                    key = full;
                }
                Integer earlier = seen.get(key);
                int index;
                if (earlier != null) {
                    index = earlier;
                } else {
                    double score;
                    String note = "";
                    try {
                        FittedRouter f = kind.fit(split.train(), base.with(full), context);
                        score = RoutingMetric.macroMean(f.router(), split.validation(), context.subsetWeights());
                    } catch (IllegalArgumentException e) {
                        score = Double.NaN;
                        note = e.getMessage();
                    }
                    rows.add(new Tuning.Candidate(new LinkedHashMap<>(full), score, note));
                    index = rows.size() - 1;
                    seen.put(key, index);
                    if (listener != null) {
                        listener.candidate(full, score, done, total);
                    }
                }
                double score = rows.get(index).score();
                if (Double.isFinite(score) && (stageBest < 0 || score > rows.get(stageBest).score() + 1e-12)) {
                    stageBest = index;
                }
            }
            if (stageBest < 0) {
                throw new IllegalArgumentException(kind.name() + ": no setting of the grid " + g + " could be fitted: "
                        + rows.get(rows.size() - 1).note());
            }
            chosen = new LinkedHashMap<>(rows.get(stageBest).settings());
            best = stageBest;
        }
        Tuning tuning = new Tuning(union, rows, best, validationFraction, split.validation().size(), base.seed())
                .withObjective(context.subsetWeights());
        return kind.fit(train, base.with(rows.get(best).settings()), context).withTuning(tuning);
    }

    /** The kind's {@link RouterKind#validationStages()} without the settings in {@code fixed}; empty stages dropped. */
    public static List<Map<String, List<String>>> stagesWithout(RouterKind<?> kind, java.util.Set<String> fixed) {
        List<Map<String, List<String>>> out = new ArrayList<>();
        for (Map<String, List<String>> g : kind.validationStages()) {
            Map<String, List<String>> m = new LinkedHashMap<>();
            g.forEach((k, v) -> {
                if (!fixed.contains(k)) {
                    m.put(k, v);
                }
            });
            if (!m.isEmpty()) {
                out.add(m);
            }
        }
        return out;
    }

    /** Every combination of the grid's values, the last setting varying fastest. */
    static List<Map<String, String>> combinations(Map<String, List<String>> grid) {
        List<Map<String, String>> out = new ArrayList<>();
        out.add(new LinkedHashMap<>());
        for (Map.Entry<String, List<String>> e : grid.entrySet()) {
            if (e.getValue().isEmpty()) {
                throw new IllegalArgumentException("grid setting '" + e.getKey() + "' has no values");
            }
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> partial : out) {
                for (String v : e.getValue()) {
                    Map<String, String> m = new LinkedHashMap<>(partial);
                    m.put(e.getKey(), v);
                    next.add(m);
                }
            }
            out = next;
        }
        return out;
    }
}
