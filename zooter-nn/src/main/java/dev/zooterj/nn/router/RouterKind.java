package dev.zooterj.nn.router;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.routing.Router;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A named learned routing method, as a router in RouteLLM's registry or an estimator in scikit-learn: it fits on
 * training rows with its {@link KindSettings} and yields a {@link Router}, and it loads what it saved from a router
 * directory whose {@code router.json} names it. {@link RouterKinds} lists every kind; {@code train --kind}, {@code
 * route}, {@code evaluate}, {@code bench --methods} and {@code serve} reach them only through it, so a new method
 * is one new class registered there.
 *
 * <p>Fitting reads only the rows it is given: whatever a kind chooses on validation it holds out of those rows.
 *
 * @param <S> the kind's settings
 */
public interface RouterKind<S extends KindSettings<S>> {
    /** The registry name, e.g. {@code zooter}, {@code knn}. */
    String name();

    /** One line for {@code --help} and error messages. */
    String description();

    /** The default settings (seed 42). */
    S defaults();

    /**
     * The settings {@code bench} chooses on a validation hold-out by default, each with its candidate values (empty:
     * nothing to choose; the defaults are used).
     */
    Map<String, List<String>> validationGrid();

    /**
     * The validation grid as stages searched one after another by {@link Tuner#tuneStages} (the best of a stage is
     * fixed before the next is searched); by default one stage, the whole {@link #validationGrid()}. A kind whose
     * full product would be too slow to fit (Zooter) splits it here.
     */
    default List<Map<String, List<String>>> validationStages() {
        Map<String, List<String>> g = validationGrid();
        return g.isEmpty() ? List.of() : List.of(g);
    }

    /**
     * Folds of the {@link Tuner}'s search over a one-stage grid: 1 (the default) holds out one stratified share of the
     * training rows; k &gt; 1 cross-validates (k fits per candidate, every training row scored once), for a kind whose
     * candidates are cheap to fit and too close for one hold-out to tell apart.
     */
    default int validationFolds() {
        return 1;
    }

    FittedRouter fit(RewardDataset train, S settings, KindContext context);

    /** Loads a router this kind saved to {@code dir}; {@code manifest} is its parsed {@code router.json}. */
    Router load(Path dir, JsonNode manifest, KindContext context);

    /** Fits with the defaults changed by name ({@link KindSettings#with(Map)}). */
    default FittedRouter fit(RewardDataset train, Map<String, String> changes, KindContext context) {
        return fit(train, defaults().with(changes), context);
    }
}
