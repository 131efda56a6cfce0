package dev.zooterj.nn.router;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.routing.Router;
import dev.zooterj.core.routing.RoutingMetric;
import dev.zooterj.data.Splits;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The default router: the best of several kinds on validation. Below {@link #DEFAULT_CV_BELOW} training rows by nested
 * k-fold cross-validation (see {@code crossValidated}); from there on a stratified share of the training rows is held
 * out, every candidate kind is tuned on its own grid ({@link Tuner#tuneStages}) on the rest and scored on the held-out
 * share by the routing metric (the macro mean over subsets), and the kept kind is refitted on all the training rows
 * with the settings it chose. Either way the first candidate is kept unless the best beats it by more than one standard
 * error ({@link #oneStandardError}). Test rows never take part. The candidates include the baselines a user tries first
 * ({@code best_single}, {@code task_best}, {@code cluster_best}, {@code knn}), so on validation the default is as good as
 * each of them, or within one standard error of it. The first is {@code best_single}: a router must earn its place
 * against always calling the best model, by more than the noise of the validation rows.
 *
 * <p>Saved as a directory whose {@code router.json} (kind {@code auto}) records the table of candidates, with the
 * chosen router in {@code chosen/}.
 */
public final class AutoKind implements RouterKind<AutoKind.Settings> {
    public static final String NAME = "auto";
    static final String CHOSEN_DIR = "chosen";
    /** The kinds tried by default. */
    public static final List<String> DEFAULT_CANDIDATES = List.of(BestSingleKind.NAME, TaskBestKind.NAME, ClusterBestKind.NAME, KnnKind.NAME,
            ZooterKind.NAME, ExpectedScoreKind.NAME, HierarchicalKind.NAME);
    /**
     * Training rows from which one hold-out replaces cross-validation. Nested cross-validation tunes every candidate
     * four times; on RouterDC's 7,598 rows that is hours on two cores, while a 20 % hold-out there already holds 1,520
     * rows (on an AlpacaEval fold, 640 rows, it would hold 128, too few: there cross-validation stays).
     */
    public static final int DEFAULT_CV_BELOW = 2000;

    /**
     * @param candidates kinds to choose among; the first is the reference of the one-standard-error rule
     * @param validation held-out share of the training rows (with one hold-out)
     * @param folds      k &gt; 1: choose the kind by stratified k-fold cross-validation (each candidate tuned and fitted on
     *                   every fold's training part, scored on all the training rows out of fold); 1: one hold-out
     * @param cvBelow    cross-validate only below this many training rows, else one hold-out (0: always as {@code folds} says)
     * @param seed       seeds the hold-out or folds and every candidate
     */
    public record Settings(List<String> candidates, double validation, int folds, int cvBelow, long seed) implements KindSettings<Settings> {
        public Settings {
            candidates = List.copyOf(candidates);
            if (candidates.isEmpty()) {
                throw new IllegalArgumentException("setting 'candidates': expected at least one kind");
            }
        }

        @Override
        public Map<String, String> values() {
            Map<String, String> v = new LinkedHashMap<>();
            v.put("candidates", String.join(",", candidates));
            v.put("validation", String.valueOf(validation));
            v.put("folds", String.valueOf(folds));
            v.put("cvBelow", String.valueOf(cvBelow));
            v.put("seed", String.valueOf(seed));
            return v;
        }

        @Override
        public Settings with(String name, String value) {
            return switch (name) {
                case "candidates" -> {
                    List<String> c = Arrays.stream(value.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
                    for (String k : c) {
                        if (k.equals(NAME) || !RouterKinds.names().contains(k)) {
                            throw new IllegalArgumentException("setting 'candidates': unknown or unusable kind '" + k + "'; expected some of "
                                    + RouterKinds.names().stream().filter(n -> !n.equals(NAME)).toList());
                        }
                    }
                    yield new Settings(c, validation, folds, cvBelow, seed);
                }
                case "validation" -> new Settings(candidates, KindSettings.parseDouble(name, value, 0.01, 0.9), folds, cvBelow, seed);
                case "folds" -> new Settings(candidates, validation, KindSettings.parseInt(name, value, 1), cvBelow, seed);
                case "cvBelow" -> new Settings(candidates, validation, folds, KindSettings.parseInt(name, value, 0), seed);
                case "seed" -> new Settings(candidates, validation, folds, cvBelow, KindSettings.parseLong(name, value));
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
        return "the best of " + DEFAULT_CANDIDATES + " on validation (3-fold cross-validation below " + DEFAULT_CV_BELOW
                + " training rows, one 20 % hold-out above), each tuned on its own grid; the first kept unless beaten by more than "
                + "one standard error (the default)";
    }

    @Override
    public Settings defaults() {
        return new Settings(DEFAULT_CANDIDATES, 0.2, 3, DEFAULT_CV_BELOW, 42);
    }

    @Override
    public Map<String, List<String>> validationGrid() {
        return Map.of();
    }

    @Override
    public FittedRouter fit(RewardDataset train, Settings s, KindContext context) {
        if (s.folds() > 1 && (s.cvBelow() == 0 || train.size() < s.cvBelow())) {
            return crossValidated(train, s, context);
        }
        Splits.TrainValTest split = Splits.trainValTest(train, s.validation(), 0, s.seed());
        if (split.validation().size() == 0 || split.train().size() == 0) {
            throw new IllegalArgumentException("auto: " + train.size() + " training rows are too few to hold out a " + s.validation()
                    + " validation share");
        }
        List<Tuning.Candidate> rows = new ArrayList<>();
        List<FittedRouter> fits = new ArrayList<>();
        RewardDataset held = split.validation();
        double[][] perRow = new double[s.candidates().size()][];
        int best = -1;
        for (int k = 0; k < s.candidates().size(); k++) {
            String name = s.candidates().get(k);
            Map<String, String> c = new LinkedHashMap<>();
            c.put("kind", name);
            double score;
            String note = "";
            FittedRouter f = null;
            try {
                progress(context, "auto: tuning " + name + " (" + (k + 1) + "/" + s.candidates().size() + ") on " + split.train().size()
                        + " rows, scoring it on " + held.size() + " held-out rows");
                f = tuned(RouterKinds.get(name), split.train(), s.seed(), context);
                perRow[k] = RoutingMetric.chosenScores(f.router(), held);
                score = RoutingMetric.macroMean(held, perRow[k], context.subsetWeights());
                c.put("settings", f.tuning().map(t -> chosenOnly(t)).orElse("defaults"));
            } catch (IllegalArgumentException e) {
                score = Double.NaN;
                note = e.getMessage();
            }
            rows.add(new Tuning.Candidate(c, score, note));
            fits.add(f);
            if (Double.isFinite(score) && (best < 0 || score > rows.get(best).score() + 1e-12)) {
                best = rows.size() - 1;
            }
        }
        if (best < 0) {
            throw new IllegalArgumentException("auto: no candidate kind could be fitted: " + rows.get(0).note());
        }
        Selection sel = oneStandardError(held, perRow, rows, best, context);
        Tuning tuning = new Tuning(Map.of("kind", s.candidates()), rows, sel.chosen(), s.validation(), held.size(), s.seed(), 1,
                sel.text()).withObjective(context.subsetWeights());
        best = sel.chosen();
        FittedRouter winner = fits.get(best);
        FittedRouter refit = RouterKinds.get(winner.kind()).fit(train, winner.settings().values(), context);
        if (winner.tuning().isPresent()) {
            refit = refit.withTuning(winner.tuning().get());
        }
        return new Fitted(refit, s, tuning);
    }

    /**
     * Nested cross-validation: on each of k stratified folds every candidate is tuned on its own grid (inner hold-out) on
     * the fold's training part and routes the fold's held-out rows; a candidate's score is the macro mean over all the
     * training rows of these out-of-fold choices. The winner is tuned again on all the rows. One 10 % hold-out (63 rows
     * on an AlpacaEval fold) picked kinds nearly at random; every row counts here.
     */
    private FittedRouter crossValidated(RewardDataset train, Settings s, KindContext context) {
        if (train.size() < 2L * s.folds()) {
            throw new IllegalArgumentException("auto: " + train.size() + " training rows are too few for " + s.folds() + "-fold cross-validation");
        }
        int n = s.candidates().size();
        List<List<String>> settingsPerFold = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            settingsPerFold.add(new ArrayList<>());
        }
        Tuner.OutOfFold oof = Tuner.outOfFold(train, Splits.kFold(train, s.folds(), s.seed()), n, (c, rows) -> {
            progress(context, "auto: tuning " + s.candidates().get(c) + " (" + (c + 1) + "/" + n + ") on " + rows.size()
                    + " rows of a fold");
            FittedRouter f = tuned(RouterKinds.get(s.candidates().get(c)), rows, s.seed(), context);
            settingsPerFold.get(c).add(f.tuning().map(AutoKind::chosenOnly).orElse("defaults"));
            return f;
        });
        double[][] chosen = oof.scores();
        String[] notes = oof.notes();
        List<Tuning.Candidate> rows = new ArrayList<>();
        int best = -1;
        for (int c = 0; c < n; c++) {
            Map<String, String> cand = new LinkedHashMap<>();
            cand.put("kind", s.candidates().get(c));
            cand.put("settings", notes[c] == null ? String.join(" | ", settingsPerFold.get(c)) : "");
            double score = notes[c] == null ? RoutingMetric.macroMean(train, chosen[c], context.subsetWeights()) : Double.NaN;
            rows.add(new Tuning.Candidate(cand, score, notes[c] == null ? "" : notes[c]));
            if (Double.isFinite(score) && (best < 0 || score > rows.get(best).score() + 1e-12)) {
                best = c;
            }
        }
        if (best < 0) {
            throw new IllegalArgumentException("auto: no candidate kind could be fitted: " + rows.get(0).note());
        }
        Selection sel = oneStandardError(train, chosen, rows, best, context);
        best = sel.chosen();
        Tuning tuning = new Tuning(Map.of("kind", s.candidates()), rows, best, 1.0, train.size(), s.seed(), s.folds(), sel.text())
                .withObjective(context.subsetWeights());
        FittedRouter winner = tuned(RouterKinds.get(s.candidates().get(best)), train, s.seed(), context);
        return new Fitted(winner, s, tuning);
    }

    /** The kept candidate and, when the one-standard-error rule kept the first instead of the best, why. */
    record Selection(int chosen, String text) {
    }

    /**
     * The one-standard-error rule ({@link Tuner}'s, with the first candidate in the role of the default): the first
     * candidate is kept unless the best beats it by more than one standard error of the paired per-row difference of
     * their validation scores ({@link RoutingMetric#macroMeanStandardError}). On RouterDC the kinds' scores lie within
     * a few tenths of a point, mostly a few rows of its smallest subset, and the plain best is chosen by noise.
     *
     * @param rows   the rows scored (the hold-out, or all the training rows out of fold)
     * @param perRow per candidate, the score of its choice on each row (null for a candidate that failed)
     */
    static Selection oneStandardError(RewardDataset rows, double[][] perRow, List<Tuning.Candidate> table, int best, KindContext context) {
        int reference = 0;
        if (best == reference || perRow[reference] == null || !Double.isFinite(table.get(reference).score())) {
            return new Selection(best, "");
        }
        double gain = table.get(best).score() - table.get(reference).score();
        double se = Tuner.pairedStandardError(rows, perRow[best], perRow[reference], context.subsetWeights());
        if (gain > se) {
            return new Selection(best, "");
        }
        return new Selection(reference, String.format(Locale.ROOT, "the first candidate kept: the best, %s (%.4f), is %.4f above it, "
                + "within one standard error of the paired difference (%.4f)", table.get(best).settings().get("kind"),
                table.get(best).score(), gain, se));
    }

    private static void progress(KindContext context, String line) {
        context.listener().stage(line);
    }

    private static String chosenOnly(Tuning t) {
        StringBuilder sb = new StringBuilder();
        t.best().settings().forEach((k, v) -> sb.append(sb.length() == 0 ? "" : " ").append(k).append('=').append(v));
        return sb.toString();
    }

    private static <S extends KindSettings<S>> FittedRouter tuned(RouterKind<S> kind, RewardDataset rows, long seed, KindContext context) {
        S base = kind.defaults().with("seed", String.valueOf(seed));
        return Tuner.tuneStages(kind, base, kind.validationStages(), Tuner.DEFAULT_VALIDATION, rows, context, null);
    }

    @Override
    public Router load(Path dir, JsonNode manifest, KindContext context) {
        return RouterKinds.load(dir.resolve(CHOSEN_DIR), context);
    }

    /** The kind chosen by an auto router saved in {@code dir}. */
    public static String chosenKind(Path dir) {
        return RouterKinds.kindOf(dir.resolve(CHOSEN_DIR));
    }

    /**
     * @param chosen the winner, refitted on all the training rows
     * @param table  the candidates' validation scores
     */
    public record Fitted(FittedRouter chosen, Settings settings, Tuning table) implements FittedRouter {
        @Override
        public String kind() {
            return NAME;
        }

        @Override
        public Router router() {
            return chosen.router();
        }

        @Override
        public String summary() {
            StringBuilder sb = new StringBuilder("chose " + chosen.kind() + " on validation (");
            for (int i = 0; i < table.candidates().size(); i++) {
                Tuning.Candidate c = table.candidates().get(i);
                sb.append(i == 0 ? "" : ", ").append(c.settings().get("kind")).append(' ')
                        .append(Double.isFinite(c.score()) ? String.format(Locale.ROOT, "%.4f", c.score()) : "failed");
            }
            return sb.append("); ").append(chosen.summary()).toString();
        }

        @Override
        public Optional<Tuning> tuning() {
            return Optional.of(table);
        }

        @Override
        public FittedRouter withTuning(Tuning tuning) {
            return new Fitted(chosen, settings, tuning);
        }

        @Override
        public void save(Path dir) {
            EmbeddingRouterStore.saveComposite(dir, this, chosen.router().models(), Map.of(CHOSEN_DIR, chosen),
                    m -> m.put("chosen", chosen.kind()));
        }
    }
}
