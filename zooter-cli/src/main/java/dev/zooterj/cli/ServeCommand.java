package dev.zooterj.cli;

import dev.zooterj.gateway.Limits;
import dev.zooterj.gateway.backend.Backend;
import dev.zooterj.gateway.backend.BackendsFile;
import dev.zooterj.core.routing.EstimatingRouter;
import dev.zooterj.core.routing.Estimators;
import dev.zooterj.core.routing.RerankPolicy;
import dev.zooterj.core.routing.RerankRule;
import dev.zooterj.gateway.client.BatchingRouter;
import dev.zooterj.gateway.client.RerankingChatClient;
import dev.zooterj.gateway.collect.CollectSetup;
import dev.zooterj.gateway.collect.RewardScorer;
import dev.zooterj.gateway.client.RoutingChatClient;
import dev.zooterj.gateway.http.BackendClient;
import dev.zooterj.gateway.serve.GatewayConfig;
import dev.zooterj.gateway.serve.GatewayServer;
import dev.zooterj.nn.router.Calibration;
import dev.zooterj.nn.router.KindContext;
import dev.zooterj.nn.router.RouterKinds;
import dev.zooterj.nn.router.ZooterRouter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run an OpenAI-compatible gateway that routes each chat request to one backend.",
                "POST /v1/chat/completions with model \"zooter\" (--alias): the router reads the first",
                "user turn and picks a backend, which answers (streamed too); if it fails, the next",
                "model in the router's ranking answers (--attempts). A backend's name as the model",
                "calls that backend directly. Also: GET /v1/models, POST /route (the decision only),",
                "GET /health, GET /metrics (Prometheus). Runs until Ctrl-C, then lets the requests",
                "in flight finish.",
                "Rerank mode (--generations K, or a rule stored by 'calibrate",
                "--generations B'): the router's top candidates answer a routed request in",
                "parallel and the reward source of the backends file (its judge or",
                "rewardEndpoint, as for 'collect') keeps the best answer; if it fails, the",
                "router's first choice that answered. Streams go to one model.",
                "--cost-weight LAMBDA routes to argmax of the estimate - LAMBDA * cost."})
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--router", required = true, paramLabel = "ROUTER_DIR", description = "A directory written by 'zooter train'.")
    Path router;

    @Option(names = "--backends", required = true, paramLabel = "FILE",
            description = "Backends file (JSON or YAML) with a backend named after each of the router's models.")
    Path backends;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
            description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
    String host;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "PORT", description = "Port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--max-in-flight", defaultValue = "64", paramLabel = "N",
            description = "Chat and route requests handled at once, 1 to 100000; more get 503 with Retry-After (default: ${DEFAULT-VALUE}).")
    int maxInFlight;

    @Option(names = "--max-body-bytes", defaultValue = "1048576", paramLabel = "BYTES",
            description = "Largest request body, at most 1 GiB; larger gets 413 (default: ${DEFAULT-VALUE}).")
    long maxBodyBytes;

    @Option(names = "--attempts", defaultValue = "" + RoutingChatClient.DEFAULT_ATTEMPTS, paramLabel = "N",
            description = "Models tried per routed request: the router's pick, then the next in its ranking (default: ${DEFAULT-VALUE}).")
    int attempts;

    @Option(names = "--alias", defaultValue = GatewayConfig.DEFAULT_ALIAS, paramLabel = "NAME",
            description = "The model name that means: let the router choose (default: ${DEFAULT-VALUE}).")
    String alias;

    @Option(names = "--body-read-timeout", defaultValue = "20", paramLabel = "SECONDS",
            description = {"How long a client may take to send its request body; a slower one is disconnected.",
                    "A request takes an in-flight slot only once its body is in (default: ${DEFAULT-VALUE})."})
    double bodyReadTimeout;

    @Option(names = "--header-read-timeout", defaultValue = "10", paramLabel = "SECONDS",
            description = {"How long a connection may take to send a whole request line and headers, from its",
                    "opening or the end of the previous answer; then it is closed (default: ${DEFAULT-VALUE})."})
    double headerReadTimeout;

    @Option(names = "--idle-timeout", defaultValue = "30", paramLabel = "SECONDS",
            description = {"A connection with no progress either way for this long is closed: a client that stops",
                    "reading its answer (a stream too) frees its slot (default: ${DEFAULT-VALUE})."})
    double idleTimeout;

    @Option(names = "--max-connections-per-address", defaultValue = "" + GatewayConfig.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
            paramLabel = "N", description = {"Connections one client address may hold open; more are closed at once",
                    "(default: ${DEFAULT-VALUE}; raise it behind a proxy, whose address all clients share)."})
    int maxConnectionsPerAddress;

    @Option(names = "--shutdown-grace", defaultValue = "30", paramLabel = "SECONDS",
            description = "On Ctrl-C, how long requests in flight may take to finish (default: ${DEFAULT-VALUE}).")
    double shutdownGrace;

    @Option(names = "--router-batch", defaultValue = "" + ZooterRouter.BATCH, paramLabel = "N",
            description = {"Route requests that arrive together in batches of up to N (one encoder call each;",
                    "no waiting for a batch to fill); 1 routes each on its own (default: ${DEFAULT-VALUE})."})
    int routerBatch;

    @Option(names = "--generations", paramLabel = "K",
            description = {"Rerank mode: the router's top K models answer each routed, non-streamed request and the",
                    "reward source keeps the best answer; 1 routes to one model (default: the rule stored in",
                    "ROUTER_DIR/rerank.json by 'calibrate --generations B', else 1)."})
    Integer generations;

    @Option(names = "--reward-timeout", defaultValue = "30", paramLabel = "SECONDS",
            description = {"Rerank mode: how long scoring one request's answers may take; past it, or when the reward",
                    "source fails, the router's first choice that answered is returned (default: ${DEFAULT-VALUE})."})
    double rewardTimeout;

    @Option(names = "--cost-weight", paramLabel = "LAMBDA",
            description = "Route to argmax of the router's estimate - LAMBDA * cost (costs from --costs or the router's calibration).")
    Double costWeight;

    @Option(names = "--costs", split = ",", paramLabel = "MODEL=COST", description = "Cost per query of every model, for --cost-weight.")
    Map<String, Double> costs;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (attempts < 1) {
            throw new IllegalArgumentException("--attempts must be >= 1, got " + attempts);
        }
        if (!(shutdownGrace >= 0)) {
            throw new IllegalArgumentException("--shutdown-grace must be >= 0 seconds, got " + shutdownGrace);
        }
        if (!(bodyReadTimeout >= 0.001 && bodyReadTimeout <= Limits.MAX_WAIT_SECONDS)) {
            throw new IllegalArgumentException("--body-read-timeout must be from 0.001 to " + (long) Limits.MAX_WAIT_SECONDS
                    + " seconds, got " + bodyReadTimeout);
        }
        if (shutdownGrace > Limits.MAX_WAIT_SECONDS) {
            throw new IllegalArgumentException("--shutdown-grace must be at most " + (long) Limits.MAX_WAIT_SECONDS
                    + " seconds, got " + shutdownGrace);
        }
        if (maxInFlight < 1 || maxInFlight > Limits.MAX_IN_FLIGHT) {
            throw new IllegalArgumentException("--max-in-flight must be in 1.." + Limits.MAX_IN_FLIGHT + ", got " + maxInFlight);
        }
        if (maxBodyBytes < 1 || maxBodyBytes > Limits.MAX_BODY_BYTES) {
            throw new IllegalArgumentException("--max-body-bytes must be in 1.." + Limits.MAX_BODY_BYTES + " (1 GiB), got "
                    + maxBodyBytes);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be in 0..65535, got " + port);
        }
        if (alias.isBlank()) {
            throw new IllegalArgumentException("--alias must not be blank");
        }
        try {
            InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--host '" + host + "' is not an address this machine can resolve (give an "
                    + "IP address such as 127.0.0.1 or 0.0.0.0, or a host name that resolves)", e);
        }
        GatewayConfig config = new GatewayConfig(host, port, alias, maxInFlight, maxBodyBytes,
                Duration.ofMillis(Math.round(shutdownGrace * 1000)), Duration.ofMillis(Math.round(bodyReadTimeout * 1000)))
                .withHeaderReadTimeout(seconds("--header-read-timeout", headerReadTimeout))
                .withIdleTimeout(seconds("--idle-timeout", idleTimeout))
                .withMaxConnectionsPerAddress(positive("--max-connections-per-address", maxConnectionsPerAddress));
        if (generations != null && generations < 1) {
            throw new IllegalArgumentException("--generations must be >= 1, got " + generations);
        }
        Duration scoreTimeout = seconds("--reward-timeout", rewardTimeout);
        BackendsFile file = BackendsFile.load(backends);
        dev.zooterj.core.routing.Router loaded = RouterKinds.load(router, KindContext.miniLm(256, null));
        RerankRule rule = generations != null ? (generations > 1 ? RerankRule.fixed(generations) : null)
                : RerankSettings.read(router);
        if (rule != null && rule.maxK() < 2) {
            rule = null;  // a set of one is plain routing
        }
        if (rule != null && costWeight != null) {
            throw new IllegalArgumentException("--cost-weight picks one model per request; it cannot be combined with rerank mode ("
                    + (generations != null ? "--generations " + generations : router.resolve(RerankSettings.FILE))
                    + "); add --generations 1 to route to one model");
        }
        dev.zooterj.core.routing.Router r;
        if (rule != null) {
            if (Calibration.read(router) != null) {
                System.err.println("rerank mode: the calibration in " + router.resolve(Calibration.FILE) + " is not applied");
            }
            r = new EstimatingRouter(Estimators.of(loaded), new RerankPolicy(rule));
        } else {
            r = Calibration.apply(loaded, router, costWeight, costs);
            if (Calibration.read(router) != null && costWeight == null) {
                System.err.println("applying the calibration in " + router.resolve(Calibration.FILE));
            }
        }
        List<String> missing = r.models().stream().filter(m -> file.find(m).isEmpty()).toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("the router's models " + String.join(", ", missing) + " have no backend in "
                    + backends + " (backends there: " + String.join(", ", file.names()) + "; the router's models: "
                    + String.join(", ", r.models()) + ")");
        }
        if (routerBatch < 1) {
            throw new IllegalArgumentException("--router-batch must be >= 1, got " + routerBatch);
        }
        BackendClient http = new BackendClient();
        RewardScorer scorer = null;
        if (rule != null) {
            try {
                scorer = CollectSetup.from(file, http).scorer();
            } catch (IllegalArgumentException | dev.zooterj.gateway.backend.BackendsFileException e) {
                throw new IllegalArgumentException("rerank mode (" + rule.describe() + ") needs a reward source: "
                        + e.getMessage() + "; or add --generations 1 to route to one model", e);
            }
            scorer.checkReady();
        }
        BatchingRouter batching = routerBatch > 1 ? new BatchingRouter(r, routerBatch) : null;
        dev.zooterj.core.routing.Router serving = batching != null ? batching : r;
        RoutingChatClient client = new RoutingChatClient(serving, file.backends(), http, attempts);
        RerankingChatClient reranker = rule == null ? null
                : new RerankingChatClient(serving, file.backends(), http, scorer, scoreTimeout);
        GatewayServer server;
        try {
            server = GatewayServer.start(client, reranker, config);
        } catch (BindException e) {
            if (batching != null) {
                batching.close();
            }
            if (reranker != null) {
                reranker.close();
            }
            throw new IllegalArgumentException("cannot listen on --host " + host + " --port " + port + ": " + e.getMessage()
                    + " (--port 0 picks a free port; --host must be an address of this machine)", e);
        }
        PrintWriter o = spec.commandLine().getOut();
        o.println("listening on " + server.baseUri() + "  (OpenAI base URL: " + server.baseUri() + "/v1)");
        o.println("model \"" + alias + "\" routes between " + r.models().size() + " backends, trying up to "
                + Math.min(attempts, r.models().size()) + " per request:");
        int w = file.names().stream().mapToInt(String::length).max().orElse(10);
        for (Backend b : file.backends()) {
            o.println(String.format("  %-" + w + "s  %s  (model %s)%s", b.name(), b.baseUrl(), b.model(),
                    r.models().contains(b.name()) ? "" : "  [by name only: not a router model]"));
        }
        if (reranker != null) {
            o.println("rerank mode: " + rule.describe() + " generate per routed request; the reward source ("
                    + scorer.identity() + ") keeps the best answer, within " + rewardTimeout + " s; streams go to one model");
        } else if (costWeight != null) {
            o.println("cost weight " + costWeight + ": argmax of the router's estimate - " + costWeight + " * cost");
        }
        o.println("endpoints: POST /v1/chat/completions, GET /v1/models, POST /route, GET /health, GET /metrics");
        o.println("Ctrl-C stops, after the requests in flight finish (up to " + shutdownGrace + " s)");
        o.flush();

        CountDownLatch stopped = new CountDownLatch(1);
        Runnable stop = () -> {
            server.close();
            if (batching != null) {
                batching.close();
            }
            if (reranker != null) {
                reranker.close();
            }
        };
        // On SIGINT/SIGTERM the JVM runs this hook and halts when it returns, so it reports the stop itself.
        Thread hook = new Thread(() -> {
            o.println("stopping: no new connections; requests in flight may finish for up to " + shutdownGrace + " s");
            o.flush();
            stop.run();
            o.println("stopped");
            o.flush();
            stopped.countDown();
        }, "zooter-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            // Stopped from inside the JVM (an embedding application or a test) rather than by a signal.
            Runtime.getRuntime().removeShutdownHook(hook);
            stop.run();
            o.println("stopped");
            o.flush();
        }
        return 0;
    }

    /** A timeout option in seconds: more than 0, at most a day. */
    private static Duration seconds(String option, double value) {
        if (!(value > 0) || value > 86_400) {
            throw new IllegalArgumentException(option + " must be > 0 and at most 86400 seconds, got " + value);
        }
        return Duration.ofMillis(Math.max(1, Math.round(value * 1000)));
    }

    private static int positive(String option, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " must be >= 1, got " + value);
        }
        return value;
    }
}
