package dev.zooterj.nn.router;

import java.util.List;
import java.util.Map;

/**
 * How a router's settings were chosen: every candidate of the grid fitted on the training rows minus a stratified
 * validation hold-out, scored there by the routing metric (the macro mean over subsets of the routed model's
 * evaluation score), the best kept (the first on a tie) and refitted on all the training rows.
 *
 * @param grid               setting → candidate values
 * @param candidates         one row per combination, in grid order
 * @param chosen             index of the kept candidate
 * @param validationFraction share of the training rows held out
 * @param validationRows     rows held out
 * @param seed               seed of the hold-out
 * @param folds              1 for one hold-out; k for stratified k-fold cross-validation, whose score is the macro mean
 *                           over all the training rows, each routed by the fit that did not see it (validationRows is
 *                           then every training row and validationFraction 1)
 * @param selection          how the kept candidate was picked when it is not simply the best score (the default kept
 *                           within one standard error of the best, see {@link Tuner}); empty otherwise
 * @param objective          the subsets' weights in the validation metric (a subset not named weighs 1; empty: the
 *                           plain macro mean)
 */
public record Tuning(Map<String, List<String>> grid, List<Candidate> candidates, int chosen, double validationFraction,
                     int validationRows, long seed, int folds, String selection, Map<String, Double> objective) {
    public Tuning {
        objective = Map.copyOf(objective);
    }

    public Tuning(Map<String, List<String>> grid, List<Candidate> candidates, int chosen, double validationFraction, int validationRows,
                  long seed) {
        this(grid, candidates, chosen, validationFraction, validationRows, seed, 1, "", Map.of());
    }

    public Tuning(Map<String, List<String>> grid, List<Candidate> candidates, int chosen, double validationFraction, int validationRows,
                  long seed, int folds) {
        this(grid, candidates, chosen, validationFraction, validationRows, seed, folds, "", Map.of());
    }

    public Tuning(Map<String, List<String>> grid, List<Candidate> candidates, int chosen, double validationFraction, int validationRows,
                  long seed, int folds, String selection) {
        this(grid, candidates, chosen, validationFraction, validationRows, seed, folds, selection, Map.of());
    }

    /** The same tuning, scored with these subset weights. */
    public Tuning withObjective(Map<String, Double> weights) {
        return new Tuning(grid, candidates, chosen, validationFraction, validationRows, seed, folds, selection, weights);
    }

    /**
     * @param settings the grid's settings for this candidate
     * @param score    validation macro mean, NaN when the candidate could not be fitted
     * @param note     why it could not be fitted, else empty
     */
    public record Candidate(Map<String, String> settings, double score, String note) {
    }

    public Candidate best() {
        return candidates.get(chosen);
    }

    /** "k=50 (validation 0.5432 of 6 candidates)". */
    public String describe() {
        StringBuilder sb = new StringBuilder(settingsText(best().settings()));
        if (folds > 1) {
            return sb + String.format(java.util.Locale.ROOT, " (validation %.4f, %s of %d by %d-fold cross-validation on %d rows%s)",
                    best().score(), selection.isEmpty() ? "best" : "kept", candidates.size(), folds, validationRows,
                    selection.isEmpty() ? "" : "; " + selection);
        }
        return sb + String.format(java.util.Locale.ROOT, " (validation %.4f, best of %d on %d held-out rows)",
                best().score(), candidates.size(), validationRows);
    }

    /** "k=50, alpha=0": a candidate's settings as text. */
    static String settingsText(Map<String, String> settings) {
        StringBuilder sb = new StringBuilder();
        settings.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append('=').append(v));
        return sb.toString();
    }
}
