package dev.zooterj.bench;

import dev.zooterj.bench.suite.BenchmarkSuite;
import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.label.LabelConfig;
import dev.zooterj.data.sim.PaperLayout;
import dev.zooterj.data.sim.SimulatedZoo;
import dev.zooterj.nn.head.HeadConfig;
import dev.zooterj.nn.router.RouterSpec;
import dev.zooterj.nn.train.TrainingConfig;
import dev.zooterj.nn.train.TrainingMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A 3-fold benchmark over simulated rows with MiniLM frozen and a few epochs, so every part of the runner runs in seconds. */
class BenchRunnerTest {
    static BenchResults results;
    static RewardDataset data;

    @TempDir
    static Path cache;

    @BeforeAll
    static void run() {
        SimulatedZoo zoo = SimulatedZoo.generate(SimulatedZoo.Config.defaults().withTrainingQueries(10).withQueriesPerSubset(3));
        data = zoo.evaluation();
        BenchmarkSuite suite = new SimulatedFoldSuite("test-folds", data, 3, 1);
        // MiniLM frozen with a throw-away embedding cache: each query is embedded once for all 12 trainings
        RouterSpec tiny = new RouterSpec(RouterSpec.MINILM, null, TrainingMode.HEAD, HeadConfig.linear(),
                LabelConfig.paper(), new TrainingConfig(3, 16, 1e-2, 0, 0, 1, 3, 0.1, 0), 32, false, cache);
        List<String> log = new ArrayList<>();
        results = BenchRunner.run(suite, new BenchRunner.Options(tiny, List.of(0.0, 1.0), true, 3, 7, 200, 4),
                Map.of("k", "v"), "./zooter bench --test", log::add);
        assertTrue(log.stream().anyMatch(l -> l.startsWith("fold 3/3")), log.toString());
    }

    @Test
    void everyMethodIsEvaluatedOnEveryTestQueryOnce() {
        List<String> names = results.methods().stream().map(MethodResult::method).toList();
        for (String m : List.of("bma", "random", "zooter", "knn", "hard_label", "zooter_beta_0.0", "zooter_beta_1.0", "rmr", "oracle")) {
            assertTrue(names.contains(m), m + " in " + names);
        }
        assertEquals(26, results.methods().get(0).subsets().size());
        // routing shares over all queries sum to 1 for a router
        double share = results.method("zooter").routingShare().values().stream().mapToDouble(Double::doubleValue).sum();
        assertEquals(1.0, share, 1e-9);
        assertEquals(1.0, results.method("zooter").generationsPerQuery());
        assertEquals(6.0, results.method("rmr").generationsPerQuery());
    }

    @Test
    void sweepBootstrapAndEntropyAreFilled() {
        assertEquals(2, results.betaSweep().size());
        assertEquals(results.method("zooter_beta_0.0").mtr(), results.betaSweep().get(0.0));
        for (String g : PaperLayout.groups()) {
            BenchResults.Interval ci = results.differences().get(g);
            assertNotNull(ci, g);
            assertTrue(ci.low() <= ci.estimate() && ci.estimate() <= ci.high(), g + ": " + ci);
        }
        int binned = results.entropyBins().stream().mapToInt(BenchResults.EntropyBin::queries).sum();
        assertEquals(data.size(), binned);
        // the oracle is never below RMR in any bin
        results.entropyBins().stream().filter(b -> b.queries() > 0)
                .forEach(b -> assertTrue(b.oracle() >= b.rmrScore() - 1e-12, b.toString()));
    }

    @Test
    void oracleDominatesEverySingleModelOnEverySubset() {
        MethodResult oracle = results.method("oracle");
        for (String model : results.models()) {
            MethodResult single = results.method(model);
            single.subsets().forEach((s, v) -> assertTrue(oracle.subsets().get(s) >= v - 1e-12, model + " " + s));
        }
    }
}
