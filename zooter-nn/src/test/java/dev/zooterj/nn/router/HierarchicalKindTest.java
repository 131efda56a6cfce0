package dev.zooterj.nn.router;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.core.routing.Estimate;
import dev.zooterj.core.routing.EstimatingRouter;
import dev.zooterj.core.routing.Estimator;
import dev.zooterj.core.routing.Router;
import dev.zooterj.core.routing.RoutingMetric;
import dev.zooterj.data.Splits;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HierarchicalKindTest {
    static final List<String> MODELS = List.of("a", "b", "c");

    /** A router whose estimate for every query is {@code values}. */
    static Router fixed(double[] values) {
        return EstimatingRouter.argmax(new Estimator() {
            @Override
            public List<String> models() {
                return MODELS;
            }

            @Override
            public List<Estimate> estimate(List<String> queries) {
                return queries.stream().map(q -> Estimate.expectedScores(MODELS, values)).toList();
            }
        });
    }

    @Test
    void aGainBelowTheMarginKeepsThePriorsModelAndAboveItSwitches() {
        double[] prior = {0.6, 0.5, 0.4};           // the prior's model is a
        double[] head = {0.50, 0.58, 0.30};          // the head prefers b by a gain of 0.08
        assertEquals(0, HierarchicalKind.decide(prior, head, 0.1), "gain 0.08 < margin 0.1: keep a");
        assertEquals(1, HierarchicalKind.decide(prior, head, 0.05), "gain 0.08 > margin 0.05: switch to b");
        assertEquals(0, HierarchicalKind.decide(prior, head, Double.POSITIVE_INFINITY), "+∞: never leave");
        assertEquals(0, HierarchicalKind.decide(prior, new double[]{0.7, 0.2, 0.1}, 0), "the head agrees: a");
        // through the router and its argmax policy
        assertEquals("a", HierarchicalKind.router(MODELS, fixed(prior), fixed(head), 0.1).route("q").model());
        assertEquals("b", HierarchicalKind.router(MODELS, fixed(prior), fixed(head), 0.05).route("q").model());
        assertEquals("a", HierarchicalKind.router(MODELS, fixed(prior), fixed(head), Double.POSITIVE_INFINITY).route("q").model());
    }

    @Property(tries = 300)
    void theRoutersArgmaxIsTheMarginRule(@ForAll @DoubleRange(min = 0, max = 1) double p0, @ForAll @DoubleRange(min = 0, max = 1) double p1,
                                         @ForAll @DoubleRange(min = 0, max = 1) double p2, @ForAll @DoubleRange(min = 0, max = 1) double h0,
                                         @ForAll @DoubleRange(min = 0, max = 1) double h1, @ForAll @DoubleRange(min = 0, max = 1) double h2,
                                         @ForAll @DoubleRange(min = 0, max = 0.5) double margin) {
        double[] prior = {p0, p1, p2};
        double[] head = {h0, h1, h2};
        assertEquals(HierarchicalKind.decide(prior, head, margin),
                HierarchicalKind.router(MODELS, fixed(prior), fixed(head), margin).route("q").chosen());
    }

    @Test
    void exactlyAtTheMarginThePriorIsKept() {
        double[] prior = {0.1, 0.9, 0.0};
        double[] head = {0.75, 0.5, 0.0};            // gain of a over b: exactly 0.25
        assertEquals(1, HierarchicalKind.decide(prior, head, 0.25));
        assertEquals("b", HierarchicalKind.router(MODELS, fixed(prior), fixed(head), 0.25).route("q").model());
    }

    @Test
    void theMarginAndPriorAreChosenOnValidationAndNeverLoseToThePriorThere(@TempDir Path dir) throws Exception {
        RewardDataset train = KindFixtures.rows("tr-", "train", 30, 30, 30);
        HierarchicalKind kind = new HierarchicalKind();
        FittedRouter f = kind.fit(train, kind.defaults(), KindFixtures.context());
        Tuning t = f.tuning().orElseThrow();
        assertEquals(2 * HierarchicalKind.MARGINS.size(), t.candidates().size(), "prior × margin");
        Splits.TrainValTest split = Splits.trainValTest(train, 0.1, 0, 42);
        assertEquals(split.validation().size(), t.validationRows());
        for (String prior : List.of("task_best", "cluster_best")) {
            double never = t.candidates().stream().filter(c -> c.settings().equals(Map.of("prior", prior, "margin", "inf")))
                    .findFirst().orElseThrow().score();
            assertTrue(t.best().score() >= never, "the chosen candidate is at least the prior alone (" + prior + ")");
        }
        HierarchicalKind.Settings s = (HierarchicalKind.Settings) f.settings();
        assertEquals(t.best().settings().get("prior"), s.prior());
        assertEquals("expected_score", s.head(), "rows carry scores: the head predicts them");
        // saved and loaded back: the resolved settings, the table, the same decisions
        Path p = dir.resolve("h");
        f.save(p);
        String manifest = Files.readString(p.resolve(RouterStore.MANIFEST));
        assertTrue(manifest.contains("\"kind\" : \"hierarchical\"") && manifest.contains("\"candidates\""), manifest);
        assertEquals(s.prior(), RouterKinds.kindOf(p.resolve("prior")));
        List<String> q = KindFixtures.rows("te-", "test", 4, 4, 4).records().stream().map(RewardRecord::query).toList();
        assertEquals(f.router().route(q), RouterKinds.load(p, KindFixtures.context()).route(q));
        assertEquals(1.0, RoutingMetric.macroMean(f.router(), KindFixtures.rows("te-", "test", 4, 4, 4)), 1e-12);
    }

    @Test
    void fixedSettingsAreUsedAsGivenAndBadOnesNamed() {
        RewardDataset train = KindFixtures.rows("tr-", "train", 10, 10, 10);
        HierarchicalKind kind = new HierarchicalKind();
        FittedRouter f = kind.fit(train, Map.of("prior", "task_best", "margin", "inf", "tune-parts", "false"), KindFixtures.context());
        assertTrue(f.tuning().isEmpty(), "nothing left to choose");
        assertEquals("inf", f.settings().values().get("margin"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> kind.defaults().with("margin", "-1"));
        assertTrue(e.getMessage().contains("margin"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> kind.defaults().with("prior", "knn"));
        assertTrue(e.getMessage().contains("task_best"), e.getMessage());
    }
}
