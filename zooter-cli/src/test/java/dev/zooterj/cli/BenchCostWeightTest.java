package dev.zooterj.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bench --cost-weight} on the simulated zoo (whose rows carry a cost per model), small: kNN on MiniLM through a
 * throw-away cache. A weight of 0 is the calibrated router; a huge weight sends every query to the cheapest model.
 */
class BenchCostWeightTest {
    @TempDir
    static Path dir;

    static JsonNode bench(String lambda, String out) throws IOException {
        CliRunner r = CliRunner.run("bench", "--suite", "paper-sim", "--train-size", "60", "--per-subset", "1",
                "--methods", "knn", "--knn", "5", "--no-tune", "--no-hard-label", "--epochs", "1", "--no-rerank", "--no-cost-sweep",
                "--rerank-folds", "2", "--max-tokens", "24", "--bootstrap", "20", "--cost-weight", lambda,
                "--cache", dir.resolve("cache").toString(), "--out", dir.resolve(out).toString());
        assertEquals(0, r.exitCode(), r.err());
        return new ObjectMapper().readTree(dir.resolve(out).resolve("results.json").toFile());
    }

    @Test
    void aHugeCostWeightSendsEveryQueryToTheCheapestModel() throws IOException {
        JsonNode huge = bench("1e9", "huge");
        JsonNode cw = huge.at("/methods/cost_weighted");
        assertTrue(cw.path("average").isNumber(), "methods: " + huge.path("methods").fieldNames().next() + " ...");
        assertEquals(1.0, cw.path("generations_per_query").asDouble(), 1e-12);
        double cheapest = Double.POSITIVE_INFINITY;
        for (JsonNode m : huge.path("methods")) {
            if (m.has("candidate") && m.path("routing_share").path(m.path("candidate").asText()).asDouble() == 1.0) {
                cheapest = Math.min(cheapest, m.path("cost_per_query").asDouble(Double.POSITIVE_INFINITY));
            }
        }
        JsonNode zero = bench("0", "zero");
        double c0 = zero.at("/methods/cost_weighted/cost_per_query").asDouble();
        double cHuge = cw.path("cost_per_query").asDouble();
        assertTrue(cHuge < c0, "a huge weight costs less than none: " + cHuge + " vs " + c0);
        assertTrue(Double.isFinite(cheapest), "the single models are reported");
        assertEquals(cheapest, cHuge, 1e-9,
                "the cheapest single model's cost " + cheapest + ", got " + cHuge);
    }
}
