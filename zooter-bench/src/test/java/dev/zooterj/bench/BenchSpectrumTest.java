package dev.zooterj.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zooterj.bench.report.ReportWriter;
import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.core.label.LabelConfig;
import dev.zooterj.nn.head.HeadConfig;
import dev.zooterj.nn.router.RouterSpec;
import dev.zooterj.nn.train.TrainingConfig;
import dev.zooterj.nn.train.TrainingMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Route-or-rerank, the fixed best-k sets and the cost sweep in a bench run with kNN on a tiny embedder. */
class BenchSpectrumTest {
    /** BenchKindsTest's topics with a cost per model: a is cheap, c dear. */
    static List<RewardRecord> withCost(List<RewardRecord> rows) {
        List<RewardRecord> out = new ArrayList<>();
        for (RewardRecord r : rows) {
            out.add(new RewardRecord(r.id(), r.query(), null, r.tags(), r.subset(), r.split(), r.rewards(), r.scores(),
                    new double[] {1, 2, 5}));
        }
        return out;
    }

    static BenchResults run(boolean cost, BenchRunner.Spectrum sp) {
        List<RewardRecord> train = BenchKindsTest.rows("train", 40, false);
        List<RewardRecord> test = BenchKindsTest.rows("test", 8, false);
        RewardDataset tr = new RewardDataset(BenchKindsTest.MODELS, cost ? withCost(train) : train);
        RewardDataset te = new RewardDataset(BenchKindsTest.MODELS, cost ? withCost(test) : test);
        RouterSpec spec = new RouterSpec(RouterSpec.MINILM, null, TrainingMode.HEAD, HeadConfig.linear(), LabelConfig.paper(),
                TrainingConfig.headDefaults().withSeed(5), 16, false, null);
        BenchRunner.Options o = new BenchRunner.Options(spec, List.of(), false, List.of("knn"), false,
                Map.of("knn", Map.of("k", "5")), new BenchKindsTest.Toy(), 1, 50, 0);
        return BenchRunner.run(new BenchKindsTest.Suite(tr, te), o, sp, Map.of(), "test", line -> { });
    }

    @Test
    void theCurveHasAPointPerBudgetBesideTheFixedSets(@TempDir Path dir) throws Exception {
        BenchResults r = run(true, BenchRunner.Spectrum.defaults());
        for (String m : List.of("rerank_1", "rerank_1.25", "rerank_1.5", "rerank_2", "rerank_3", "best2_fixed")) {
            assertNotNull(r.method(m), m + " in " + r.methods().stream().map(MethodResult::method).toList());
        }
        assertNull(r.method("rerank_5"), "budgets above N are dropped");
        // a budget of 1 is the router itself
        assertEquals(r.method("knn").average(), r.method("rerank_1").average(), 1e-12);
        assertEquals(1.0, r.method("rerank_1").generationsPerQuery(), 1e-12);
        assertEquals(2.0, r.method("best2_fixed").generationsPerQuery(), 1e-12);
        assertTrue(r.settings().get("rerank_1.5 chosen on validation").contains("validation"), r.settings().toString());
        // more budget never scores lower here: the topics are separable and the rewards agree with the scores
        assertTrue(r.method("rerank_3").average() >= r.method("rerank_1").average() - 1e-12);

        BenchResults.CostSweep c = r.costSweep();
        assertNotNull(c, "the rows carry cost: the sweep runs by default");
        assertEquals(BenchRunner.SWEEP_MULTIPLES.size(), c.points().get("knn").size());
        assertEquals(5.0, c.maxCost(), 1e-12, "model c costs 5 per query");
        assertTrue(c.aiq().get("knn") > 0 && c.aiq().get("single_models") > 0, c.aiq().toString());
        // the largest weight sends everything to the cheapest model
        BenchResults.CostPoint dearest = c.points().get("knn").get(c.points().get("knn").size() - 1);
        assertEquals(1.0, dearest.cost(), 1e-12);
        // every model is best on one topic: strong = the first best on the training rows, weak = the cheapest other
        assertEquals("a", c.pair().strong());
        assertEquals("b", c.pair().weak());
        assertEquals(11, c.pair().curve().size());
        assertTrue(Double.isNaN(c.pair().apgr()), "strong and weak score the same: no gap to recover");

        ReportWriter.write(r, dir);
        JsonNode json = new ObjectMapper().readTree(Files.readString(dir.resolve("results.json")));
        double g = json.at("/methods/rerank_1.5/generations_per_query").asDouble();
        assertTrue(g >= 1 && g <= 3, "generations per query " + g);
        assertTrue(json.at("/methods/best2_fixed/average").isNumber());
        assertTrue(json.at("/cost_sweep/aiq/knn").isNumber(), json.toPrettyString());
        assertTrue(Files.size(dir.resolve("quality_vs_generations.png")) > 1000);
        assertTrue(Files.size(dir.resolve("cost_sweep.png")) > 1000);
        assertTrue(Files.readString(dir.resolve("report.md")).contains("Route or rerank"));
    }

    @Test
    void noCostNoSweep() {
        BenchResults r = run(false, BenchRunner.Spectrum.defaults());
        assertNull(r.costSweep());
        assertNotNull(r.method("rerank_2"));
        BenchResults none = run(false, BenchRunner.Spectrum.none());
        assertFalse(none.methods().stream().anyMatch(m -> m.method().startsWith("rerank_") || m.method().endsWith("_fixed")));
    }
}
