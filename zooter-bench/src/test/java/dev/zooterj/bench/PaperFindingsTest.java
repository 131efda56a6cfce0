package dev.zooterj.bench;

import dev.zooterj.bench.suite.PaperSimSuite;
import dev.zooterj.core.label.LabelConfig;
import dev.zooterj.data.sim.SimulatedZoo;
import dev.zooterj.nn.head.HeadConfig;
import dev.zooterj.nn.router.RouterSpec;
import dev.zooterj.nn.router.ZooterKind;
import dev.zooterj.nn.train.TrainingConfig;
import dev.zooterj.nn.train.TrainingMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The simulated 26-subset suite end to end (the {@code paper-sim} suite of {@code bench}, smaller: 1,000 training
 * queries, 10 held-out queries per subset, MiniLM frozen at 32 tokens) and the paper's qualitative findings on it:
 * Zooter's mean task rank lies between BMA's (one best model) and reward-model ranking's (RMR, which generates with
 * every candidate); the β sweep runs (see the note on its last test for why its order is not asserted).
 */
class PaperFindingsTest {
    static BenchResults results;

    @TempDir
    static Path cache;

    @BeforeAll
    static void run() {
        SimulatedZoo.Config zoo = SimulatedZoo.Config.defaults().withSeed(42).withTrainingQueries(1000).withQueriesPerSubset(10);
        RouterSpec spec = new RouterSpec(RouterSpec.MINILM, null, TrainingMode.HEAD, HeadConfig.linear(), LabelConfig.paper(),
                TrainingConfig.headDefaults().withSeed(42), 32, false, cache);
        List<String> log = new ArrayList<>();
        results = BenchRunner.run(new PaperSimSuite(zoo), new BenchRunner.Options(spec, List.of(0.0, 0.3, 0.6, 1.0), false,
                List.of(ZooterKind.NAME), false, Map.of(), null, 42, 200, 4), Map.of(), "PaperFindingsTest", log::add);
        System.out.printf(Locale.ROOT, "paper-sim (1000 training, 260 test queries): MTR bma %.2f, zooter %.2f, rmr %.2f; β sweep %s%n",
                results.method("bma").mtr(), results.method("zooter").mtr(), results.method("rmr").mtr(), results.betaSweep());
    }

    @Test
    void theSuiteHas26SubsetsAndEveryMethod() {
        assertEquals(26, results.method("zooter").subsets().size());
        assertEquals(4, results.betaSweep().size());
    }

    @Test
    void zooterRanksBetweenBmaAndRewardModelRanking() {
        double bma = results.method("bma").mtr();
        double zooter = results.method("zooter").mtr();
        double rmr = results.method("rmr").mtr();
        assertTrue(zooter < bma, String.format(Locale.ROOT, "zooter MTR %.3f is not better than BMA's %.3f", zooter, bma));
        assertTrue(rmr < zooter, String.format(Locale.ROOT, "RMR MTR %.3f is not better than zooter's %.3f", rmr, zooter));
    }

    /**
     * The paper's second finding, β = 1 (no tag enhancement) not being the best β, is NOT asserted: on this simulator,
     * whose evaluation queries are held-out paraphrases (issue 16), the β effect is within seed noise. Measured at the
     * demo's size ({@code ./zooter bench --suite paper-sim --methods zooter --no-tune --no-hard-label --no-rerank
     * --no-cost-sweep --beta-sweep 0,0.3,0.6,1 --seed S}): All MTR seed 42 β 0 → 1.94, 0.3 → 1.87, 0.6 → 1.83, 1 → 1.94;
     * seed 1 β 0 → 1.98, 0.3 → 2.02, 0.6 → 1.94, 1 → 1.87. What is checked is that every β of the sweep trains a router
     * whose MTR is a real rank (between 1 and the number of candidates plus one).
     */
    @Test
    void everyBetaOfTheSweepIsRankedOnEverySubset() {
        Map<Double, Double> sweep = results.betaSweep();
        assertEquals(java.util.Set.of(0.0, 0.3, 0.6, 1.0), sweep.keySet());
        int candidates = results.method("zooter").subsets().isEmpty() ? 0 : 6;
        for (Map.Entry<Double, Double> e : sweep.entrySet()) {
            assertTrue(e.getValue() >= 1 && e.getValue() <= candidates + 1, "β = " + e.getKey() + ": MTR " + e.getValue());
        }
    }
}
