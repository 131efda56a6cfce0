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
 * every candidate), and β = 1 (no tag enhancement) is not the best β of the sweep.
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

    @Test
    void betaOneIsNotTheBestBeta() {
        Map<Double, Double> sweep = results.betaSweep();
        double best = sweep.values().stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        assertTrue(best < sweep.get(1.0), "β = 1 has the best MTR of the sweep " + sweep);
    }
}
