package dev.zooterj.bench;

import dev.zooterj.bench.suite.BenchmarkSuite;
import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.label.LabelConfig;
import dev.zooterj.data.sim.SimulatedZoo;
import dev.zooterj.data.tags.TagScheme;
import dev.zooterj.nn.head.HeadConfig;
import dev.zooterj.nn.router.RouterSpec;
import dev.zooterj.nn.router.ZooterTrainer;
import dev.zooterj.nn.train.TrainingConfig;
import dev.zooterj.nn.train.TrainingMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With a tag scheme, each fold's routers learn from tags fitted on that fold's training rows, and the results say so. */
class BenchTagsTest {
    @Test
    void clusterTagsAreFittedOnEachFoldsTrainingRows(@TempDir Path cache) {
        RewardDataset data = SimulatedZoo.generate(SimulatedZoo.Config.defaults().withTrainingQueries(10).withQueriesPerSubset(2)).evaluation();
        SimulatedFoldSuite threeFolds = new SimulatedFoldSuite("tags-3-fold", data, 3, 2);
        List<BenchmarkSuite.Fold> folds = threeFolds.folds();
        RouterSpec spec = new RouterSpec(RouterSpec.MINILM, null, TrainingMode.HEAD, HeadConfig.linear(), LabelConfig.paper(),
                new TrainingConfig(1, 16, 1e-2, 0, 0, 1, 3, 0.1, 0), 16, false, cache, TagScheme.parse("cluster:3"));
        List<String> log = new ArrayList<>();
        BenchResults r = BenchRunner.run(threeFolds, new BenchRunner.Options(spec, List.of(0.0), false, 0, 7, 20, 0),
                Map.of(), "./zooter bench --tags cluster:3", log::add);
        List<String> fitted = log.stream().filter(l -> l.startsWith("  tags cluster:3: ")).toList();
        assertEquals(3, fitted.size(), log.toString());
        long[] fittingRows = new long[3];
        for (int f = 0; f < 3; f++) {
            // each fold's tagger sees that fold's training rows less the routers' validation hold-out
            RewardDataset foldTrain = folds.get(f).train();
            fittingRows[f] = foldTrain.records().stream().filter(ZooterTrainer.fittingRows(foldTrain, spec)).count();
            assertTrue(fitted.get(f).startsWith("  tags cluster:3: " + fittingRows[f] + " training rows; c3: 3 clusters"),
                    fitted.get(f));
        }
        String recorded = r.settings().get("tags fitted");
        assertTrue(recorded.startsWith("fold 1: 3 distinct tags (" + fittingRows[0] + " training rows"), recorded);
        assertTrue(recorded.contains("; fold 3: 3 distinct tags"), recorded);
        assertEquals(TagScheme.parse("cluster:3").describe(), r.settings().get("tags"));
        assertTrue(r.method("zooter_beta_0.0") != null, "the beta sweep runs with the chosen tags");
    }
}
