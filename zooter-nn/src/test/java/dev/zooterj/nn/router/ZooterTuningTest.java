package dev.zooterj.nn.router;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.data.sim.SimulatedZoo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Zooter's settings chosen on validation stage by stage, recorded in router.json and loaded back (tiny scratch encoder). */
class ZooterTuningTest {
    @Test
    void theGridSearchesSmallTemperaturesAndStaysSmall() {
        ZooterKind kind = new ZooterKind();
        List<Map<String, List<String>>> stages = kind.validationStages();
        assertTrue(stages.get(0).get("tau").contains("0.01"), "τ = 1 flattens rewards in [0, 1]: small τ are tried");
        assertTrue(stages.get(0).get("normalize").contains("standardize"));
        int fits = stages.stream().mapToInt(g -> Tuner.combinations(g).size()).sum();
        assertTrue(fits <= 17, fits + " fits");
        // every grid value is a valid setting
        for (Map<String, List<String>> g : stages) {
            for (Map<String, String> c : Tuner.combinations(g)) {
                kind.defaults().with(c);
            }
        }
    }

    @Test
    void theChosenSettingsAndTheValidationTableAreSavedAndLoadedBack(@TempDir Path dir) {
        SimulatedZoo zoo = SimulatedZoo.generate(SimulatedZoo.Config.defaults().withTrainingQueries(40).withQueriesPerSubset(1));
        RewardDataset train = zoo.training();
        ZooterKind kind = new ZooterKind();
        Map<String, List<String>> labels = new LinkedHashMap<>();
        labels.put("tau", List.of("0.01", "1.0"));
        List<Map<String, List<String>>> stages = List.of(labels, Map.of("beta", List.of("0.3", "1.0")));
        List<String> seen = new java.util.ArrayList<>();
        FittedRouter f = Tuner.tuneStages(kind, new ZooterKind.Settings(RouterStoreTest.tinySpec(7)), stages, 0.2, train,
                KindContext.miniLm(16, null), (s, score, done, total) -> seen.add(s.toString()));
        Tuning t = f.tuning().orElseThrow();
        // β = 0.3 is the spec's own: with the chosen τ it was already scored in stage 1 and is not fitted again
        assertEquals(3, t.candidates().size(), t.candidates().toString());
        assertEquals(3, seen.size());
        String tau = t.best().settings().get("tau");
        assertEquals(Double.parseDouble(tau), ((ZooterKind.Settings) f.settings()).spec().labels().tau());
        Path p = dir.resolve("z");
        f.save(p);
        JsonNode m = RouterStore.manifest(p);
        assertEquals(Double.parseDouble(tau), m.path("settings").path("tau").asDouble());
        assertEquals(3, m.path("tuning").path("candidates").size());
        int chosen = 0;
        for (JsonNode c : m.path("tuning").path("candidates")) {
            chosen += c.path("chosen").asBoolean() ? 1 : 0;
            assertTrue(c.has("validation"), c.toString());
        }
        assertEquals(1, chosen);
        assertEquals(Double.parseDouble(tau), RouterStore.labels(RouterStore.load(p).manifest()).tau());
        List<String> q = zoo.evaluation().records().stream().map(r -> r.query()).toList();
        assertEquals(f.router().route(q), RouterKinds.load(p, KindContext.miniLm(16, null)).route(q));
    }
}
