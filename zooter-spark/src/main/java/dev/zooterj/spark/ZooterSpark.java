package dev.zooterj.spark;

import dev.zooterj.data.AtomicFiles;
import dev.zooterj.data.DatasetFormatException;
import dev.zooterj.data.tags.Decontaminator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The main class of the Spark jobs: {@code ./zooter spark JOB ...} runs it in-process in local mode, and
 * {@code spark-submit --class dev.zooterj.spark.ZooterSpark zooter-spark.jar JOB ...} runs the same jobs on a cluster.
 */
@Command(name = "zooter spark", mixinStandardHelpOptions = true,
        description = {"Zooter-J's batch jobs on Apache Spark, for query logs too large for one machine. Local mode",
                "(--master local[*]) is the default; under spark-submit the master is spark-submit's."},
        subcommands = {ZooterSpark.Route.class, ZooterSpark.Embed.class, ZooterSpark.Tags.class, ZooterSpark.Decontaminate.class,
                ZooterSpark.Replay.class})
public final class ZooterSpark {
    private ZooterSpark() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = run(args, out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs a job; errors print one line (the stack trace too with --debug) and give exit code 1. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        boolean debug = List.of(args).contains("--debug");
        String[] rest = List.of(args).stream().filter(a -> !a.equals("--debug")).toArray(String[]::new);
        CommandLine cl = new CommandLine(new ZooterSpark());
        cl.setOut(out);
        cl.setErr(err);
        cl.setUsageHelpWidth(120);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            err.println("zooter spark: " + userMessage(e));
            if (debug) {
                e.printStackTrace(err);
            }
            return 1;
        });
        return cl.execute(rest);
    }

    /** The message of the exception a user can act on: a bad row or option, found through Spark's task-failure wrappers. */
    static String userMessage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DatasetFormatException || t instanceof IllegalArgumentException) {
                return t.getMessage();
            }
        }
        return e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse(e.toString());
    }

    /** Options every job has. */
    static class Common {
        @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: local[*], or spark-submit's).")
        String master;

        @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "jsonl", description = "Output format: jsonl or parquet (default: ${DEFAULT-VALUE}).")
        String format;

        @Option(names = "--debug", description = "Print stack traces.")
        boolean debug;

        SparkSession session(String job) {
            if (!format.equals("jsonl") && !format.equals("parquet")) {
                throw new IllegalArgumentException("--format: expected jsonl or parquet, got '" + format + "'");
            }
            SparkSession.Builder b = SparkSession.builder().appName("zooter " + job);
            if (master != null) {
                b.master(master);
            } else if (System.getProperty("spark.master") == null) {
                b.master("local[*]");
            }
            existing = SparkSession.getActiveSession().isDefined() || SparkSession.getDefaultSession().isDefined();
            return b.config("spark.ui.showConsoleProgress", "true").getOrCreate();
        }

        /** Stops the session unless it was there before the job (an application's, or a test's). */
        void stop(SparkSession s) {
            if (!existing) {
                s.stop();
            }
        }

        private boolean existing;
    }

    static JavaSparkContext context(SparkSession s) {
        return JavaSparkContext.fromSparkContext(s.sparkContext());
    }

    static void writeLines(SparkSession s, JavaRDD<String> lines, String out) {
        s.createDataset(lines.rdd(), Encoders.STRING()).write().mode(SaveMode.Overwrite).text(out);
    }

    @Command(name = "route", mixinStandardHelpOptions = true,
            description = {"Route a JSONL (or Parquet) file of queries with a router directory. The output directory's",
                    "part files (in name order) hold exactly the rows 'zooter route --in/--out' writes:",
                    "{\"id\", \"model\", \"distribution\", \"entropy\"}; with --format parquet, columns id, model,",
                    "probability, entropy, distribution. Every executor loads the router once."})
    static final class Route extends Common implements Callable<Integer> {
        @Option(names = "--router", required = true, paramLabel = "ROUTER_DIR", description = "A directory written by 'zooter train', readable by every executor at this path.")
        String router;

        @Option(names = {"--in", "--data"}, required = true, paramLabel = "FILE|DIR", description = "Queries: JSONL (id and query or messages) or Parquet.")
        String in;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (replaced).")
        String out;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            RouterHolder.check(router);
            SparkSession s = session("route");
            try {
                long t0 = System.nanoTime();
                JavaSparkContext sc = context(s);
                JavaRDD<IndexedQuery> queries;
                if (Inputs.isParquet(sc, in)) {
                    queries = Inputs.queries(s, in);
                } else {
                    JavaRDD<Lines.Line> lines = Lines.read(sc, in).persist(StorageLevel.MEMORY_AND_DISK());
                    Inputs.checkUniqueIds(lines);
                    queries = lines.map(IndexedQuery::of);
                }
                JavaRDD<RouteJob.Routed> routed = RouteJob.decisions(queries, router).persist(StorageLevel.MEMORY_AND_DISK());
                if (format.equals("parquet")) {
                    s.createDataFrame(routed.map(RouteJob.Routed::toRow), RouteJob.DECISIONS).write().mode(SaveMode.Overwrite).parquet(out);
                } else {
                    writeLines(s, routed.map(RouteJob.Routed::row), out);
                }
                Map<String, Long> share = new java.util.TreeMap<>(routed.map(RouteJob.Routed::model).countByValue());
                long n = share.values().stream().mapToLong(Long::longValue).sum();
                double secs = (System.nanoTime() - t0) / 1e9;
                PrintWriter o = spec.commandLine().getOut();
                o.println(String.format(Locale.ROOT, "routed %d queries → %s in %.1f s (%.0f queries/s, master %s)", n, out, secs, n / secs,
                        s.sparkContext().master()));
                share.forEach((m, k) -> o.println(String.format(Locale.ROOT, "  %-30s %8d  %5.1f%%", m, k, 100.0 * k / n)));
                return 0;
            } finally {
                stop(s);
            }
        }
    }

    @Command(name = "embed", mixinStandardHelpOptions = true,
            description = {"Embed queries with a frozen pretrained encoder: rows {\"id\", \"embedding\": [...]}",
                    "(JSONL), or columns id, embedding (Parquet), in input order."})
    static final class Embed extends Common implements Callable<Integer> {
        @Option(names = {"--in", "--data"}, required = true, paramLabel = "FILE|DIR", description = "Queries: JSONL or Parquet.")
        String in;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (replaced).")
        String out;

        @Option(names = "--encoder", defaultValue = "minilm", paramLabel = "NAME", description = "minilm, bge-small-en, bge-small-zh, e5-small, or two joined by '+' (default: ${DEFAULT-VALUE}).")
        String encoder;

        @Option(names = "--max-tokens", defaultValue = "256", paramLabel = "N", description = "Tokens kept per query (default: ${DEFAULT-VALUE}).")
        int maxTokens;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            dev.zooterj.nn.router.FrozenEncoder.of(encoder);    // an unknown name fails here, before Spark starts
            SparkSession s = session("embed");
            try {
                JavaRDD<EmbedJob.Embedded> e = EmbedJob.embed(Inputs.queries(s, in), encoder, maxTokens).persist(StorageLevel.MEMORY_AND_DISK());
                if (format.equals("parquet")) {
                    s.createDataFrame(e.map(EmbedJob.Embedded::toRow), EmbedJob.EMBEDDINGS).write().mode(SaveMode.Overwrite).parquet(out);
                } else {
                    writeLines(s, e.map(EmbedJob.Embedded::json), out);
                }
                spec.commandLine().getOut().println("embedded " + e.count() + " queries with " + encoder + " → " + out);
                return 0;
            } finally {
                stop(s);
            }
        }
    }

    @Command(name = "tags", mixinStandardHelpOptions = true,
            description = {"Cluster tags as 'zooter tags --method cluster': the project's seeded k-means is fitted on",
                    "the driver over the training rows' embeddings (same clusters and names as on one machine),",
                    "then every row is embedded and tagged on the executors. Writes the dataset rows with 'tags'."})
    static final class Tags extends Common implements Callable<Integer> {
        @Option(names = {"--in", "--data"}, required = true, paramLabel = "FILE|DIR", description = "Dataset JSONL.")
        String in;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (replaced).")
        String out;

        @Option(names = "--method", defaultValue = "cluster", paramLabel = "METHOD", description = "cluster (the only method on Spark).")
        String method;

        @Option(names = "--k", split = ",", paramLabel = "K", description = "Clusters per granularity (default: 64).")
        List<Integer> ks = new ArrayList<>(List.of(64));

        @Option(names = "--split", paramLabel = "NAME", description = "Fit on this split (default: 'train' when rows have splits, else all rows).")
        String split;

        @Option(names = "--seed", defaultValue = "42", paramLabel = "N", description = "Seed of the clustering (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--replace", description = "Drop the rows' own tags instead of keeping them before the new ones.")
        boolean replace;

        @Option(names = "--encoder", defaultValue = "minilm", paramLabel = "NAME", description = "The frozen encoder (default: ${DEFAULT-VALUE}).")
        String encoder;

        @Option(names = "--max-tokens", defaultValue = "256", paramLabel = "N", description = "Tokens kept per query (default: ${DEFAULT-VALUE}).")
        int maxTokens;

        @Option(names = "--save-tagger", paramLabel = "FILE", description = "Also save the fitted tagger (as 'zooter tags --save-tagger').")
        Path saveTagger;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (!method.equals("cluster")) {
                throw new IllegalArgumentException("--method: only cluster runs on Spark (keywords fits a vocabulary; use 'zooter tags'), got '" + method + "'");
            }
            if (format.equals("parquet")) {
                throw new IllegalArgumentException("--format: tags writes dataset JSONL (the project's contract), not parquet");
            }
            dev.zooterj.nn.router.FrozenEncoder.of(encoder);
            SparkSession s = session("tags");
            try {
                JavaSparkContext sc = context(s);
                JavaRDD<DatasetRow> rows = Lines.read(sc, in).map(DatasetRow::of).persist(StorageLevel.MEMORY_AND_DISK());
                TagsJob.Result r = TagsJob.cluster(sc, rows, ks, seed, split, encoder, maxTokens, null, !replace, in);
                writeLines(s, r.rows(), out);
                PrintWriter o = spec.commandLine().getOut();
                o.println("fitted " + r.tagger().scheme() + " tags on " + r.trainingRows() + " training rows (" + r.training().description()
                        + "), seed " + seed + "; wrote " + rows.count() + " tagged rows to " + out);
                if (saveTagger != null) {
                    r.tagger().save(saveTagger);
                    o.println("saved the tagger to " + saveTagger);
                }
                return 0;
            } finally {
                stop(s);
            }
        }
    }

    @Command(name = "decontaminate", mixinStandardHelpOptions = true,
            description = {"As 'zooter decontaminate': drop training rows that share a word n-gram with any",
                    "evaluation query, with the same normalisation. Kept rows are written unchanged (in order);",
                    "the dropped ids go to --dropped (default: <out>.dropped)."})
    static final class Decontaminate extends Common implements Callable<Integer> {
        @Option(names = {"--in", "--data"}, required = true, paramLabel = "FILE|DIR", description = "Dataset JSONL.")
        String in;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (replaced).")
        String out;

        @Option(names = "--against", arity = "1..*", paramLabel = "FILE", description = "Evaluation query files (JSONL), read by the driver.")
        List<Path> against = new ArrayList<>();

        @Option(names = "--against-split", arity = "1..*", paramLabel = "NAME", description = "Use the input's rows of these splits as evaluation queries.")
        List<String> againstSplits = new ArrayList<>();

        @Option(names = "--split", paramLabel = "NAME", description = "Check only this split's rows.")
        String split;

        @Option(names = "--ngram", defaultValue = "6", paramLabel = "N", description = "n-gram length in words (default: ${DEFAULT-VALUE}).")
        int ngram;

        @Option(names = "--dropped", paramLabel = "DIR", description = "Where to write the dropped ids (default: <out>.dropped).")
        String dropped;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (ngram < 1) {
                throw new IllegalArgumentException("--ngram must be >= 1, got " + ngram);
            }
            if (against.isEmpty() && againstSplits.isEmpty()) {
                throw new IllegalArgumentException("no evaluation queries: give --against FILE... and/or --against-split NAME...");
            }
            if (split != null && againstSplits.contains(split)) {
                throw new IllegalArgumentException("--split '" + split + "' is also an --against-split: every row would overlap itself");
            }
            List<Decontaminator.EvaluationSet> sets = new ArrayList<>();
            for (Path f : against) {
                sets.add(Decontaminator.EvaluationSet.read(f));
            }
            SparkSession s = session("decontaminate");
            try {
                JavaSparkContext sc = context(s);
                JavaRDD<DatasetRow> rows = Lines.read(sc, in).map(DatasetRow::of).persist(StorageLevel.MEMORY_AND_DISK());
                DecontaminateJob.Result r = DecontaminateJob.run(sc, rows, ngram, sets, againstSplits, split);
                String droppedDir = dropped != null ? dropped : out + ".dropped";
                writeLines(s, r.kept(), out);
                writeLines(s, r.droppedIds(), droppedDir);
                Decontaminator.Report rep = r.report();
                PrintWriter o = spec.commandLine().getOut();
                o.println(in + ": checked " + rep.rowsChecked() + " rows (" + rep.rowsPassedThrough() + " other rows passed through) for shared "
                        + rep.ngram() + "-grams with " + rep.sets().size() + " evaluation set" + (rep.sets().size() == 1 ? "" : "s"));
                for (Decontaminator.SetReport x : rep.sets()) {
                    o.println("  " + x.name() + ": " + x.queries() + " queries (" + x.tooShort() + " shorter than " + rep.ngram()
                            + " words), " + x.distinctNgrams() + " distinct " + rep.ngram() + "-grams; overlapping rows: " + x.overlappingRows());
                }
                o.println("kept " + rep.rowsKept() + " rows, dropped " + rep.rowsDropped() + " (ids in " + droppedDir + "); "
                        + rep.rowsTooShort() + " checked rows are shorter than " + rep.ngram() + " words and cannot overlap");
                o.println("wrote " + out);
                return 0;
            } finally {
                stop(s);
            }
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = {"Replay decisions (the route job's output, or 'zooter route --out'): per model, the share",
                    "of queries, their cost (--costs) and the mean score of the routed model over the rows of a",
                    "scores table (--scores: dataset JSONL with 'scores'), per subset and overall."})
    static final class Replay extends Common implements Callable<Integer> {
        @Option(names = {"--in", "--data"}, required = true, paramLabel = "FILE|DIR", description = "Decisions JSONL.")
        String in;

        @Option(names = "--scores", paramLabel = "FILE|DIR", description = "Dataset JSONL with per-model 'scores' for (some of) the ids.")
        String scores;

        @Option(names = "--costs", split = ",", paramLabel = "MODEL=COST", description = "Cost of one query per model.")
        Map<String, Double> costs;

        @Option(names = "--out", paramLabel = "FILE", description = "Also write the summary as JSON (atomically).")
        Path out;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            SparkSession s = session("replay");
            try {
                JavaSparkContext sc = context(s);
                ReplayJob.Summary sum = ReplayJob.replay(ReplayJob.decisions(Lines.read(sc, in)),
                        scores == null ? null : ReplayJob.scores(Lines.read(sc, scores)), costs);
                spec.commandLine().getOut().print(sum.format());
                spec.commandLine().getOut().flush();
                if (out != null) {
                    AtomicFiles.writeString(out, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(sum.toJson()) + "\n");
                }
                return 0;
            } finally {
                stop(s);
            }
        }
    }
}
