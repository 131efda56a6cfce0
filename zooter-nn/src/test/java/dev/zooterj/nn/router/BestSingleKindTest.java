package dev.zooterj.nn.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.core.ensemble.EnsembleMethods;
import dev.zooterj.core.routing.Router;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BestSingleKindTest {
    @TempDir
    Path dir;

    /** 10 rows of x where a scores 1 and b 0.7; 2 rows of y where a scores 0 and b 0.5. */
    private static RewardDataset rows() {
        List<RewardRecord> out = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            boolean x = i < 10;
            double[] scores = x ? new double[]{1, 0.7} : new double[]{0, 0.5};
            out.add(new RewardRecord("r" + i, "query " + i, null, List.of(), x ? "x" : "y", "train", scores.clone(), scores, null));
        }
        return new RewardDataset(List.of("a", "b"), out);
    }

    @Test
    void theBestModelByTheWeightedMacroMeanTakesEveryQuery() {
        RewardDataset data = rows();
        // by rows a wins (10/12 against 8/12): that is BMA; by the macro mean b wins (0.5 against 0.6)
        assertEquals("a", EnsembleMethods.bestOnAverageModel(data));
        FittedRouter fitted = RouterKinds.get(BestSingleKind.NAME).fit(data, Map.of(), KindFixtures.context());
        Router router = fitted.router();
        assertEquals("b", router.route("anything").model());
        assertEquals("b", router.route("query 3").model());
        assertTrue(fitted.summary().startsWith("b for every query (0.6000"), fitted.summary());

        FittedRouter weighted = RouterKinds.get(BestSingleKind.NAME).fit(data, Map.of(),
                KindFixtures.context().withSubsetWeights(Map.of("y", 0.0)));
        assertEquals("a", weighted.router().route("anything").model(), "with y weighing 0, only x counts");
    }

    @Test
    void itSavesAndLoadsAndABadManifestIsNamed() throws Exception {
        FittedRouter fitted = RouterKinds.get(BestSingleKind.NAME).fit(rows(), Map.of("seed", "7"), KindFixtures.context());
        Path saved = dir.resolve("router");
        fitted.save(saved);
        Router loaded = RouterKinds.load(saved, KindFixtures.context());
        assertEquals(List.of("a", "b"), loaded.models());
        assertEquals("b", loaded.route("a new query").model());
        String manifest = Files.readString(saved.resolve(RouterStore.MANIFEST));
        assertTrue(manifest.contains("\"kind\" : \"best_single\"") && manifest.contains("\"seed\" : \"7\""), manifest);

        Files.writeString(saved.resolve(RouterStore.MANIFEST), manifest.replace("\"model\" : \"b\"", "\"model\" : \"zz\""));
        String message = assertThrows(IllegalArgumentException.class, () -> RouterKinds.load(saved, KindFixtures.context())).getMessage();
        assertTrue(message.contains("router.json") && message.contains("'model'") && message.contains("zz"), message);
    }

    @Test
    void autoKeepsTheBestSingleModelUnlessAKindBeatsItByMoreThanOneStandardError() {
        assertEquals(BestSingleKind.NAME, AutoKind.DEFAULT_CANDIDATES.get(0));
    }
}
