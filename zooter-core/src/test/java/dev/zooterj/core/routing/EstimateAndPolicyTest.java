package dev.zooterj.core.routing;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EstimateAndPolicyTest {
    static final List<String> M = List.of("a", "b", "c");

    @Test
    void argmaxOfExpectedScoresKeepsTheirOrderInTheDecision() {
        RoutingDecision d = Policy.ARGMAX.decide(Estimate.expectedScores(M, new double[]{0.2, 0.8, 0.5}));
        assertEquals("b", d.model());
        // weights: shifted by the minimum and normalised: (0, 0.6, 0.3) / 0.9
        assertArrayEquals(new double[]{0, 2.0 / 3, 1.0 / 3}, d.distribution(), 1e-12);
        assertEquals(List.of("b", "c", "a"), d.ranking());
    }

    @Test
    void argmaxOfADistributionIsTheOldDecision() {
        double[] p = {0.1, 0.3, 0.6};
        assertEquals(RoutingDecision.argmax(M, p), Policy.ARGMAX.decide(Estimate.distribution(M, p)));
    }

    @Test
    void equalExpectedScoresGiveUniformWeightsAndTheFirstModel() {
        RoutingDecision d = Policy.ARGMAX.decide(Estimate.expectedScores(M, new double[]{0.4, 0.4, 0.4}));
        assertEquals("a", d.model());
        assertArrayEquals(new double[]{1.0 / 3, 1.0 / 3, 1.0 / 3}, d.distribution(), 1e-12);
    }

    @Test
    void nonFiniteValuesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Estimate.expectedScores(M, new double[]{0, Double.NaN, 1}));
        assertThrows(IllegalArgumentException.class, () -> Estimate.expectedScores(M, new double[]{0, 1}));
    }

    @Property
    void weightsAreAProbabilityVectorWhoseArgmaxIsTheValuesArgmax(
            @ForAll @Size(min = 3, max = 3) List<@DoubleRange(min = -5, max = 5) Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Estimate e = Estimate.expectedScores(M, v);
        double[] w = e.weights();
        assertEquals(1.0, IntStream.range(0, 3).mapToDouble(i -> w[i]).sum(), 1e-9);
        assertTrue(IntStream.range(0, 3).allMatch(i -> w[i] >= 0));
        RoutingDecision d = Policy.ARGMAX.decide(e);
        assertTrue(IntStream.range(0, 3).allMatch(i -> v[i] <= v[d.chosen()]));
    }

    @Test
    void theRoutingMetricIsTheMacroMeanOverSubsets() {
        // subset x: 3 rows, the router's pick scores 1, 1, 0 → 2/3; subset y: 1 row scoring 0 → 0; macro mean 1/3
        RewardDataset rows = new RewardDataset(List.of("a", "b"), List.of(
                RewardRecord.of("1", "q1", List.of(), "x", new double[]{1, 0}),
                RewardRecord.of("2", "q2", List.of(), "x", new double[]{1, 0}),
                RewardRecord.of("3", "q3", List.of(), "x", new double[]{0, 1}),
                RewardRecord.of("4", "q4", List.of(), "y", new double[]{0, 1})));
        Router alwaysA = new FixedModelRouter(List.of("a", "b"), "a");
        assertEquals(1.0 / 3, RoutingMetric.macroMean(alwaysA, rows), 1e-12);
        // always b: x scores 0, 0, 1 → 1/3; y → 1; macro mean 2/3 (the row mean would be 1/2)
        assertEquals(2.0 / 3, RoutingMetric.macroMean(new FixedModelRouter(List.of("a", "b"), "b"), rows), 1e-12);
    }
}
