package dev.zooterj.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.core.label.LabelConfig;
import dev.zooterj.core.routing.Router;
import dev.zooterj.core.routing.RoutingDecision;
import dev.zooterj.data.DecisionRows;
import dev.zooterj.data.QueryReader;
import dev.zooterj.data.RewardDatasetReader;
import dev.zooterj.data.RewardDatasetWriter;
import dev.zooterj.data.sim.SimulatedZoo;
import dev.zooterj.data.tags.DatasetTagger;
import dev.zooterj.data.tags.Decontaminator;
import dev.zooterj.data.tags.TagScheme;
import dev.zooterj.data.tags.TrainingRows;
import dev.zooterj.nn.encoder.BertConfig;
import dev.zooterj.nn.head.HeadConfig;
import dev.zooterj.nn.router.EncoderEmbedder;
import dev.zooterj.nn.router.RouterSpec;
import dev.zooterj.nn.router.RouterStore;
import dev.zooterj.nn.router.ZooterTrainer;
import dev.zooterj.nn.train.TrainingConfig;
import dev.zooterj.nn.train.TrainingMode;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Spark jobs in local[2] against the single-machine code on the simulated zoo: one session and one tiny scratch
 * router for the class. Routing must give the single-machine rows bit for bit, tags and decontamination the same
 * results, and bad input a located error.
 */
class SparkJobsTest {
    @TempDir
    static Path dir;
    static SparkSession spark;
    static JavaSparkContext sc;
    static Path router;
    static Path train;
    static Path eval;
    static Path queries;

    @BeforeAll
    static void startSparkAndTrainARouter() {
        spark = SparkSession.builder().master("local[2]").appName("zooter-spark tests")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
        sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        // 26 subsets x 12 = 312 evaluation queries: two routing chunks of 256, split across two input partitions
        SimulatedZoo zoo = SimulatedZoo.generate(SimulatedZoo.Config.defaults().withTrainingQueries(80).withQueriesPerSubset(12));
        train = dir.resolve("train.jsonl");
        eval = dir.resolve("eval.jsonl");
        RewardDatasetWriter.write(zoo.training(), train);
        RewardDatasetWriter.write(zoo.evaluation(), eval);
        queries = eval;
        RouterSpec tiny = new RouterSpec(RouterSpec.SCRATCH, BertConfig.small(30522, 16, 1), TrainingMode.SCRATCH, HeadConfig.mlp(8),
                LabelConfig.paper(), new TrainingConfig(1, 8, 1e-3, 1e-4, 0.1, 1.0, 7, 0.2, 0), 16, true, null);
        router = dir.resolve("router");
        RouterStore.save(ZooterTrainer.train(zoo.training(), tiny, "sim", "sha", null, new ZooterTrainer.Listener() { }), router);
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    /** What zooter route --in/--out writes: the file's queries routed in consecutive chunks, as DecisionRows. */
    static List<String> singleMachineRows(Path file) {
        List<QueryReader.Query> qs = QueryReader.read(file);
        Router r = RouterHolder.get(router.toString());
        List<String> rows = new ArrayList<>();
        for (int from = 0; from < qs.size(); from += DecisionRows.CHUNK) {
            List<QueryReader.Query> chunk = qs.subList(from, Math.min(qs.size(), from + DecisionRows.CHUNK));
            List<RoutingDecision> ds = r.route(chunk.stream().map(QueryReader.Query::text).toList());
            for (int i = 0; i < chunk.size(); i++) {
                rows.add(DecisionRows.line(chunk.get(i).id(), ds.get(i)));
            }
        }
        return rows;
    }

    static List<String> partFiles(Path out) throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(out)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("part-")).sorted().toList()) {
                lines.addAll(Files.readAllLines(f));
            }
        }
        return lines;
    }

    static CliResult cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ZooterSpark.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliResult(code, out.toString(), err.toString());
    }

    record CliResult(int code, String out, String err) {
    }

    @Test
    void routeWritesExactlyTheSingleMachineRowsInOrder() throws IOException {
        JavaRDD<Lines.Line> lines = Lines.read(sc, queries.toString());
        assertTrue(lines.getNumPartitions() >= 2, "the input must span partitions for the chunk alignment to matter");
        Path out = dir.resolve("routed");
        CliResult r = cli("route", "--router", router.toString(), "--in", queries.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("routed 312 queries"), r.out());
        List<String> expected = singleMachineRows(queries);
        assertEquals(312, expected.size());
        assertEquals(expected, partFiles(out));
    }

    @Test
    void parquetInAndOutGiveTheSameDecisions() throws IOException {
        List<String> expected = singleMachineRows(queries);
        Path pq = dir.resolve("queries.parquet");
        spark.read().json(queries.toString()).select("id", "query").coalesce(1).write().parquet(pq.toString());
        Path out = dir.resolve("routed-parquet");
        CliResult r = cli("route", "--router", router.toString(), "--in", pq.toString(), "--out", out.toString(), "--format", "parquet");
        assertEquals(0, r.code(), r.err());
        List<Row> rows = spark.read().parquet(out.toString()).collectAsList();
        assertEquals(expected.size(), rows.size());
        ObjectMapper json = new ObjectMapper();
        Map<String, JsonNode> byId = new HashMap<>();
        for (String e : expected) {
            JsonNode n = json.readTree(e);
            byId.put(n.get("id").asText(), n);
        }
        for (Row row : rows) {
            JsonNode e = byId.get(row.getString(0));
            assertEquals(e.get("model").asText(), row.getString(1));
            assertEquals(e.get("entropy").asDouble(), row.getDouble(3), 0.0);
            assertEquals(e.get("distribution").get(e.get("model").asText()).asDouble(), row.getDouble(2), 0.0);
        }
    }

    @Test
    void theDataFrameApiAddsDecisionColumns() {
        Dataset<Row> df = spark.read().json(queries.toString()).select("id", "query");
        List<Row> routed = RouteJob.route(df, "query", router.toString()).collectAsList();
        Router r = RouterHolder.get(router.toString());
        assertEquals(312, routed.size());
        for (Row row : routed.subList(0, 20)) {
            RoutingDecision d = r.route(row.getString(1));
            assertEquals(d.model(), row.getString(2));
            assertEquals(d.probability(), row.getDouble(3), 1e-5);
        }
    }

    @Test
    void aMissingRouterDirectoryFailsNamingTheOption() {
        CliResult r = cli("route", "--router", dir.resolve("nope").toString(), "--in", queries.toString(), "--out", dir.resolve("x").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--router " + dir.resolve("nope") + ": directory not found"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void aMalformedRowFailsWithItsFileLineAndField() throws IOException {
        Path bad = dir.resolve("bad.jsonl");
        Files.write(bad, List.of("{\"id\": \"a\", \"query\": \"Write a haiku\"}", "", "{\"id\": \"b\", \"prompt\": \"no query field\"}"));
        CliResult r = cli("route", "--router", router.toString(), "--in", bad.toString(), "--out", dir.resolve("y").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("zooter spark: " + bad + ":3: field 'query': missing or empty"), r.err());

        Path dup = dir.resolve("dup.jsonl");
        Files.write(dup, List.of("{\"id\": \"a\", \"query\": \"one\"}", "{\"id\": \"b\", \"query\": \"two\"}", "{\"id\": \"a\", \"query\": \"three\"}"));
        r = cli("route", "--router", router.toString(), "--in", dup.toString(), "--out", dir.resolve("z").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains(dup + ":3: field 'id': duplicate id 'a' (first on line 1)"), r.err());
    }

    @Test
    void decontaminationEqualsTheSingleMachineCommand() throws IOException {
        RewardDataset data = RewardDatasetReader.read(train);
        List<Decontaminator.EvaluationSet> sets = List.of(Decontaminator.EvaluationSet.read(eval));
        Decontaminator.Result single = new Decontaminator(4, sets).apply(data);
        assertFalse(single.report().droppedIds().isEmpty(), "the fixture must drop some rows for the comparison to mean something");

        Path out = dir.resolve("clean");
        CliResult r = cli("decontaminate", "--in", train.toString(), "--against", eval.toString(), "--ngram", "4", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> kept = partFiles(out);
        assertEquals(single.dataset().records().stream().map(RewardRecord::id).toList(),
                kept.stream().map(l -> l.replaceAll("^\\{\"id\":\"([^\"]*)\".*", "$1")).toList());
        assertEquals(single.report().droppedIds(), partFiles(Path.of(out + ".dropped")));

        JavaRDD<DatasetRow> rows = Lines.read(sc, train.toString()).map(DatasetRow::of);
        assertEquals(single.report(), DecontaminateJob.run(sc, rows, 4, sets, List.of(), null).report());
    }

    @Test
    void clusterTagsEqualTheSingleMachineTagsForTheSameSeed() throws IOException {
        RewardDataset data = RewardDatasetReader.read(train);
        TagScheme scheme = TagScheme.cluster(List.of(3, 5));
        DatasetTagger.Fitted single = DatasetTagger.fitAndApply(data, TrainingRows.choose(data, null, "train"), scheme,
                EncoderEmbedder.miniLm(64, null, null), 11, true);

        Path out = dir.resolve("tagged");
        CliResult r = cli("tags", "--in", train.toString(), "--k", "3,5", "--seed", "11", "--max-tokens", "64", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> rows = partFiles(out);
        assertEquals(data.size(), rows.size());
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < rows.size(); i++) {
            JsonNode n = json.readTree(rows.get(i));
            RewardRecord expected = single.data().records().get(i);
            assertEquals(expected.id(), n.get("id").asText());
            List<String> tags = new ArrayList<>();
            n.get("tags").forEach(t -> tags.add(t.asText()));
            assertEquals(expected.tags(), tags, "row " + expected.id());
        }
    }

    @Test
    void replaySummarisesShareCostAndTheRoutedModelsScores() throws IOException {
        List<String> decisions = singleMachineRows(queries);
        Path file = dir.resolve("decisions.jsonl");
        Files.write(file, decisions);
        RewardDataset scored = RewardDatasetReader.read(eval);
        ObjectMapper json = new ObjectMapper();
        Map<String, String> routedTo = new HashMap<>();
        for (String d : decisions) {
            JsonNode n = json.readTree(d);
            routedTo.put(n.get("id").asText(), n.get("model").asText());
        }
        double sum = 0;
        for (RewardRecord rec : scored.records()) {
            sum += rec.scores()[scored.models().indexOf(routedTo.get(rec.id()))];
        }
        Map<String, Double> costs = new HashMap<>();
        scored.models().forEach(m -> costs.put(m, 2.0));
        ReplayJob.Summary s = ReplayJob.replay(ReplayJob.decisions(Lines.read(sc, file.toString())),
                ReplayJob.scores(Lines.read(sc, eval.toString())), costs);
        assertEquals(312, s.queries());
        assertEquals(312, s.scored());
        assertEquals(0, s.unscored());
        assertEquals(sum / 312, s.meanScore(), 1e-9);
        assertEquals(2.0 * 312, s.totalCost(), 1e-9);
        assertEquals(1.0, s.models().stream().mapToDouble(ReplayJob.ModelLine::share).sum(), 1e-9);

        CliResult cli = cli("replay", "--in", file.toString(), "--scores", eval.toString());
        assertEquals(0, cli.code(), cli.err());
        assertTrue(cli.out().contains(String.format(java.util.Locale.ROOT, "%.4f", sum / 312)), cli.out());
    }

    @Test
    void embeddingsAreTheEncodersVectorsInInputOrder() {
        JavaRDD<IndexedQuery> qs = Lines.read(sc, queries.toString()).map(IndexedQuery::of).filter(q -> q.index() < 6);
        List<EmbedJob.Embedded> e = EmbedJob.embed(qs, "minilm", 32).collect();
        List<String> texts = QueryReader.read(queries).subList(0, 6).stream().map(QueryReader.Query::text).toList();
        float[][] expected = EncoderEmbedder.miniLm(32, null, null).embed(texts);
        assertEquals(6, e.size());
        for (int i = 0; i < 6; i++) {
            assertEquals(i, e.get(i).index());
            assertArrayEquals(expected[i], e.get(i).embedding(), 1e-5f);
        }
    }
}
