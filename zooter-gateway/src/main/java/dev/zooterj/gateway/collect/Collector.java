package dev.zooterj.gateway.collect;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zooterj.gateway.backend.Backend;
import dev.zooterj.gateway.http.BackendClient;
import dev.zooterj.gateway.http.BackendException;
import dev.zooterj.gateway.http.Completion;
import dev.zooterj.gateway.secrets.Redactor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a collect: every candidate answers every query, the scorer scores each answer, the tagger (if any) tags each
 * query, and the finished queries become a dataset.
 *
 * <p>Each candidate has its own pool of worker threads, as many as its concurrency limit, so a slow or failing
 * backend never holds up the others. The scorer and the tagger have pools of their own. A pair is generated on its
 * backend's pool, journaled, and only then handed to the scorer's pool: a crash between the two never pays for the
 * generation again. Every request is retried by the {@link RetryPolicy}.
 *
 * <p>{@link CollectConfig#concurrency()} lowers every backend's limit ({@link CollectSetup#withConcurrency}), and the
 * {@link BackendClient} enforces each backend's limit across all pools, so a judge or tagger that is also a candidate
 * shares that candidate's limit. For that, pass the same client to {@link CollectSetup#from} and to this constructor.
 *
 * <p>{@link #stop()} ends a run gracefully. No new request starts and no retry is waited for, while requests already
 * sent finish and are journaled, since they are paid for. {@link #abort()} also interrupts those requests. A stopped
 * run writes only the journal; running again with the same journal continues it. One collector runs once.
 */
public final class Collector {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Backend> candidates;
    private final RewardScorer scorer;
    private final Tagger tagger;
    private final BackendClient client;
    private final CollectConfig config;
    private final StopSignal stop = new StopSignal();
    private final AtomicBoolean started = new AtomicBoolean();
    private final List<ExecutorService> pools = new CopyOnWriteArrayList<>();
    private volatile boolean aborted;
    private volatile CollectListener listener = new CollectListener() {
    };

    public Collector(CollectSetup setup, BackendClient client, CollectConfig config) {
        if (setup.candidates().isEmpty()) {
            throw new IllegalArgumentException("no candidates to collect from");
        }
        CollectSetup capped = setup.withConcurrency(config.concurrency());
        this.candidates = List.copyOf(capped.candidates());
        this.scorer = capped.scorer();
        this.tagger = capped.tagger();
        this.client = client;
        this.config = config;
    }

    /** Sets the listener (before {@link #run}); returns this. */
    public Collector listener(CollectListener l) {
        this.listener = l;
        return this;
    }

    /** Ends the run gracefully: requests in flight finish and are journaled, nothing new starts. Any thread. */
    public void stop() {
        stop.stop();
    }

    /** Ends the run now: also interrupts requests in flight (their answers are lost, though perhaps paid for). */
    public void abort() {
        aborted = true;
        stop.stop();
        pools.forEach(ExecutorService::shutdownNow);
    }

    public boolean stopped() {
        return stop.isStopped();
    }

    /** One (query, candidate) pair's state. Written by one task at a time; read after the pools have finished. */
    static final class Pair {
        String answerHash;
        long offset = -1;
        long promptTokens = -1;
        long completionTokens = -1;
        String text;
        Double reward;

        void answered(Journal.Answer a, long at) {
            answerHash = CollectQuery.hash(a.answer());
            offset = at;
            promptTokens = a.promptTokens();
            completionTokens = a.completionTokens();
            text = a.answer();
            reward = null;
        }

        void scored(double r) {
            reward = r;
            text = null;
        }
    }

    /**
     * Collects what the journal at {@code paths.journal()} does not hold yet and, unless stopped, writes the dataset,
     * the answers file and (when a step failed) the failures file.
     *
     * @throws IllegalStateException when an API key variable is unset, or the journal is locked, corrupt or for other
     *                               settings (see {@link Journal#open})
     * @throws IOException           when the journal cannot be written (the run stops at once)
     */
    public CollectResult run(List<CollectQuery> queries, CollectPaths paths) throws IOException, InterruptedException {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("a Collector runs once; make a new one");
        }
        if (queries.isEmpty()) {
            throw new IllegalArgumentException("no queries to collect");
        }
        paths.checkSafe(Map.of());  // the caller checks against its input files too
        candidates.forEach(Backend::apiKey);
        scorer.checkReady();
        if (tagger != null) {
            tagger.checkReady();
        }
        long t0 = System.nanoTime();
        Run run = new Run(queries);
        Map<String, String> models = new LinkedHashMap<>();
        candidates.forEach(b -> models.put(b.name(), b.model()));
        Journal.Header header = new Journal.Header(Journal.VERSION, CollectQuery.fingerprint(queries), queries.size(),
                models, scorer.identity(), tagger == null ? null : tagger.identity(), config.generationIdentity());
        try (Journal journal = Journal.open(paths.journal(), header, config.reuseJournal(), run::replay)) {
            run.journal = journal;
            CollectPlan plan = run.plan(journal.replay());
            listener.planned(plan);
            run.execute(plan);
            run.failures.sort(Comparator.comparingInt((CollectFailure f) -> run.queryIndex.get(f.queryId()))
                    .thenComparingInt(f -> f.backend() == null ? -1 : run.backendIndex(f.backend())));
            Throwable fatal = run.fatal.get();
            if (fatal instanceof IOException io) {
                throw io;
            } else if (fatal != null) {
                throw new IllegalStateException(fatal.getMessage(), fatal);
            }
            List<String> incomplete = run.incompleteQueries();
            List<String> notes = new ArrayList<>();
            int rows = 0;
            if (!stop.isStopped()) {
                CollectOutputs out = new CollectOutputs(queries, candidates, run.pairs, run.tags, tagger != null);
                rows = out.writeDataset(paths.dataset(), notes);
                out.writeAnswers(paths.answers(), journal);
                CollectOutputs.writeFailures(paths.failures(), run.failures);
            }
            return new CollectResult(plan, stop.isStopped(), rows, run.generated.get(), run.scored.get(),
                    run.tagged.get(), run.retries.get(), run.invalid.get(), List.copyOf(run.failures), incomplete,
                    notes, Duration.ofNanos(System.nanoTime() - t0));
        }
    }

    /** The state of one run. */
    private final class Run {
        final List<CollectQuery> queries;
        final Map<String, Integer> queryIndex = new HashMap<>();
        final Map<String, Integer> backendIndex = new HashMap<>();
        final String[] queryHash;
        final Pair[][] pairs;
        /** The tagger's tags per query, null until tagged. */
        final List<String>[] tags;
        final String generation = config.generationIdentity();
        final List<CollectFailure> failures = new ArrayList<>();
        final ConcurrentLinkedQueue<CollectFailure> failed = new ConcurrentLinkedQueue<>();
        final AtomicInteger generated = new AtomicInteger();
        final AtomicInteger scored = new AtomicInteger();
        final AtomicInteger tagged = new AtomicInteger();
        final AtomicInteger retries = new AtomicInteger();
        final AtomicInteger invalid = new AtomicInteger();
        final AtomicReference<Throwable> fatal = new AtomicReference<>();
        int stale;
        Journal journal;
        CountDownLatch outstanding;
        ExecutorService scorePool;

        @SuppressWarnings("unchecked")
        Run(List<CollectQuery> queries) {
            this.queries = queries;
            for (int i = 0; i < queries.size(); i++) {
                if (queryIndex.put(queries.get(i).id(), i) != null) {
                    throw new IllegalArgumentException("duplicate query id '" + queries.get(i).id() + "'");
                }
            }
            for (int b = 0; b < candidates.size(); b++) {
                backendIndex.put(candidates.get(b).name(), b);
            }
            queryHash = queries.stream().map(CollectQuery::hash).toArray(String[]::new);
            pairs = new Pair[queries.size()][candidates.size()];
            for (Pair[] row : pairs) {
                for (int b = 0; b < row.length; b++) {
                    row[b] = new Pair();
                }
            }
            tags = (List<String>[]) new List<?>[queries.size()];
        }

        int backendIndex(String name) {
            return backendIndex.getOrDefault(name, -1);
        }

        /** Takes a journal entry into the state when it is valid for this run; counts it as stale otherwise. */
        void replay(Journal.Entry e, long offset) {
            if (e instanceof Journal.Answer a) {
                Integer q = queryIndex.get(a.id());
                int b = backendIndex(a.backend());
                if (q != null && b >= 0 && a.query().equals(queryHash[q]) && a.model().equals(candidates.get(b).model())
                        && generation.equals(a.generation())) {
                    pairs[q][b].answered(a, offset);
                    return;
                }
            } else if (e instanceof Journal.Reward r) {
                Integer q = queryIndex.get(r.id());
                int b = backendIndex(r.backend());
                if (q != null && b >= 0 && r.answer().equals(pairs[q][b].answerHash) && scorer.identity().equals(r.scorer())) {
                    String problem = scorer.rewardProblem(r.reward());
                    if (problem != null) {
                        throw new Journal.InvalidEntryException("field 'reward': " + problem + ", so it is not used; "
                                + "delete this line (the answer is then scored again) or correct it");
                    }
                    pairs[q][b].scored(r.reward());
                    return;
                }
            } else if (e instanceof Journal.Tags t) {
                Integer q = queryIndex.get(t.id());
                if (q != null && tagger != null && t.query().equals(queryHash[q]) && tagger.identity().equals(t.tagger())) {
                    tags[q] = t.tags();
                    return;
                }
            }
            stale++;
        }

        CollectPlan plan(Journal.Replay replay) {
            int done = 0;
            int toGenerate = 0;
            int toScore = 0;
            for (Pair[] row : pairs) {
                for (Pair p : row) {
                    if (p.reward != null) {
                        done++;
                    } else if (p.answerHash != null) {
                        toScore++;
                    } else {
                        toGenerate++;
                    }
                }
            }
            int toTag = 0;
            for (int q = 0; tagger != null && q < tags.length; q++) {
                toTag += tags[q] == null ? 1 : 0;
            }
            return new CollectPlan(queries.size(), candidates.size(), done, toGenerate, toScore, toTag, replay, stale);
        }

        void execute(CollectPlan plan) throws InterruptedException {
            outstanding = new CountDownLatch(plan.pairsToDo() + plan.toTag());
            if (outstanding.getCount() == 0) {
                return;
            }
            scorePool = pool("score", scorer.maxConcurrent());
            ExecutorService tagPool = tagger == null || plan.toTag() == 0 ? null : pool("tag", tagger.maxConcurrent());
            ExecutorService[] backendPools = new ExecutorService[candidates.size()];
            for (int b = 0; b < candidates.size(); b++) {
                backendPools[b] = pool(candidates.get(b).name(), candidates.get(b).maxConcurrent());
            }
            // Query-major order: every backend works through the queries from the top, so an early stop leaves whole
            // queries finished rather than one pair of each.
            for (int q = 0; q < queries.size(); q++) {
                if (tagPool != null && tags[q] == null) {
                    int qq = q;
                    submit(tagPool, () -> tag(qq));
                }
                for (int b = 0; b < candidates.size(); b++) {
                    int qq = q;
                    int bb = b;
                    Pair p = pairs[q][b];
                    if (p.reward == null) {
                        submit(p.answerHash == null ? backendPools[b] : scorePool,
                                p.answerHash == null ? () -> generate(qq, bb) : () -> score(qq, bb));
                    }
                }
            }
            while (!outstanding.await(100, TimeUnit.MILLISECONDS)) {
                if (aborted) {
                    break;
                }
            }
            pools.forEach(ExecutorService::shutdown);
            for (ExecutorService p : pools) {
                if (!p.awaitTermination(aborted ? 10 : 60, TimeUnit.SECONDS)) {
                    p.shutdownNow();
                }
            }
            failures.addAll(failed);
        }

        private ExecutorService pool(String name, int maxConcurrent) {
            // Backends are capped already; this holds a RewardScorer of a kind CollectSetup cannot cap to it too.
            int size = config.concurrency() == 0 ? maxConcurrent : Math.min(maxConcurrent, config.concurrency());
            AtomicInteger n = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(size, r -> {
                Thread t = new Thread(r, "collect-" + name + "-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            pools.add(pool);
            return pool;
        }

        private void submit(ExecutorService pool, Runnable task) {
            try {
                pool.execute(task);
            } catch (RejectedExecutionException e) {
                outstanding.countDown(); // aborted: the pool no longer takes work
            }
        }

        private void generate(int q, int b) {
            boolean handedOn = false;
            try {
                if (stop.isStopped()) {
                    return;
                }
                CollectQuery query = queries.get(q);
                Backend backend = candidates.get(b);
                ObjectNode body = JSON.createObjectNode();
                body.set("messages", query.requestMessages());
                body.put("temperature", config.temperature());
                body.put("max_tokens", config.maxTokens());
                int[] attempts = {0};
                Completion c = config.retry().call(query.id() + "/" + backend.name() + "/generate", () -> {
                    attempts[0]++;
                    return client.complete(backend, body);
                }, stop, (n, cause, delay) -> retrying("generate " + query.id() + " × " + backend.name(), n, delay, cause));
                // Redacted before it is hashed, journaled or shown to the judge: a backend may echo a key.
                Journal.Answer a = new Journal.Answer(query.id(), queryHash[q], backend.name(), backend.model(), generation,
                        Redactor.redact(c.content()), c.finishReason(), c.promptTokens(), c.completionTokens(),
                        TimeUnit.NANOSECONDS.toMillis(c.latencyNanos()), attempts[0]);
                long at = journal.append(a);
                pairs[q][b].answered(a, at);
                generated.incrementAndGet();
                submit(scorePool, () -> score(q, b));
                handedOn = true;
            } catch (StepFailedException e) {
                fail(q, candidates.get(b).name(), CollectFailure.Step.GENERATE, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException | RuntimeException e) {
                fatal(e);
            } finally {
                if (!handedOn) {
                    outstanding.countDown();
                }
            }
        }

        private void score(int q, int b) {
            try {
                if (stop.isStopped()) {
                    return;
                }
                CollectQuery query = queries.get(q);
                Backend backend = candidates.get(b);
                Pair p = pairs[q][b];
                String answer = p.text;
                RewardScorer.Score s = config.retry().call(query.id() + "/" + backend.name() + "/score",
                        () -> countInvalid(() -> scorer.score(query.text(), answer)), stop,
                        (n, cause, delay) -> retrying("score " + query.id() + " × " + backend.name(), n, delay, cause));
                journal.append(new Journal.Reward(query.id(), backend.name(), p.answerHash, scorer.identity(), s.value(),
                        s.detail()));
                p.scored(s.value());
                scored.incrementAndGet();
                listener.pairFinished(query.id(), backend.name(), s.value());
            } catch (StepFailedException e) {
                fail(q, candidates.get(b).name(), CollectFailure.Step.SCORE, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException | RuntimeException e) {
                fatal(e);
            } finally {
                outstanding.countDown();
            }
        }

        private void tag(int q) {
            try {
                if (stop.isStopped()) {
                    return;
                }
                CollectQuery query = queries.get(q);
                List<String> t = config.retry().call(query.id() + "/tag", () -> countInvalid(() -> tagger.tag(query.text())),
                        stop, (n, cause, delay) -> retrying("tag " + query.id(), n, delay, cause));
                journal.append(new Journal.Tags(query.id(), queryHash[q], tagger.identity(), t));
                tags[q] = t;
                tagged.incrementAndGet();
                listener.tagged(query.id(), t);
            } catch (StepFailedException e) {
                fail(q, null, CollectFailure.Step.TAG, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException | RuntimeException e) {
                fatal(e);
            } finally {
                outstanding.countDown();
            }
        }

        private <T> T countInvalid(RetryPolicy.Attempt<T> attempt)
                throws BackendException, InvalidOutputException, InterruptedException {
            try {
                return attempt.run();
            } catch (InvalidOutputException e) {
                invalid.incrementAndGet();
                throw e;
            }
        }

        private void retrying(String step, int n, Duration delay, Exception cause) {
            retries.incrementAndGet();
            listener.retrying(step, n, delay, cause.getMessage());
        }

        private void fail(int q, String backend, CollectFailure.Step step, StepFailedException e) {
            if (e.stopped()) {
                return; // not a failure: the run was stopped before this step could finish
            }
            CollectFailure f = new CollectFailure(queries.get(q).id(), backend, step, e.getMessage(), e.attempts());
            failed.add(f);
            listener.failed(f);
        }

        private void fatal(Exception e) {
            Exception wrapped = e instanceof UncheckedIOException u ? u.getCause() : e;
            if (fatal.compareAndSet(null, wrapped)) {
                stop.stop();
            }
        }

        List<String> incompleteQueries() {
            List<String> out = new ArrayList<>();
            for (int q = 0; q < queries.size(); q++) {
                boolean complete = tagger == null || tags[q] != null;
                for (Pair p : pairs[q]) {
                    complete &= p.reward != null;
                }
                if (!complete) {
                    out.add(queries.get(q).id());
                }
            }
            return out;
        }
    }
}
