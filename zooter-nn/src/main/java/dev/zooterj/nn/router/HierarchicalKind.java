package dev.zooterj.nn.router;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.core.label.ProbabilityVectors;
import dev.zooterj.core.routing.Estimate;
import dev.zooterj.core.routing.EstimatingRouter;
import dev.zooterj.core.routing.Estimator;
import dev.zooterj.core.routing.Router;
import dev.zooterj.core.routing.RoutingMetric;
import dev.zooterj.data.Splits;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Hierarchical routing: a prior from a level table — the predicted task's best model ({@code task_best}) or the
 * query's cluster's ({@code cluster_best}) — and a per-query correction from a head ({@code expected_score} where the
 * rows carry scores, else {@code zooter}). The router leaves the prior's model p only when the head's predicted gain
 * of its own argmax h over p exceeds a margin:
 * <pre>  route(q) = h  if head(q)[h] − head(q)[p] &gt; margin,  else p</pre>
 * The margin (a grid including +∞, never leave) and which prior are chosen on a stratified validation hold-out of the
 * training rows, on which the prior and the head are fitted without it; so on that hold-out the router is never worse
 * than its prior, by construction. Prior and head are each tuned on their own grids by the {@link Tuner} on the rows
 * they are fitted on, then refitted on all the training rows with the settings chosen.
 *
 * <p>The estimate is the head's values with the prior's model raised by the margin (the prior's table when the margin
 * is +∞), so the argmax policy applies the margin rule; its kind is expected scores even over a Zooter head, whose
 * values are then probabilities.
 */
public final class HierarchicalKind implements RouterKind<HierarchicalKind.Settings> {
    public static final String NAME = "hierarchical";
    static final String PRIOR_DIR = "prior";
    static final String HEAD_DIR = "head";
    /** Margins tried on validation, most conservative first (so a tie keeps the prior more often). */
    static final List<Double> MARGINS = List.of(Double.POSITIVE_INFINITY, 0.3, 0.2, 0.15, 0.1, 0.07, 0.05, 0.03, 0.02, 0.01, 0.0);

    /**
     * @param prior      auto (chosen on validation), task_best or cluster_best
     * @param margin     the margin, or NaN = chosen on validation (+∞: never leave the prior)
     * @param head       auto (expected_score when every training row carries scores, else zooter), expected_score or zooter
     * @param tuneParts  tune the prior's and the head's own grids (else their defaults)
     * @param validation share of the training rows held out to choose the prior and the margin
     * @param seed       seeds the hold-out and the parts
     */
    public record Settings(String prior, double margin, String head, boolean tuneParts, double validation, long seed)
            implements KindSettings<Settings> {
        static final List<String> PRIORS = List.of("auto", TaskBestKind.NAME, ClusterBestKind.NAME);
        static final List<String> HEADS = List.of("auto", ExpectedScoreKind.NAME, ZooterKind.NAME);

        @Override
        public Map<String, String> values() {
            Map<String, String> v = new LinkedHashMap<>();
            v.put("prior", prior);
            v.put("margin", formatMargin(margin));
            v.put("head", head);
            v.put("tune-parts", String.valueOf(tuneParts));
            v.put("validation", String.valueOf(validation));
            v.put("seed", String.valueOf(seed));
            return v;
        }

        @Override
        public Settings with(String name, String value) {
            return switch (name) {
                case "prior" -> new Settings(KindSettings.oneOf(name, value, PRIORS), margin, head, tuneParts, validation, seed);
                case "margin" -> new Settings(prior, parseMargin(value), head, tuneParts, validation, seed);
                case "head" -> new Settings(prior, margin, KindSettings.oneOf(name, value, HEADS), tuneParts, validation, seed);
                case "tune-parts" -> new Settings(prior, margin, head, KindSettings.parseBoolean(name, value), validation, seed);
                case "validation" -> new Settings(prior, margin, head, tuneParts, KindSettings.parseDouble(name, value, 0.01, 0.9), seed);
                case "seed" -> new Settings(prior, margin, head, tuneParts, validation, KindSettings.parseLong(name, value));
                default -> throw KindSettings.unknown(NAME, name, values());
            };
        }

        static double parseMargin(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            if (v.equals("auto")) {
                return Double.NaN;
            }
            if (v.equals("inf") || v.equals("infinity") || v.equals("+inf")) {
                return Double.POSITIVE_INFINITY;
            }
            return KindSettings.parseDouble("margin", value, 0, Double.MAX_VALUE);
        }

        static String formatMargin(double m) {
            return Double.isNaN(m) ? "auto" : Double.isInfinite(m) ? "inf" : String.valueOf(m);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "a task or cluster prior's model, left only when a head's predicted gain exceeds a margin chosen on validation";
    }

    @Override
    public Settings defaults() {
        return new Settings("auto", Double.NaN, "auto", true, 0.1, 42);
    }

    /** Nothing for the {@link Tuner}: the prior and the margin are chosen inside {@link #fit} on its own hold-out. */
    @Override
    public Map<String, List<String>> validationGrid() {
        return Map.of();
    }

    @Override
    public FittedRouter fit(RewardDataset train, Settings s, KindContext context) {
        if (train.size() == 0) {
            throw new IllegalArgumentException("hierarchical needs training rows");
        }
        String headName = s.head().equals("auto")
                ? (train.records().stream().allMatch(r -> r.scores() != null) ? ExpectedScoreKind.NAME : ZooterKind.NAME) : s.head();
        List<String> priors = s.prior().equals("auto") ? List.of(TaskBestKind.NAME, ClusterBestKind.NAME) : List.of(s.prior());
        Tuning tuning = null;
        String prior = priors.get(0);
        double margin = s.margin();
        Map<String, Map<String, String>> chosenSettings = new LinkedHashMap<>();
        if (priors.size() > 1 || Double.isNaN(margin)) {
            Splits.TrainValTest split = Splits.trainValTest(train, s.validation(), 0, s.seed());
            if (split.validation().size() == 0 || split.train().size() == 0) {
                throw new IllegalArgumentException("hierarchical: " + train.size() + " training rows are too few to hold out a "
                        + s.validation() + " validation share");
            }
            RewardDataset fitRows = split.train();
            RewardDataset val = split.validation();
            List<String> queries = val.records().stream().map(RewardRecord::query).toList();
            FittedRouter head = part(headName, fitRows, s, context);
            chosenSettings.put(headName, head.settings().values());
            List<Estimate> headEst = estimatorOf(head.router()).estimate(queries);
            List<Double> margins = Double.isNaN(margin) ? MARGINS : List.of(margin);
            List<Tuning.Candidate> rows = new ArrayList<>();
            int best = -1;
            for (String p : priors) {
                FittedRouter pf = part(p, fitRows, s, context);
                chosenSettings.put(p, pf.settings().values());
                List<Estimate> priorEst = estimatorOf(pf.router()).estimate(queries);
                for (double m : margins) {
                    double[] got = new double[val.size()];
                    for (int i = 0; i < got.length; i++) {
                        int chosen = decide(priorEst.get(i).values(), headEst.get(i).values(), m);
                        got[i] = val.records().get(i).evaluationScores()[chosen];
                    }
                    Map<String, String> c = new LinkedHashMap<>();
                    c.put("prior", p);
                    c.put("margin", Settings.formatMargin(m));
                    rows.add(new Tuning.Candidate(c, RoutingMetric.macroMean(val, got, context.subsetWeights()), ""));
                    if (best < 0 || rows.get(rows.size() - 1).score() > rows.get(best).score() + 1e-12) {
                        best = rows.size() - 1;
                    }
                }
            }
            Map<String, List<String>> grid = new LinkedHashMap<>();
            grid.put("prior", priors);
            grid.put("margin", margins.stream().map(Settings::formatMargin).toList());
            tuning = new Tuning(grid, rows, best, s.validation(), val.size(), s.seed()).withObjective(context.subsetWeights());
            prior = rows.get(best).settings().get("prior");
            margin = Settings.parseMargin(rows.get(best).settings().get("margin"));
        }
        // refit on all the training rows: with the settings chosen on the hold-out where they were, else tuned here
        FittedRouter priorFit = chosenSettings.containsKey(prior) ? refit(prior, train, chosenSettings.get(prior), context)
                : part(prior, train, s, context);
        FittedRouter headFit = chosenSettings.containsKey(headName) ? refit(headName, train, chosenSettings.get(headName), context)
                : part(headName, train, s, context);
        Settings resolved = new Settings(prior, margin, headName, s.tuneParts(), s.validation(), s.seed());
        return new Fitted(train.models(), priorFit, headFit, resolved, tuning);
    }

    /** A part fitted on {@code rows}: its own grid tuned by the Tuner (nested hold-out) when asked, else its defaults. */
    private static FittedRouter part(String name, RewardDataset rows, Settings s, KindContext context) {
        return tunePart(RouterKinds.get(name), rows, s, context);
    }

    private static <S extends KindSettings<S>> FittedRouter tunePart(RouterKind<S> kind, RewardDataset rows, Settings s, KindContext context) {
        S base = kind.defaults().with("seed", String.valueOf(s.seed()));
        List<Map<String, List<String>>> stages = s.tuneParts() ? kind.validationStages() : List.of();
        return Tuner.tuneStages(kind, base, stages, Tuner.DEFAULT_VALIDATION, rows, context, null);
    }

    private static FittedRouter refit(String name, RewardDataset rows, Map<String, String> settings, KindContext context) {
        return RouterKinds.get(name).fit(rows, settings, context);
    }

    /** The margin rule: the head's argmax when its predicted gain over the prior's argmax exceeds the margin. */
    static int decide(double[] prior, double[] head, double margin) {
        int p = ProbabilityVectors.argmax(prior);
        int h = ProbabilityVectors.argmax(head);
        return head[h] - head[p] > margin ? h : p;
    }

    /** The estimator behind a router (every learned kind's router is one, or an {@link EstimatingRouter}). */
    static Estimator estimatorOf(Router r) {
        if (r instanceof EstimatingRouter e) {
            return e.estimator();
        }
        if (r instanceof Estimator e) {
            return e;
        }
        throw new IllegalArgumentException("hierarchical: a " + r.getClass().getSimpleName() + " gives no estimates");
    }

    static Router router(List<String> models, Router priorRouter, Router headRouter, double margin) {
        Estimator prior = estimatorOf(priorRouter);
        Estimator head = estimatorOf(headRouter);
        return EstimatingRouter.argmax(new Estimator() {
            @Override
            public List<String> models() {
                return models;
            }

            @Override
            public List<Estimate> estimate(List<String> queries) {
                List<Estimate> pe = prior.estimate(queries);
                if (Double.isInfinite(margin)) {
                    return pe.stream().map(e -> Estimate.expectedScores(models, e.values())).toList();
                }
                List<Estimate> he = head.estimate(queries);
                List<Estimate> out = new ArrayList<>(pe.size());
                for (int i = 0; i < pe.size(); i++) {
                    double[] pv = pe.get(i).values();
                    double[] hv = he.get(i).values();
                    int chosen = decide(pv, hv, margin);
                    double[] v = hv.clone();
                    int p = ProbabilityVectors.argmax(pv);
                    v[p] += margin;
                    if (chosen == p) {
                        // exactly at the margin the rule keeps the prior: make sure the argmax does too
                        double top = java.util.Arrays.stream(v).max().orElse(0);
                        v[p] = Math.max(v[p], Math.nextUp(top));
                    } else if (v[chosen] <= v[p]) {
                        v[chosen] = Math.nextUp(v[p]);
                    }
                    out.add(Estimate.expectedScores(models, v));
                }
                return out;
            }
        });
    }

    @Override
    public Router load(Path dir, JsonNode manifest, KindContext context) {
        List<String> models = EmbeddingRouterStore.models(dir, manifest);
        Settings s = EmbeddingRouterStore.settings(this, dir, manifest);
        if (Double.isNaN(s.margin()) || s.prior().equals("auto") || s.head().equals("auto")) {
            throw new IllegalArgumentException(dir.resolve(RouterStore.MANIFEST) + ": field 'settings': prior, margin and head must be resolved, got "
                    + s.values());
        }
        Router prior = RouterKinds.load(dir.resolve(PRIOR_DIR), context);
        Router head = RouterKinds.load(dir.resolve(HEAD_DIR), context);
        if (!prior.models().equals(models) || !head.models().equals(models)) {
            throw new IllegalArgumentException(dir + ": the prior and head routers must route over the models " + models);
        }
        return router(models, prior, head, s.margin());
    }

    private record Fitted(List<String> models, FittedRouter prior, FittedRouter head, Settings settings, Tuning tuningOrNull)
            implements FittedRouter {
        @Override
        public String kind() {
            return NAME;
        }

        @Override
        public Router router() {
            return HierarchicalKind.router(models, prior.router(), head.router(), settings.margin());
        }

        @Override
        public String summary() {
            return String.format(Locale.ROOT, "prior %s, head %s, margin %s; prior: %s; head: %s", settings.prior(), settings.head(),
                    Settings.formatMargin(settings.margin()), prior.summary(), head.summary());
        }

        @Override
        public Optional<Tuning> tuning() {
            return Optional.ofNullable(tuningOrNull);
        }

        @Override
        public FittedRouter withTuning(Tuning t) {
            return new Fitted(models, prior, head, settings, t);
        }

        @Override
        public void save(Path dir) {
            Map<String, FittedRouter> parts = new LinkedHashMap<>();
            parts.put(PRIOR_DIR, prior);
            parts.put(HEAD_DIR, head);
            EmbeddingRouterStore.saveComposite(dir, this, models, parts, m -> {
                m.put("prior", PRIOR_DIR + "/ (" + prior.kind() + ")");
                m.put("head", HEAD_DIR + "/ (" + head.kind() + ")");
            });
        }
    }
}
