package dev.zooterj.gateway.serve;

import dev.zooterj.core.routing.RoutingDecision;
import dev.zooterj.gateway.client.RoutingEvents;
import dev.zooterj.gateway.http.BackendException;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * The gateway's counters, written in the Prometheus text exposition format (version 0.0.4) by hand: no client library
 * for a dozen series. Every series of a labelled counter that the gateway knows in advance (one per router model, per
 * backend) starts at 0, so a routing share is computable from the first scrape.
 *
 * <pre>
 * zooter_http_requests_total{path,status}        requests answered, by endpoint and HTTP status
 * zooter_routing_decisions_total{model}          the router's pick per routed request (the routing share)
 * zooter_backend_answers_total{backend}          which backend answered, after any fallback (routed or named)
 * zooter_backend_errors_total{backend,kind}      failed backend calls; kind: http_NNN, timeout, connection, malformed,
 *                                                configuration, overloaded (the backend was at its concurrency limit)
 * zooter_fallbacks_total                         times a request moved on to the next model in the ranking
 * zooter_router_latency_seconds                  histogram of the router's time per routed request
 * zooter_in_flight                               chat and route requests being handled now
 * zooter_generations_total                       backend generations started for chat requests: a rerank request's
 *                                                whole set, a single-model request's tries (fallbacks included)
 * zooter_generations_per_request                 histogram of the same per chat request (its _sum / _count is the
 *                                                mean generations per request)
 * zooter_rerank_requests_total{outcome}          rerank-mode requests by how the answer was chosen: reward (the best
 *                                                reward won), fallback (no answer could be scored: the router's first
 *                                                choice that answered), single (only one candidate answered)
 * zooter_reward_errors_total                     answers the reward source failed to score (error, timeout, non-finite)
 * </pre>
 */
public final class GatewayMetrics implements RoutingEvents {
    /** Router latency buckets, in seconds: a keyword router takes microseconds, MiniLM on a CPU ~10-50 ms. */
    static final double[] ROUTER_BUCKETS = {0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
    /** Generations per chat request: 1 for a routed answer, the set size in rerank mode. */
    static final double[] GENERATION_BUCKETS = {1, 2, 3, 4, 6, 8, 12, 16};
    /** How a rerank-mode answer was chosen. */
    static final List<String> RERANK_OUTCOMES = List.of("reward", "fallback", "single");

    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> decisions = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> answers = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final LongAdder fallbacks = new LongAdder();
    private final Histogram routerLatency = new Histogram(ROUTER_BUCKETS);
    private final LongAdder generations = new LongAdder();
    private final Histogram generationsPerRequest = new Histogram(GENERATION_BUCKETS);
    private final Map<String, LongAdder> rerankOutcomes = new ConcurrentHashMap<>();
    private final LongAdder rewardErrors = new LongAdder();
    private final IntSupplier inFlight;
    /** The per-request series' counters by their raw key, so a request builds no label text once its series exists. */
    private final Map<RequestKey, LongAdder> requestsByKey = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> decisionsByModel = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> answersByModel = new ConcurrentHashMap<>();

    private record RequestKey(String path, int status) {
    }

    GatewayMetrics(List<String> routerModels, List<String> backends, IntSupplier inFlight) {
        routerModels.forEach(m -> decisions.put(labels("model", m), new LongAdder()));
        backends.forEach(b -> answers.put(labels("backend", b), new LongAdder()));
        RERANK_OUTCOMES.forEach(o -> rerankOutcomes.put(labels("outcome", o), new LongAdder()));
        this.inFlight = inFlight;
    }

    /** One chat request started {@code n} backend generations. */
    void generations(int n) {
        generations.add(n);
        generationsPerRequest.observe(n);
    }

    /** One rerank-mode request chose its answer this way ({@link #RERANK_OUTCOMES}), after {@code rewardErrors} failed scorings. */
    void reranked(String outcome, int rewardErrors) {
        count(rerankOutcomes, labels("outcome", outcome));
        this.rewardErrors.add(rewardErrors);
    }

    /** A rerank candidate failed, with the kind its metrics series carries ({@code http_503}, {@code timeout}, ...). */
    void candidateFailed(String model, String kind) {
        count(errors, labels("backend", model, "kind", kind));
    }

    /** One HTTP request answered. */
    void request(String path, int status) {
        requestsByKey.computeIfAbsent(new RequestKey(path, status), k -> requests.computeIfAbsent(
                labels("path", path, "status", Integer.toString(status)), x -> new LongAdder())).increment();
    }

    @Override
    public void routed(RoutingDecision decision, long routerNanos) {
        decisionsByModel.computeIfAbsent(decision.model(), m -> decisions.computeIfAbsent(labels("model", m),
                x -> new LongAdder())).increment();
        routerLatency.observe(routerNanos / 1e9);
    }

    @Override
    public void backendFailed(String model, BackendException error, boolean fallingBack) {
        String kind = error.kind() == BackendException.Kind.STATUS ? "http_" + error.status()
                : error.kind().name().toLowerCase(Locale.ROOT);
        count(errors, labels("backend", model, "kind", kind));
        if (fallingBack) {
            fallbacks.increment();
        }
    }

    @Override
    public void answered(String model, int attempts) {
        answersByModel.computeIfAbsent(model, m -> answers.computeIfAbsent(labels("backend", m),
                x -> new LongAdder())).increment();
    }

    private static void count(Map<String, LongAdder> counter, String labels) {
        counter.computeIfAbsent(labels, k -> new LongAdder()).increment();
    }

    /** The exposition text, served at {@code /metrics}. */
    public String render() {
        StringBuilder sb = new StringBuilder(4096);
        counter(sb, "zooter_http_requests_total", "HTTP requests answered, by endpoint and status.", requests);
        counter(sb, "zooter_routing_decisions_total", "Routed requests by the router's chosen model.", decisions);
        counter(sb, "zooter_backend_answers_total", "Answers by the backend that gave them, after any fallback.", answers);
        counter(sb, "zooter_backend_errors_total", "Failed backend calls by backend and kind.", errors);
        header(sb, "zooter_fallbacks_total", "Times a request moved on to the next model in the router's ranking.", "counter");
        sb.append("zooter_fallbacks_total ").append(fallbacks.sum()).append('\n');
        header(sb, "zooter_router_latency_seconds", "Time the router took to decide, per routed request.", "histogram");
        routerLatency.render(sb, "zooter_router_latency_seconds");
        header(sb, "zooter_in_flight", "Chat and route requests being handled now.", "gauge");
        sb.append("zooter_in_flight ").append(inFlight.getAsInt()).append('\n');
        header(sb, "zooter_generations_total", "Backend generations started for chat requests (a rerank set, or a request's tries).", "counter");
        sb.append("zooter_generations_total ").append(generations.sum()).append('\n');
        header(sb, "zooter_generations_per_request", "Backend generations per chat request.", "histogram");
        generationsPerRequest.render(sb, "zooter_generations_per_request");
        counter(sb, "zooter_rerank_requests_total", "Rerank-mode requests by how the answer was chosen (reward, fallback, single).", rerankOutcomes);
        header(sb, "zooter_reward_errors_total", "Answers the reward source failed to score (error, timeout, non-finite).", "counter");
        sb.append("zooter_reward_errors_total ").append(rewardErrors.sum()).append('\n');
        return sb.toString();
    }

    private static void counter(StringBuilder sb, String name, String help, Map<String, LongAdder> series) {
        header(sb, name, help, "counter");
        new TreeMap<>(series).forEach((labels, n) -> sb.append(name).append(labels).append(' ').append(n.sum()).append('\n'));
    }

    private static void header(StringBuilder sb, String name, String help, String type) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    /** {@code {k1="v1",k2="v2"}} with the values escaped as the format requires. */
    static String labels(String... keysAndValues) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(keysAndValues[i]).append("=\"");
            String v = keysAndValues[i + 1];
            for (int c = 0; c < v.length(); c++) {
                char ch = v.charAt(c);
                switch (ch) {
                    case '\\' -> sb.append("\\\\");
                    case '"' -> sb.append("\\\"");
                    case '\n' -> sb.append("\\n");
                    default -> sb.append(ch);
                }
            }
            sb.append('"');
        }
        return sb.append('}').toString();
    }

    /** A Prometheus histogram: per-bucket counts kept apart and added up (cumulative) when written. */
    static final class Histogram {
        private final double[] bounds;
        private final LongAdder[] counts;
        private final DoubleAdder sum = new DoubleAdder();

        Histogram(double[] bounds) {
            this.bounds = bounds.clone();
            this.counts = new LongAdder[bounds.length + 1];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = new LongAdder();
            }
        }

        void observe(double value) {
            int i = 0;
            while (i < bounds.length && value > bounds[i]) {
                i++;
            }
            counts[i].increment();
            sum.add(value);
        }

        void render(StringBuilder sb, String name) {
            long cumulative = 0;
            for (int i = 0; i <= bounds.length; i++) {
                cumulative += counts[i].sum();
                String le = i < bounds.length ? BigDecimal.valueOf(bounds[i]).toPlainString() : "+Inf";
                sb.append(name).append("_bucket{le=\"").append(le).append("\"} ").append(cumulative).append('\n');
            }
            sb.append(name).append("_sum ").append(sum.sum()).append('\n');
            sb.append(name).append("_count ").append(cumulative).append('\n');
        }
    }
}
