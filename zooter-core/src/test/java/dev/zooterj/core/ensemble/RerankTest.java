package dev.zooterj.core.ensemble;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.core.routing.CostAwarePolicy;
import dev.zooterj.core.routing.Estimate;
import dev.zooterj.core.routing.RerankPolicy;
import dev.zooterj.core.routing.RerankRule;
import dev.zooterj.core.routing.RoutingDecision;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RerankTest {
    static final List<String> M = List.of("a", "b", "c");

    static RewardRecord row(String id, double[] scores) {
        return new RewardRecord(id, "q " + id, null, List.of(), "s", null, scores.clone(), scores.clone(), new double[] {1, 2, 4});
    }

    @Test
    void ruleSetSizes() {
        double[] w = {0.7, 0.2, 0.1};
        assertEquals(1, new RerankRule(RerankRule.Rule.TOP1, 0.6, 3).k(w));
        assertEquals(3, new RerankRule(RerankRule.Rule.TOP1, 0.8, 3).k(w));
        assertEquals(1, new RerankRule(RerankRule.Rule.MARGIN, 0.4, 2).k(w));
        assertEquals(2, new RerankRule(RerankRule.Rule.MARGIN, 0.6, 2).k(w));
        assertEquals(2, new RerankRule(RerankRule.Rule.MASS, 0.85, 3).k(w));
        assertEquals(3, new RerankRule(RerankRule.Rule.MASS, 0.95, 3).k(w));
        assertEquals(2, new RerankRule(RerankRule.Rule.RATIO, 0.25, 3).k(w));
        assertEquals(3, RerankRule.fixed(5).k(w), "capped at N");
        assertEquals(3, new RerankRule(RerankRule.Rule.ENTROPY, 0.5, 3).k(w));
        assertEquals(1, new RerankRule(RerankRule.Rule.ENTROPY, 1.0, 3).k(w));
    }

    @Test
    void thePolicyGeneratesTheTopCandidatesInOrder() {
        RoutingDecision d = new RerankPolicy(RerankRule.fixed(2)).decide(Estimate.distribution(M, new double[] {0.2, 0.1, 0.7}));
        assertEquals(List.of("c", "a"), d.generate());
        assertEquals("c", d.model());
        // expected scores work the same way, by their order
        RoutingDecision e = new RerankPolicy(RerankRule.fixed(2)).decide(Estimate.expectedScores(M, new double[] {5, 9, 7}));
        assertEquals(List.of("b", "c"), e.generate());
    }

    @Test
    void theBestAnswerOfTheSetByReward() {
        Selection s = Selection.bestOfSet(new int[] {0, 2}, new double[] {0.3, 0.9, 0.5});
        assertArrayEquals(new double[] {0, 0, 1}, s.weights());
        assertEquals(2, s.generations());
        assertEquals(5.0, s.expectedCost(new double[] {1, 2, 4}), 1e-12);
        assertEquals(0.5, s.expectedScore(new double[] {0.3, 0.9, 0.5}), 1e-12);
    }

    @Test
    void bestFixedSetByHand() {
        RewardDataset d = new RewardDataset(M, List.of(row("1", new double[] {1, 0, 0}), row("2", new double[] {0, 1, 0}),
                row("3", new double[] {0, 1, 0}), row("4", new double[] {0, 0, 1})));
        assertEquals(List.of("a", "b"), EnsembleMethods.bestFixedSet(d, 2), "{a,b} and {b,c} tie at 3/4: the first wins");
        assertEquals(List.of("b"), EnsembleMethods.bestFixedSet(d, 1));
        assertEquals(M, EnsembleMethods.bestFixedSet(d, 3));
    }

    /** Half the rows: the router is sure and right. The other half: unsure, and the second candidate is best. */
    static List<Estimate> estimates(int n) {
        List<Estimate> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Estimate.distribution(M, i % 2 == 0 ? new double[] {0.9, 0.05, 0.05} : new double[] {0.4, 0.35, 0.25}));
        }
        return out;
    }

    static List<RewardRecord> rows(int n) {
        List<RewardRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(row("r" + i, i % 2 == 0 ? new double[] {1, 0, 0} : new double[] {0, 1, 0}));
        }
        return out;
    }

    @Test
    void theFitterSpendsTheBudgetWhereTheRouterIsUnsure() {
        RerankFitter f = new RerankFitter(estimates(40), rows(40));
        RerankFitter.Fit one = f.fit(1);
        assertEquals(0.5, one.score(), 1e-12);
        assertEquals(1.0, one.generations(), 1e-12);
        RerankFitter.Fit half = f.fit(1.5);
        assertEquals(1.0, half.score(), 1e-12, half.describe());
        assertEquals(1.5, half.generations(), 1e-12, "the unsure rows get two candidates, the sure ones one: " + half.describe());
        RerankFitter.Fit three = f.fit(3);
        assertEquals(1.5, three.generations(), 1e-12, "no more generations than the best score needs");
    }

    @Property(tries = 60)
    void theFitStaysWithinItsBudgetAndNeverLosesToTheArgmax(@ForAll @IntRange(min = 1, max = 1000) int seed,
                                                            @ForAll @DoubleRange(min = 1, max = 3) double budget) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Estimate> es = new ArrayList<>();
        List<RewardRecord> rs = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            double[] p = {rng.nextDouble(), rng.nextDouble(), rng.nextDouble()};
            double s = p[0] + p[1] + p[2];
            es.add(Estimate.distribution(M, new double[] {p[0] / s, p[1] / s, p[2] / s}));
            rs.add(row("r" + i, new double[] {rng.nextInt(3), rng.nextInt(3), rng.nextInt(3)}));
        }
        RerankFitter f = new RerankFitter(es, rs);
        RerankFitter.Fit fit = f.fit(budget);
        assertTrue(fit.generations() <= budget + 1e-9, fit.describe());
        assertTrue(fit.score() >= f.evaluate(RerankRule.fixed(1)).score() - 1e-12, fit.describe());
        // the rule applied row by row through the policy and the method gives the same score
        double direct = 0;
        RerankPolicy policy = new RerankPolicy(fit.rule());
        for (int i = 0; i < rs.size(); i++) {
            RoutingDecision d = policy.decide(es.get(i));
            direct += Selection.bestOfSet(d.set(), rs.get(i).rewards()).expectedScore(rs.get(i).evaluationScores()) / rs.size();
        }
        assertEquals(fit.score(), direct, 1e-9);
    }

    @Test
    void theCostKnobTradesQualityForCost() {
        CostAwarePolicy p = new CostAwarePolicy(new double[] {0.5, 0.7}, new double[] {0, 0}, new double[] {1, 3}, 0);
        Estimate e = Estimate.distribution(List.of("cheap", "dear"), new double[] {0.5, 0.5});
        assertEquals("dear", p.decide(e).model());
        assertEquals("cheap", p.withLambda(0.2).decide(e).model(), "0.5 - 0.2 > 0.7 - 0.6");
        assertEquals("dear", p.withLambda(0.09).decide(e).model(), "0.5 - 0.09 < 0.7 - 0.27");
    }

    @Test
    void theCalibrationRecoversALinearMap() {
        List<Estimate> es = new ArrayList<>();
        List<RewardRecord> rs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            double p = i / 10.0;
            es.add(Estimate.distribution(List.of("x", "y"), new double[] {p, 1 - p}));
            rs.add(new RewardRecord("r" + i, "q", null, List.of(), null, null, new double[] {0, 0},
                    new double[] {0.2 + 0.5 * p, 0.9 - 0.3 * (1 - p)}, new double[] {1, 1}));
        }
        CostAwarePolicy c = QualityCalibration.fit(es, rs, new double[] {1, 2}, 0);
        assertArrayEquals(new double[] {0.2, 0.9 - 0.3 * 0.55}, c.intercept(), 1e-9);
        assertArrayEquals(new double[] {0.5, 0}, c.slope(), 1e-9, "y falls with its own probability: the slope is held at 0");
        assertArrayEquals(new double[] {1.5, 1.5}, QualityCalibration.meanCost(List.of(
                new RewardRecord("a", "q", null, List.of(), null, null, new double[] {0, 0}, null, new double[] {1, 2}),
                new RewardRecord("b", "q", null, List.of(), null, null, new double[] {0, 0}, null, new double[] {2, 1})), 2), 1e-12);
    }
}
