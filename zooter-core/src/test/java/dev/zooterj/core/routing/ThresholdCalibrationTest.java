package dev.zooterj.core.routing;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThresholdCalibrationTest {
    static final List<String> M = List.of("x", "y");

    static List<Estimate> estimates(double... pX) {
        List<Estimate> out = new ArrayList<>();
        for (double p : pX) {
            out.add(Estimate.distribution(M, new double[] {p, 1 - p}));
        }
        return out;
    }

    @Test
    void theBiasSendsTheAskedShareByHand() {
        // x needs a bias of (1-p) - p = 1 - 2p: 0.8, 0.4, 0, -0.4 for p = 0.1, 0.3, 0.5, 0.7
        List<Estimate> es = estimates(0.1, 0.3, 0.5, 0.7);
        double b = ThresholdCalibration.biasForShare(es, 0, 0.75);
        assertEquals(0.6, b, 1e-12, "three of four queries: midway between the needs 0.4 and 0.8");
        assertEquals(0.75, ThresholdCalibration.share(es, 0, b), 1e-12);
        assertEquals(0.0, ThresholdCalibration.share(es, 0, ThresholdCalibration.biasForShare(es, 0, 0)), 1e-12);
        assertEquals(1.0, ThresholdCalibration.share(es, 0, ThresholdCalibration.biasForShare(es, 0, 1)), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> ThresholdCalibration.biasForShare(es, 0, 1.5));
    }

    @Test
    void theCostWeightMeetsTheMeanCost() {
        // x costs 10, y 1: utility x = p - 10λ, y = (1-p) - λ; x loses once 9λ > 2p - 1
        List<Estimate> es = estimates(0.9, 0.8, 0.6, 0.2);
        CostAwarePolicy p = new CostAwarePolicy(new double[2], new double[] {1, 1}, new double[] {10, 1}, 0);
        assertEquals(7.75, ThresholdCalibration.meanCost(es, p), 1e-12);
        double lambda = ThresholdCalibration.lambdaForMeanCost(es, p, 5.5);   // at most 2 of 4 to x
        assertTrue(ThresholdCalibration.meanCost(es, p.withLambda(lambda)) <= 5.5);
        assertEquals(0.2 / 9, lambda, 1e-6, "the smallest λ that moves the p = 0.6 query to y: 9λ > 2p - 1 = 0.2");
        assertEquals(0.0, ThresholdCalibration.lambdaForMeanCost(es, p, 10), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> ThresholdCalibration.lambdaForMeanCost(es, p, 0.5));
    }

    @Property(tries = 100)
    void theMeasuredShareIsTheRoundedShareWithoutTies(@ForAll @IntRange(min = 1, max = 10_000) int seed,
                                                     @ForAll @DoubleRange(min = 0, max = 1) double share) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Estimate> es = new ArrayList<>();
        for (int i = 0; i < 37; i++) {
            double a = rng.nextDouble();
            double b = rng.nextDouble();
            double c = rng.nextDouble();
            double s = a + b + c;
            es.add(Estimate.distribution(List.of("a", "b", "c"), new double[] {a / s, b / s, c / s}));
        }
        double bias = ThresholdCalibration.biasForShare(es, 1, share);
        assertEquals(Math.round(share * 37) / 37.0, ThresholdCalibration.share(es, 1, bias), 1e-12);
    }
}
