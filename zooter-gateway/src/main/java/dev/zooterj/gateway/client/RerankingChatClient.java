package dev.zooterj.gateway.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zooterj.core.routing.Router;
import dev.zooterj.core.routing.RoutingDecision;
import dev.zooterj.gateway.backend.Backend;
import dev.zooterj.gateway.collect.RewardScorer;
import dev.zooterj.gateway.http.BackendClient;
import dev.zooterj.gateway.http.BackendException;
import dev.zooterj.gateway.http.Completion;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Route-or-rerank without a transport: the router's decision names a set of candidates (a set-picking policy such as
 * {@code RerankPolicy}; a plain router names one), they answer in parallel, each cut off at its backend's timeout, the
 * reward source (the judge or HTTP reward endpoint that {@code collect} uses) scores the answers, and the best-scored
 * answer is returned. When no answer can be scored (the reward source fails), the answer of the first candidate in the
 * router's order that answered is returned: a reward failure never becomes an error. Streaming requests do not come
 * here; they route to one model. Thread-safe.
 */
public final class RerankingChatClient implements AutoCloseable {
    /**
     * What one request did.
     *
     * @param decision    the router's decision (its set generated)
     * @param winner      the candidate whose answer is returned
     * @param completion  that answer
     * @param answered    candidates that answered, in the router's order
     * @param failed      candidates that failed or timed out, with why
     * @param rewards     candidate → reward, for the answers that were scored
     * @param fellBack    true when no answer could be scored and the router's first answering choice was returned
     * @param failures    the failed candidates' errors, in the router's order (a cut-off one as a TIMEOUT)
     * @param scoreFailures answers the reward source failed to score (an error, a timeout or a non-finite reward)
     */
    public record Result(RoutingDecision decision, String winner, Completion completion, List<String> answered,
                         Map<String, String> failed, Map<String, Double> rewards, boolean fellBack,
                         List<FallbackChain.Failure> failures, int scoreFailures) {
        public int generations() {
            return decision.generations();
        }
    }

    private final Router router;
    private final Map<String, Backend> backends;
    private final BackendClient http;
    private final RewardScorer scorer;
    private final java.time.Duration scoreTimeout;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "zooter-rerank");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param router       a router whose decisions name the sets to generate
     * @param backends     one per router model
     * @param scorer       the reward source
     * @param scoreTimeout how long all scoring of one request may take before it counts as failed
     */
    public RerankingChatClient(Router router, List<Backend> backends, BackendClient http, RewardScorer scorer,
                               java.time.Duration scoreTimeout) {
        this.router = Objects.requireNonNull(router, "router");
        this.http = Objects.requireNonNull(http, "http");
        this.scorer = Objects.requireNonNull(scorer, "scorer");
        this.scoreTimeout = Objects.requireNonNull(scoreTimeout, "scoreTimeout");
        this.backends = new LinkedHashMap<>();
        backends.forEach(b -> this.backends.put(b.name(), b));
        List<String> missing = router.models().stream().filter(m -> !this.backends.containsKey(m)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("the router's models " + missing + " have no backend; backends: " + this.backends.keySet());
        }
        http.register(backends);
    }

    /** Routes the query, generates with the decision's set, keeps the best-rewarded answer. */
    public Result complete(String query, ObjectNode body) throws AllBackendsFailedException, InterruptedException {
        return complete(router.route(query), query, body);
    }

    /**
     * Generates with the set of a decision already made (by this client's router, e.g. through
     * {@link RoutingChatClient#route}), keeps the best-rewarded answer. The body is passed on as
     * {@link BackendClient#relay} does: any chat completion with a {@code choices} array is an answer, and one without
     * text content is scored as the empty answer.
     *
     * @throws AllBackendsFailedException every candidate of the set failed (in the set's order)
     */
    public Result complete(RoutingDecision d, String query, ObjectNode body) throws AllBackendsFailedException, InterruptedException {
        List<String> set = d.generate();
        Map<String, CompletableFuture<Completion>> running = new LinkedHashMap<>();
        for (String m : set) {
            Backend b = backends.get(m);
            if (b == null) {
                throw new IllegalArgumentException("the decision names '" + m + "', which has no backend; backends: " + backends.keySet());
            }
            running.put(m, CompletableFuture.supplyAsync(() -> {
                try {
                    return http.relay(b, body);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.util.concurrent.CompletionException(e);
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            }, pool));
        }
        Map<String, Completion> answers = new LinkedHashMap<>();
        Map<String, String> failed = new LinkedHashMap<>();
        List<FallbackChain.Failure> failures = new ArrayList<>();
        long start = System.nanoTime();
        for (Map.Entry<String, CompletableFuture<Completion>> e : running.entrySet()) {
            Backend b = backends.get(e.getKey());
            long left = b.timeout().toNanos() - (System.nanoTime() - start);
            try {
                answers.put(e.getKey(), e.getValue().get(Math.max(0, left), TimeUnit.NANOSECONDS));
            } catch (TimeoutException t) {
                e.getValue().cancel(true);
                failed.put(e.getKey(), "timeout");
                failures.add(new FallbackChain.Failure(e.getKey(), new BackendException(e.getKey(),
                        BackendException.Kind.TIMEOUT, -1, null, "no answer within " + b.timeout().toMillis()
                        + " ms (cut off; the other candidates compete)", t)));
            } catch (ExecutionException x) {
                Throwable cause = x.getCause();
                failed.put(e.getKey(), cause instanceof BackendException be ? kind(be) : cause.getClass().getSimpleName());
                failures.add(new FallbackChain.Failure(e.getKey(), cause instanceof Exception ex ? ex : new RuntimeException(cause)));
            }
        }
        if (answers.isEmpty()) {
            throw new AllBackendsFailedException(failures);
        }
        List<String> answered = new ArrayList<>(answers.keySet());
        if (answers.size() == 1) {
            String only = answered.get(0);
            return new Result(d, only, answers.get(only), answered, failed, Map.of(), false, failures, 0);
        }
        Map<String, CompletableFuture<Double>> scoring = new LinkedHashMap<>();
        answers.forEach((m, c) -> scoring.put(m, CompletableFuture.supplyAsync(() -> {
            try {
                return scorer.score(query, c.content() == null ? "" : c.content()).value();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.util.concurrent.CompletionException(e);
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, pool)));
        Map<String, Double> rewards = new LinkedHashMap<>();
        int scoreFailures = 0;
        long scoreStart = System.nanoTime();
        for (Map.Entry<String, CompletableFuture<Double>> e : scoring.entrySet()) {
            long left = scoreTimeout.toNanos() - (System.nanoTime() - scoreStart);
            try {
                double v = e.getValue().get(Math.max(0, left), TimeUnit.NANOSECONDS);
                if (Double.isFinite(v)) {
                    rewards.put(e.getKey(), v);
                } else {
                    scoreFailures++;
                }
            } catch (TimeoutException | ExecutionException x) {
                e.getValue().cancel(true);
                scoreFailures++;
            }
        }
        if (rewards.isEmpty()) {
            String first = answered.get(0);   // the router's order: its first choice that answered
            return new Result(d, first, answers.get(first), answered, failed, rewards, true, failures, scoreFailures);
        }
        String best = null;
        for (String m : answered) {   // the router's order breaks ties
            if (rewards.containsKey(m) && (best == null || rewards.get(m) > rewards.get(best))) {
                best = m;
            }
        }
        return new Result(d, best, answers.get(best), answered, failed, rewards, false, failures, scoreFailures);
    }

    /** {@code http_503}, {@code timeout}, ...: the kind of a backend failure as the gateway's metrics name it. */
    static String kind(BackendException be) {
        return be.kind() == BackendException.Kind.STATUS ? "http_" + be.status()
                : be.kind().name().toLowerCase(java.util.Locale.ROOT);
    }

    /** How long all scoring of one request may take. */
    public java.time.Duration scoreTimeout() {
        return scoreTimeout;
    }

    /** The router whose decisions name the sets. */
    public Router router() {
        return router;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
