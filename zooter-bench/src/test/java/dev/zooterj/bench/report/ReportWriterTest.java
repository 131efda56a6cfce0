package dev.zooterj.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zooterj.bench.BenchResults;
import dev.zooterj.bench.MethodResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportWriterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ALL_FILES = Set.of("results.json", "report.md", "report.html", "group_scores.png",
            "quality_vs_cost.png", "beta_sweep.png", "routing_share.png", "entropy_vs_score.png");

    @Test
    void resultsJsonHasTheSchemaAndAMethodsValues(@TempDir Path dir) throws IOException {
        BenchResults results = ReportFixtures.tiny(true);
        ReportWriter.write(results, dir);
        JsonNode root = JSON.readTree(dir.resolve("results.json").toFile());

        assertEquals("tiny", root.get("suite").asText());
        assertTrue(root.get("simulated").asBoolean());
        assertEquals(List.of("a", "b", "c"), JSON.convertValue(root.get("models"), List.class));
        for (String key : List.of("source", "settings", "rerun", "beta_sweep", "differences", "entropy_bins")) {
            assertTrue(root.has(key), key);
        }
        assertEquals(results.methods().stream().map(MethodResult::method).toList(),
                iterable(root.get("methods").fieldNames()));

        MethodResult zooter = results.method("zooter");
        JsonNode z = root.get("methods").get("zooter");
        assertEquals(zooter.average(), z.get("average").asDouble(), 1e-12);
        assertEquals(zooter.mtr(), z.get("mtr").asDouble(), 1e-12);
        assertEquals(zooter.uplift(), z.get("uplift").asDouble(), 1e-12);
        assertEquals(1.0, z.get("generations_per_query").asDouble());
        assertEquals(zooter.groups().get("G1").average(), z.get("groups").get("G1").get("average").asDouble(), 1e-12);
        assertEquals(zooter.groups().get("G2").mtr(), z.get("groups").get("G2").get("mtr").asDouble(), 1e-12);
        assertEquals(Set.of("average", "mtr", "uplift"), Set.copyOf(iterable(z.get("groups").get("G1").fieldNames())));
        assertEquals(1.0, z.get("subsets").get("s1").asDouble(), 1e-12);
        assertEquals(0.0, z.get("subsets").get("s3").asDouble(), 1e-12);
        assertFalse(z.has("cost_per_query"), "no record carries cost, so the method has no cost");
        assertEquals(1.0, z.get("routing_share").get("a").asDouble() + z.get("routing_share").get("b").asDouble()
                + z.get("routing_share").get("c").asDouble(), 1e-12);
        assertEquals("a", root.get("methods").get("bma").get("candidate").asText());
        assertEquals(3.0, root.get("methods").get("oracle").get("generations_per_query").asDouble());

        assertEquals(1.9, root.get("beta_sweep").get("0.3").asDouble());
        assertEquals(Set.of("0.0", "0.3", "1.0"), Set.copyOf(iterable(root.get("beta_sweep").fieldNames())));
        assertEquals(0.25, root.get("differences").get("G1").get("estimate").asDouble());
        assertEquals(1000, root.get("differences").get("G1").get("resamples").asInt());
        assertEquals(ReportFixtures.RERUN, root.get("rerun").asText());
        assertEquals("7", root.get("settings").get("seed").asText());
    }

    @Test
    void nonFiniteNumbersAreWrittenAsNull(@TempDir Path dir) throws IOException {
        ReportWriter.write(ReportFixtures.tiny(true), dir);
        String text = Files.readString(dir.resolve("results.json"));
        assertFalse(text.contains("NaN") || text.contains("Infinity"), text);
        JsonNode root = JSON.readTree(text); // a strict parser: NaN would not parse

        JsonNode hard = root.get("methods").get("hard_label");
        assertTrue(hard.get("mtr").isNull());
        assertTrue(hard.get("uplift").isNull());
        assertTrue(hard.get("average").isNull());
        assertTrue(hard.get("subsets").get("s2").isNull());
        assertEquals(0.5, hard.get("subsets").get("s1").asDouble());
        assertTrue(hard.get("groups").get("G1").get("average").isNull());
        assertTrue(root.get("differences").get("G2").get("low").isNull());
        assertTrue(root.get("entropy_bins").get(1).get("rmr_score").isNull());
        assertTrue(root.get("entropy_bins").get(2).get("zooter").isNull());
        assertEquals(0.1, root.get("entropy_bins").get(2).get("rmr_score").asDouble());
    }

    @Test
    void reportSaysSimulatedOnlyWhenItIs(@TempDir Path dir) throws IOException {
        Path sim = dir.resolve("sim");
        Path real = dir.resolve("real");
        ReportWriter.write(ReportFixtures.tiny(true), sim);
        ReportWriter.write(ReportFixtures.tiny(false), real);

        String md = Files.readString(sim.resolve("report.md"));
        String html = Files.readString(sim.resolve("report.html"));
        assertTrue(md.contains("SIMULATED data"), md);
        assertTrue(html.contains("SIMULATED data"), html);
        assertFalse(Files.readString(real.resolve("report.md")).contains("SIMULATED"));
        assertFalse(Files.readString(real.resolve("report.html")).contains("SIMULATED"));
        assertFalse(Files.readString(real.resolve("report.md")).contains("(simulated)"));
    }

    @Test
    void reportsNameEveryMethodTheRerunCommandAndTheCharts(@TempDir Path dir) throws IOException {
        BenchResults results = ReportFixtures.tiny(true);
        ReportWriter.write(results, dir);
        String md = Files.readString(dir.resolve("report.md"));
        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(md.contains(ReportFixtures.RERUN), md);
        assertTrue(html.contains(ReportFixtures.RERUN), html);
        for (MethodResult m : results.methods()) {
            assertTrue(md.contains("| " + m.method()), m.method());
            assertTrue(html.contains("<td>" + m.method()), m.method());
        }
        for (String png : ALL_FILES.stream().filter(f -> f.endsWith(".png")).toList()) {
            assertTrue(md.contains("](" + png + ")"), png);
            assertTrue(html.contains("src=\"" + png + "\""), png);
        }
        assertTrue(md.contains("| G1 | 0.500 |"), "the gap table holds BMA's G1 average:\n" + md);
        assertFalse(md.contains("NaN"), md);
        assertFalse(html.contains("<script"), "the page needs no JavaScript");
        assertTrue(html.startsWith("<!DOCTYPE html>") && html.contains("<style>"), "self-contained page");
    }

    @Test
    void writesEveryFileAsAValidPngOrTextAndLeavesNoTemporaryFiles(@TempDir Path dir) throws IOException {
        List<Path> written = ReportWriter.write(ReportFixtures.tiny(true), dir);
        assertEquals(ALL_FILES, written.stream().map(p -> p.getFileName().toString()).collect(Collectors.toSet()));
        for (Path p : written) {
            assertTrue(Files.isRegularFile(p), p.toString());
            if (p.toString().endsWith(".png")) {
                BufferedImage image = ImageIO.read(p.toFile());
                assertNotNull(image, p + " is not a readable PNG");
                assertTrue(image.getWidth() >= 600, p + " is " + image.getWidth() + " px wide");
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(ALL_FILES, files.map(p -> p.getFileName().toString()).collect(Collectors.toSet()),
                    "only the report's files, no temporary ones");
        }
    }

    @Test
    void chartsWithoutDataAreNotDrawnAndOldOnesAreRemoved(@TempDir Path dir) throws IOException {
        ReportWriter.write(ReportFixtures.tiny(true), dir);
        BenchResults full = ReportFixtures.tiny(false);
        BenchResults bare = new BenchResults(full.suite(), false, full.source(), full.models(), full.groupOfSubset(),
                full.methods().stream().filter(m -> !m.method().equals("zooter")).toList(), Map.of(), Map.of(),
                List.of(), Map.of(), null);
        List<Path> written = ReportWriter.write(bare, dir);

        Set<String> names = written.stream().map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        assertEquals(Set.of("results.json", "report.md", "report.html", "group_scores.png", "quality_vs_cost.png"),
                names);
        assertFalse(Files.exists(dir.resolve("beta_sweep.png")), "a chart of an earlier run must not stay");
        assertFalse(Files.exists(dir.resolve("routing_share.png")));
        String md = Files.readString(dir.resolve("report.md"));
        assertTrue(md.contains("No β sweep ran."), md);
        assertTrue(md.contains("Zooter did not run."), md);
        assertFalse(md.contains("beta_sweep.png"), md);
        JsonNode root = JSON.readTree(dir.resolve("results.json").toFile());
        assertTrue(root.get("rerun").isNull());
        assertEquals(0, root.get("beta_sweep").size());
    }

    @Test
    void paperLayoutWithCostsUsesCostOnTheQualityChart(@TempDir Path dir) throws IOException {
        BenchResults results = ReportFixtures.paperLike(6);
        List<Path> written = ReportWriter.write(results, dir);
        assertEquals(ALL_FILES, written.stream().map(p -> p.getFileName().toString()).collect(Collectors.toSet()));
        JsonNode zooter = JSON.readTree(dir.resolve("results.json").toFile()).get("methods").get("zooter");
        assertTrue(zooter.get("cost_per_query").isNumber(), "the simulated records carry cost");
        assertEquals(26, zooter.get("subsets").size());
        String md = Files.readString(dir.resolve("report.md"));
        assertTrue(md.contains("cost/query"), md);
        assertTrue(md.contains("| MT-Bench |"), md);
        BufferedImage heat = ImageIO.read(dir.resolve("routing_share.png").toFile());
        assertTrue(heat.getWidth() >= 900, "26 subsets need room: " + heat.getWidth());
    }

    @Test
    void degenerateResultsStillWriteEveryReport(@TempDir Path dir) throws IOException {
        MethodResult only = new MethodResult("zooter", Map.of("s", 0.5),
                Map.of("G", new MethodResult.GroupResult(0.5, 1, 1, List.of("s"))), 1, 1, 1, Double.NaN,
                Map.of("m", 1.0), Map.of("s", Map.of("m", 1.0)), null);
        Map<Double, Double> sweep = new java.util.LinkedHashMap<>();
        sweep.put(0.3, Double.NaN);
        BenchResults r = new BenchResults("one", false, null, List.of("m"), Map.of("s", "G"), List.of(only), sweep,
                Map.of(), List.of(new BenchResults.EntropyBin(0, 1, 0, Double.NaN, Double.NaN, Double.NaN)), Map.of(), "");

        List<Path> written = ReportWriter.write(r, dir);
        assertEquals(Set.of("results.json", "report.md", "report.html", "group_scores.png", "quality_vs_cost.png",
                "routing_share.png"), written.stream().map(p -> p.getFileName().toString()).collect(Collectors.toSet()));
        String md = Files.readString(dir.resolve("report.md"));
        assertTrue(md.contains("(no command was recorded)"), md);
        assertTrue(JSON.readTree(dir.resolve("results.json").toFile()).get("beta_sweep").get("0.3").isNull());
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
