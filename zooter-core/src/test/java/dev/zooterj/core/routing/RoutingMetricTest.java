package dev.zooterj.core.routing;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoutingMetricTest {
    /** Subset a: 3 rows with values 1, 0, 0 (mean 1/3); b: 1 row, 1 (mean 1); c: 2 rows, 0.5 and 0 (mean 0.25). */
    private static final double[] VALUES = {1, 0, 0, 1, 0.5, 0};
    private static final RewardDataset ROWS = rows("a", "a", "a", "b", "c", "c");

    private static RewardDataset rows(String... subsets) {
        List<RewardRecord> r = new ArrayList<>();
        for (int i = 0; i < subsets.length; i++) {
            r.add(new RewardRecord("r" + i, "q" + i, null, List.of(), subsets[i], null, new double[]{0, 1}, null, null));
        }
        return new RewardDataset(List.of("m0", "m1"), r);
    }

    @Test
    void thePlainMacroMeanWeighsEverySubsetTheSame() {
        assertEquals((1.0 / 3 + 1 + 0.25) / 3, RoutingMetric.macroMean(ROWS, VALUES), 1e-12);
        assertEquals(RoutingMetric.macroMean(ROWS, VALUES), RoutingMetric.macroMean(ROWS, VALUES, Map.of()), 0);
    }

    @Test
    void subsetWeightsWeighTheSubsetMeansAndZeroLeavesASubsetOut() {
        assertEquals((1.0 / 3 + 0.25) / 2, RoutingMetric.macroMean(ROWS, VALUES, Map.of("b", 0.0)), 1e-12);
        assertEquals((2 * (1.0 / 3) + 1 + 0.25) / 4, RoutingMetric.macroMean(ROWS, VALUES, Map.of("a", 2.0)), 1e-12);
        assertEquals(1.0 / 3, RoutingMetric.macroMean(ROWS, VALUES, Map.of("b", 0.0, "c", 0.0)), 1e-12);
        assertEquals(RoutingMetric.macroMean(ROWS, VALUES), RoutingMetric.macroMean(ROWS, VALUES, Map.of("not-there", 0.0)), 1e-12,
                "a weight for a subset the rows lack changes nothing");
    }

    @Test
    void theStandardErrorOfTheMacroMeanOnAHandComputedCase() {
        // a: 1, 0, 0 (sample variance 1/3, over n = 3: 1/9); b: one row (0); c: 0.5, 0 (variance 0.125, over 2: 0.0625)
        assertEquals(Math.sqrt((1.0 / 9 + 0.0625) / 9), RoutingMetric.macroMeanStandardError(ROWS, VALUES, Map.of()), 1e-12);
        assertEquals(Math.sqrt((1.0 / 9 + 0.0625) / 4), RoutingMetric.macroMeanStandardError(ROWS, VALUES, Map.of("b", 0.0)), 1e-12);
        assertEquals(0, RoutingMetric.macroMeanStandardError(ROWS, new double[]{1, 1, 1, 0, 0.5, 0.5}, Map.of()), 1e-12,
                "constant within every subset");
        assertThrows(IllegalArgumentException.class,
                () -> RoutingMetric.macroMeanStandardError(ROWS, VALUES, Map.of("a", 0.0, "b", 0.0, "c", 0.0)));
    }

    @Test
    void badWeightsAndAnEmptyObjectiveAreClearErrors() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> RoutingMetric.macroMean(ROWS, VALUES, Map.of("a", 0.0, "b", 0.0, "c", 0.0)));
        assertTrue(e.getMessage().contains("weight 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RoutingMetric.macroMean(ROWS, VALUES, Map.of("a", -1.0)));
        assertTrue(e.getMessage().contains("'a'") && e.getMessage().contains("≥ 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RoutingMetric.macroMean(ROWS, VALUES, Map.of("a", Double.NaN)));
    }

    @Test
    void theRouterFormRoutesEveryRowAndWeighsLikeTheValueForm() {
        Router alwaysM1 = new Router() {
            @Override
            public List<String> models() {
                return List.of("m0", "m1");
            }

            @Override
            public RoutingDecision route(String query) {
                return RoutingDecision.argmax(models(), new double[]{0.2, 0.8});
            }
        };
        // every row's score of m1 is 1, so every subset mean is 1 whatever the weights
        assertEquals(1.0, RoutingMetric.macroMean(alwaysM1, ROWS, Map.of("a", 3.0, "b", 0.0)), 1e-12);
    }

    @Property(tries = 200)
    void aWeightedMeanLiesBetweenTheSmallestAndLargestSubsetMean(@ForAll @DoubleRange(min = 0, max = 5) double wa,
                                                                  @ForAll @DoubleRange(min = 0.01, max = 5) double wb,
                                                                  @ForAll @DoubleRange(min = 0, max = 5) double wc) {
        double m = RoutingMetric.macroMean(ROWS, VALUES, Map.of("a", wa, "b", wb, "c", wc));
        assertTrue(m >= 0.25 - 1e-12 && m <= 1 + 1e-12, "got " + m);
    }
}
