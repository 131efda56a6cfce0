package dev.zooterj.cli;

import dev.zooterj.core.progress.ProgressBar;
import dev.zooterj.gateway.Limits;
import dev.zooterj.gateway.backend.BackendsFile;
import dev.zooterj.gateway.collect.CollectConfig;
import dev.zooterj.gateway.collect.CollectFailure;
import dev.zooterj.gateway.collect.CollectListener;
import dev.zooterj.gateway.collect.CollectPaths;
import dev.zooterj.gateway.collect.CollectPlan;
import dev.zooterj.gateway.collect.CollectQuery;
import dev.zooterj.gateway.collect.CollectResult;
import dev.zooterj.gateway.collect.CollectSetup;
import dev.zooterj.gateway.collect.Collector;
import dev.zooterj.gateway.collect.RetryPolicy;
import dev.zooterj.gateway.http.BackendClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

@Command(name = "collect", mixinStandardHelpOptions = true,
        description = {"Build a reward dataset from live OpenAI-compatible backends, as the paper built",
                "its training data: every candidate answers every query, a reward model scores",
                "each answer, an optional tagger tags each query. Writes the dataset JSONL",
                "(rewards; cost from token usage when every backend has a price), the answers",
                "side file, and a journal of every finished step. Rerun the same command after",
                "a crash, a failure or Ctrl-C: it does only what is missing, and nothing",
                "finished is requested again.",
                ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every query is in the dataset",
                "1:an error (bad input, bad backends file, unset API key, journal for other settings)",
                "2:bad command-line options",
                "3:some pairs failed: the dataset holds the complete queries, the failures are listed (all of them in <out stem>.failures.jsonl) and a rerun retries only them",
                "130:stopped by Ctrl-C; rerun to continue"},
        footer = {"", "The backends file (JSON, or YAML for .yaml/.yml):",
                "  {\"backends\": [",
                "     {\"name\": \"llama\", \"baseUrl\": \"http://localhost:8000/v1\",",
                "      \"model\": \"meta-llama/Llama-3.1-8B-Instruct\", \"apiKeyEnv\": \"VLLM_KEY\",",
                "      \"timeoutSeconds\": 120, \"maxConcurrent\": 16,",
                "      \"pricePer1kOutputTokens\": 0.0002, \"pricePer1kInputTokens\": 0.0001},",
                "     ...],",
                "   \"judge\": {\"baseUrl\": ..., \"model\": ..., \"apiKeyEnv\": ...,",
                "             (or \"backend\": \"<a candidate's name>\" instead of those three)",
                "             \"promptFile\": \"judge.txt\", \"min\": 1, \"max\": 10,",
                "             \"temperature\": 0, \"maxTokens\": 1024},",
                "   \"tagger\": {\"baseUrl\": ..., \"model\": ..., \"promptFile\": \"tags.txt\",",
                "              \"maxTags\": 10}}",
                "  Instead of \"judge\", a plain HTTP reward model:",
                "   \"rewardEndpoint\": {\"url\": \"http://localhost:8080/score\",",
                "                      \"timeoutSeconds\": 60, \"maxConcurrent\": 8}",
                "  takes POST {\"query\", \"response\"} and answers a number or {\"reward\": x}.",
                "  Its url may hold a key in the query (?code=...): it is sent, but printed and",
                "  journaled without the query (plus a hash, so a changed url is noticed).",
                "  A baseUrl holds no user:pass@ or query; other top-level keys are errors.",
                "",
                "The judge's prompt file contains {query} and {response}. Its score is the last",
                "[[N]] in the reply, else a JSON {\"score\": N}, a bare number, or a line",
                "'Score: N'; it must lie in [min, max], or the reply counts as invalid and is",
                "retried. The tagger's prompt file (optional) contains {query} and asks for a",
                "JSON array of tags (strings or {\"tag\": ...}). Prompt files are relative to",
                "the backends file. API keys come from the named environment variables only.",
                "", "Example:",
                "  zooter collect --data queries.jsonl --backends backends.json --out data.jsonl",
                "  zooter labels --data data.jsonl"})
final class CollectCommand implements Callable<Integer> {
    static final int INCOMPLETE = 3;
    static final int STOPPED = 130;
    private static final int LISTED = 10;

    @Option(names = "--data", required = true, paramLabel = "FILE",
            description = "Queries JSONL: id and query (or instruction, or messages), optional tags, subset, split.")
    Path data;

    @Option(names = "--backends", required = true, paramLabel = "FILE", description = "The backends file (see below).")
    Path backends;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Dataset JSONL to write (atomically, at the end).")
    Path out;

    @Option(names = "--answers", paramLabel = "FILE",
            description = "Answers side file (id, model, answer, usage, latency, reward). Default: <out stem>.answers.jsonl")
    Path answers;

    @Option(names = "--journal", paramLabel = "FILE", description = "The resumable journal. Default: <out stem>.journal.jsonl")
    Path journal;

    @Option(names = "--reuse-journal", description = "Use a journal written for other queries, models, reward model, "
            + "tagger or generation settings: keep what still matches, redo the rest (without it such a journal is refused).")
    boolean reuseJournal;

    @Option(names = "--temperature", defaultValue = "0.7", paramLabel = "T", description = "Candidates' sampling temperature (default: ${DEFAULT-VALUE}, as the paper).")
    double temperature;

    @Option(names = "--max-tokens", defaultValue = "2048", paramLabel = "N", description = "Most tokens per answer (default: ${DEFAULT-VALUE}, as the paper).")
    int maxTokens;

    @Option(names = "--concurrency", defaultValue = "0", paramLabel = "N",
            description = "Most requests in flight per backend, generating, judging and tagging together (a judge that is also a "
                    + "candidate shares its limit); 0 (default) uses each backend's maxConcurrent, which also caps this.")
    int concurrency;

    @Option(names = "--retries", defaultValue = "4", paramLabel = "N",
            description = "Retries per request after the first try, on 429, 5xx, timeouts, malformed answers and invalid scores or tags (default: ${DEFAULT-VALUE}).")
    int retries;

    @Option(names = "--backoff", defaultValue = "1", paramLabel = "SECONDS",
            description = "First retry delay; doubles per retry, with jitter; a Retry-After header replaces it (default: ${DEFAULT-VALUE}).")
    double backoff;

    @Option(names = "--max-backoff", defaultValue = "60", paramLabel = "SECONDS", description = "Longest retry delay (default: ${DEFAULT-VALUE}).")
    double maxBackoff;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "N", description = "Seed of the retry jitter (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--stop-grace", defaultValue = "30", paramLabel = "SECONDS",
            description = "On Ctrl-C, how long requests in flight may finish so that their (paid) answers are journaled (default: ${DEFAULT-VALUE}).")
    double stopGrace;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (retries < 0) {
            throw new IllegalArgumentException("--retries must be >= 0, got " + retries);
        }
        if (!(backoff >= 0) || !(maxBackoff >= backoff) || maxBackoff > Limits.MAX_WAIT_SECONDS) {
            throw new IllegalArgumentException("need 0 <= --backoff <= --max-backoff <= " + (long) Limits.MAX_WAIT_SECONDS
                    + " seconds, got " + backoff + " and " + maxBackoff);
        }
        if (concurrency < 0 || concurrency > Limits.MAX_CONCURRENT) {
            throw new IllegalArgumentException("--concurrency must be in 0.." + Limits.MAX_CONCURRENT + ", got " + concurrency);
        }
        if (!(stopGrace >= 0 && stopGrace <= Limits.MAX_WAIT_SECONDS)) {
            throw new IllegalArgumentException("--stop-grace must be in 0.." + (long) Limits.MAX_WAIT_SECONDS
                    + " seconds, got " + stopGrace);
        }
        PrintWriter o = spec.commandLine().getOut();
        BackendClient client = new BackendClient();
        BackendsFile file = BackendsFile.load(backends);
        CollectSetup setup = CollectSetup.from(file, client);
        CollectPaths paths = CollectPaths.nextTo(out).withAnswers(answers).withJournal(journal);
        Map<String, Path> inputs = new LinkedHashMap<>();
        inputs.put("--data", data);
        inputs.putAll(CollectSetup.inputFiles(file));
        paths.checkSafe(inputs);  // before anything is read at length or written
        List<CollectQuery> queries = CollectQuery.read(data);
        if (queries.isEmpty()) {
            throw new IllegalArgumentException(data + ": no queries");
        }
        CollectConfig config = new CollectConfig(temperature, maxTokens, new RetryPolicy(retries + 1,
                seconds(backoff), seconds(maxBackoff), seed), concurrency, reuseJournal);
        String what = "collect: " + queries.size() + " queries × " + setup.candidates().size() + " candidates ("
                + String.join(", ", setup.candidates().stream().map(b -> b.name()).toList()) + "); reward: "
                + setup.scorer() + "; tagger: " + (setup.tagger() == null ? "none" : setup.tagger());
        Collector collector = new Collector(setup, client, config);
        Progress progress = new Progress(o, System.err, what, paths.journal());
        collector.listener(progress);
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> stopGracefully(collector, finished), "collect-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            CollectResult result = collector.run(queries, paths);
            progress.close();
            return report(o, result, paths);
        } finally {
            progress.close();
            o.flush();
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running and waits for 'finished'
            }
        }
    }

    private void stopGracefully(Collector collector, CountDownLatch finished) {
        System.err.println(String.format(Locale.ROOT, "%nstopping: requests in flight may finish for up to %.0f s so that "
                + "their answers are journaled; rerun the same command to continue", stopGrace));
        collector.stop();
        try {
            if (!finished.await(Math.round(stopGrace * 1000), TimeUnit.MILLISECONDS)) {
                System.err.println("stopping now: requests still in flight are abandoned");
                collector.abort();
                finished.await(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Duration seconds(double s) {
        return Duration.ofNanos(Math.round(s * 1e9));
    }

    private static int report(PrintWriter o, CollectResult r, CollectPaths paths) {
        CollectPlan plan = r.plan();
        if (r.stopped()) {
            int done = plan.pairsDone() + r.scored();
            o.println("stopped: " + done + " of " + plan.queries() * plan.candidates() + " pairs are done and journaled in "
                    + paths.journal() + "; rerun the same command to continue");
            return STOPPED;
        }
        o.println(String.format(Locale.ROOT, "done in %.1f s: %d answers generated, %d scored, %d queries tagged; "
                        + "%d retries, %d invalid judge/tagger replies", r.elapsed().toMillis() / 1000.0, r.generated(),
                r.scored(), r.tagged(), r.retries(), r.invalidOutputs()));
        o.println((r.rowsWritten() > 0 ? "wrote " + r.rowsWritten() + " rows × " + plan.candidates() + " models to "
                + paths.dataset() + "; answers" : "answers") + " in " + paths.answers());
        r.notes().forEach(n -> o.println("note: " + n));
        if (r.complete()) {
            return 0;
        }
        o.println("incomplete: " + r.incompleteQueries().size() + " of " + plan.queries() + " queries are not in the "
                + "dataset (" + r.failures().size() + " failed steps); rerun the same command to retry only those");
        r.failures().stream().limit(LISTED).forEach(f -> o.println("  " + f));
        if (r.failures().size() > LISTED) {
            o.println("  ... and " + (r.failures().size() - LISTED) + " more");
        }
        o.println("all failures: " + paths.failures());
        return INCOMPLETE;
    }

    /** Plan lines on stdout, a progress bar (pairs/s, ETA) on stderr. */
    private static final class Progress implements CollectListener {
        private final PrintWriter out;
        private final PrintStream bars;
        private final String what;
        private final Path journal;
        private ProgressBar bar;
        private int failed;
        private int retries;

        Progress(PrintWriter out, PrintStream bars, String what, Path journal) {
            this.out = out;
            this.bars = bars;
            this.what = what;
            this.journal = journal;
        }

        @Override
        public void planned(CollectPlan p) {
            List<String> parts = new ArrayList<>();
            if (p.journal().created()) {
                parts.add("new");
            } else {
                parts.add(p.pairsDone() + " pairs done");
                if (p.toScore() > 0) {
                    parts.add(p.toScore() + " answers to score (not generated again)");
                }
            }
            parts.add(p.toGenerate() + " pairs to generate");
            if (p.toTag() > 0) {
                parts.add(p.toTag() + " queries to tag");
            }
            if (p.journal().tornLines() > 0) {
                parts.add("1 torn final line from an interrupted write dropped (that step is redone)");
            }
            if (!p.journal().differences().isEmpty()) {
                parts.add("reused although " + String.join("; ", p.journal().differences()));
            }
            if (p.staleEntries() > 0) {
                parts.add(p.staleEntries() + " entries that no longer match ignored");
            }
            out.println(what);
            out.println("journal " + journal + ": " + String.join(", ", parts));
            out.flush();
            if (p.pairsToDo() > 0) {
                synchronized (this) {
                    bar = new ProgressBar(bars, "collect", p.pairsToDo(), "pairs");
                }
            }
        }

        @Override
        public synchronized void pairFinished(String queryId, String backend, double reward) {
            step();
        }

        @Override
        public synchronized void failed(CollectFailure f) {
            failed++;
            if (f.backend() != null) {
                step();
            }
        }

        @Override
        public synchronized void retrying(String step, int failedAttempt, Duration delay, String reason) {
            retries++;
        }

        private void step() {
            if (bar != null) {
                bar.setSuffix(failed + " failed, " + retries + " retries");
                bar.step(1);
            }
        }

        synchronized void close() {
            if (bar != null) {
                bar.close();
                bar = null;
            }
        }
    }
}
