package dev.zooterj.gateway.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zooterj.core.routing.Router;
import dev.zooterj.gateway.KeywordRouter;
import dev.zooterj.gateway.StubOpenAiServer;
import dev.zooterj.gateway.backend.Backend;
import dev.zooterj.gateway.client.BatchingRouter;
import dev.zooterj.gateway.client.ChatBodies;
import dev.zooterj.gateway.client.RoutingChatClient;
import dev.zooterj.gateway.http.BackendClient;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Measures what the gateway adds: the same load (default 2,000 chat requests, 32 in flight) (a) straight to a stub
 * backend and (b) through the gateway to the same stub, each after a warm-up, reporting throughput and p50/p99
 * latency of both and the difference. Run by {@code scripts/bench-gateway.sh}; not a test.
 *
 * <pre>
 * --requests N      measured requests per run (2000)
 * --concurrency C   requests in flight (32)
 * --warmup N        unmeasured requests before each run (1000)
 * --router-dir DIR  a router saved by 'zooter train' (loaded through zooter-nn, which must be on the class path);
 *                   default: a keyword router that costs microseconds, so the gateway's own overhead shows
 * --router-batch N  route through a {@link BatchingRouter} of batches up to N, as 'zooter serve' does (default 1: off)
 * </pre>
 * Every backend points at the one stub, which echoes at once; each answer is checked against its request.
 */
public final class GatewayLoadHarness {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger NEXT_ID = new AtomicInteger();
    /** Queries of everyday length, so that a MiniLM router tokenizes something realistic; a counter makes each unique. */
    private static final List<String> QUERIES = List.of(
            "Write a SQL query that joins the orders and customers tables and returns the ten biggest customers",
            "Prove that the square root of two is irrational",
            "Summarize the causes of the First World War in three sentences",
            "Give me a recipe for a vegetarian lasagna for six people",
            "Explain the difference between a process and a thread in an operating system",
            "Translate 'the weather is lovely today' into French and German",
            "Write a haiku about autumn rain in the city",
            "What is the derivative of x squared times the sine of x?");

    private record Run(String label, int requests, double seconds, long[] latencyNanos, long cpuNanos,
                       java.util.Map<String, Long> cpuByThreads, java.util.Map<String, Long> allocByThreads,
                       long gcCount, long gcMillis) {
        double throughput() {
            return requests / seconds;
        }

        double percentileMs(double p) {
            long[] sorted = latencyNanos.clone();
            Arrays.sort(sorted);
            int i = (int) Math.ceil(p * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
        }
    }

    public static void main(String[] args) throws Exception {
        int requests = 2000;
        int concurrency = 32;
        int warmup = 1000;
        Path routerDir = null;
        int routerBatch = 1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--requests" -> requests = Integer.parseInt(args[++i]);
                case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--router-dir" -> routerDir = Path.of(args[++i]);
                case "--router-batch" -> routerBatch = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (have: --requests, --concurrency, --warmup, --router-dir, --router-batch)");
            }
        }
        Router loaded = routerDir == null ? new KeywordRouter("a", "b", "c") : loadSavedRouter(routerDir);
        Router router = routerBatch > 1 ? new BatchingRouter(loaded, routerBatch) : loaded;
        String routerName = (routerDir == null ? "keyword router (trivial)" : "saved router " + routerDir)
                + (routerBatch > 1 ? ", batched up to " + routerBatch : ", unbatched");
        int backendConcurrency = 2 * concurrency;
        try (StubOpenAiServer stub = StubOpenAiServer.start("stub", StubOpenAiServer.echo("stub"))) {
            List<Backend> backends = router.models().stream()
                    .map(m -> new Backend(m, URI.create(stub.baseUrl()), m, null, Duration.ofSeconds(60), backendConcurrency,
                            null, null)).toList();
            GatewayServer gw = GatewayServer.start(new RoutingChatClient(router, backends, new BackendClient(), 3),
                    GatewayConfig.defaults().withPort(0).withMaxInFlight(concurrency * 2));
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI direct = URI.create(stub.baseUrl() + "/chat/completions");
            URI routed = gw.baseUri().resolve("/v1/chat/completions");
            try {
                System.out.printf(Locale.ROOT, "gateway load: %d requests, %d concurrent, %d warm-up; %s; %d cores; %s%n",
                        requests, concurrency, warmup, routerName, Runtime.getRuntime().availableProcessors(),
                        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
                String model = router.models().get(0);
                load(http, direct, model, warmup, concurrency, "warm-up");
                load(http, routed, "zooter", warmup, concurrency, "warm-up");
                compare(http, direct, routed, model, requests, concurrency);
                int sequential = Math.min(requests, 300);
                System.out.printf(Locale.ROOT, "unloaded: %d requests, one at a time%n", sequential);
                compare(http, direct, routed, model, sequential, 1);
                String metrics = gw.metrics().render();
                double count = sample(metrics, "zooter_router_latency_seconds_count");
                System.out.printf(Locale.ROOT, "router: %.3f ms mean per routed request (%d decisions, warm-up included)%s%n",
                        1000 * sample(metrics, "zooter_router_latency_seconds_sum") / count, (long) count,
                        router instanceof BatchingRouter b ? String.format(Locale.ROOT, ", %.1f queries per batch",
                                b.meanBatchSize()) : "");
            } finally {
                gw.stop(Duration.ofSeconds(5));
            }
        }
    }

    /** Runs the same load direct and through the gateway, and prints both and the difference. */
    private static void compare(HttpClient http, URI direct, URI routed, String model, int n, int concurrency)
            throws Exception {
        Run a = load(http, direct, model, n, concurrency, "direct to stub");
        Run b = load(http, routed, "zooter", n, concurrency, "through gateway");
        for (Run r : List.of(a, b)) {
            System.out.printf(Locale.ROOT, "  %-16s %8.0f req/s   p50 %7.2f ms   p99 %7.2f ms   CPU %5.0f us/request%n", r.label(),
                    r.throughput(), r.percentileMs(0.50), r.percentileMs(0.99), r.cpuNanos() / 1e3 / r.requests());
        }
        if (CPU_DETAIL) {
            for (Run r : List.of(a, b)) {
                StringBuilder sb = new StringBuilder();
                r.cpuByThreads().entrySet().stream().sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed())
                        .filter(e -> e.getValue() != 0).forEach(e -> sb.append(String.format(Locale.ROOT, " %s %.0f",
                                e.getKey(), e.getValue() / 1e3 / r.requests())));
                System.out.printf(Locale.ROOT, "    %s, thread CPU us/request by thread group:%s%n", r.label(), sb);
            }
            for (Run r : List.of(a, b)) {
                StringBuilder sb = new StringBuilder();
                r.allocByThreads().entrySet().stream().sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed())
                        .filter(e -> e.getValue() >= r.requests()).forEach(e -> sb.append(String.format(Locale.ROOT,
                                " %s %.1f", e.getKey(), e.getValue() / 1024.0 / r.requests())));
                System.out.printf(Locale.ROOT, "    %s, %d GCs (%d ms); KiB allocated/request by thread group:%s%n",
                        r.label(), r.gcCount(), r.gcMillis(), sb);
            }
        }
        System.out.printf(Locale.ROOT, "  %-16s %8s          p50 %+7.2f ms   p99 %+7.2f ms   (throughput x%.2f)%n",
                "gateway overhead", "", b.percentileMs(0.50) - a.percentileMs(0.50),
                b.percentileMs(0.99) - a.percentileMs(0.99), b.throughput() / a.throughput());
    }

    /** The value of an unlabelled series in Prometheus text. */
    private static double sample(String metrics, String name) {
        return metrics.lines().filter(l -> l.startsWith(name + " ")).mapToDouble(l -> Double.parseDouble(l.substring(
                name.length() + 1))).findFirst().orElseThrow();
    }

    /** Loads a saved router through zooter-nn's RouterStore, which this module does not depend on. */
    private static Router loadSavedRouter(Path dir) throws ReflectiveOperationException {
        Class<?> store = Class.forName("dev.zooterj.nn.router.RouterStore");
        Object loaded = store.getMethod("load", Path.class).invoke(null, dir);
        return (Router) loaded.getClass().getMethod("router").invoke(loaded);
    }

    /** {@code -Dbench.cpuDetail=true}: also print the CPU per request of each group of threads (load, stub, gateway...). */
    private static final boolean CPU_DETAIL = Boolean.getBoolean("bench.cpuDetail");

    /** CPU time of this whole process (every thread, the JIT and GC included), in ns. */
    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** CPU time of each live thread, keyed "name with digits dropped#id" ("stub-stub#31"); the JVM's own threads too. */
    private static java.util.Map<String, Long> threadCpu() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        if (!CPU_DETAIL) {
            return out;
        }
        java.util.Set<String> javaNames = new java.util.HashSet<>();
        for (java.lang.management.ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t == null) {
                continue;
            }
            long c = mx.getThreadCpuTime(t.getThreadId());
            if (c > 0) {
                out.put(t.getThreadName().replaceAll("\\d+", "N") + "#" + t.getThreadId(), c);
            }
            javaNames.add(t.getThreadName().length() > 15 ? t.getThreadName().substring(0, 15) : t.getThreadName());
        }
        out.putAll(jvmThreadCpu(javaNames));
        return out;
    }

    /**
     * CPU time of the JVM's own threads (JIT compilers, GC, VM thread...), which ThreadMXBean does not list, by their
     * Linux thread name with digits dropped and a "jvm:" prefix; read from /proc/self/task/TID/schedstat (ns on a CPU).
     * A thread whose name is a live Java thread's (Linux keeps 15 characters) or the launcher's ("java") is left out.
     * Empty where /proc is not there.
     */
    private static java.util.Map<String, Long> jvmThreadCpu(java.util.Set<String> javaNames) {
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        try (java.util.stream.Stream<java.nio.file.Path> tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/task"))) {
            for (java.nio.file.Path task : (Iterable<java.nio.file.Path>) tasks::iterator) {
                try {
                    String name = java.nio.file.Files.readString(task.resolve("comm")).strip();
                    if (name.equals("java") || javaNames.contains(name)) {
                        continue;
                    }
                    long ns = Long.parseLong(java.nio.file.Files.readString(task.resolve("schedstat")).strip().split(" ")[0]);
                    out.put("jvm:" + name.replaceAll("\\d+", "N").replace(' ', '_') + "#os" + task.getFileName(), ns);
                } catch (java.io.IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (java.io.IOException e) {
            return out;
        }
        return out;
    }

    /** Bytes allocated by the live Java threads, summed by thread name with digits dropped (with -Dbench.cpuDetail). */
    private static java.util.Map<String, Long> threadAlloc() {
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        if (!CPU_DETAIL) {
            return out;
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long[] ids = mx.getAllThreadIds();
        long[] bytes = mx.getThreadAllocatedBytes(ids);
        java.lang.management.ThreadInfo[] infos = mx.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] != null && bytes[i] > 0) {
                out.put(infos[i].getThreadName().replaceAll("\\d+", "N") + "#" + ids[i], bytes[i]);
            }
        }
        return out;
    }

    /** Collections and their accumulated time (ms) over every collector so far. */
    private static long[] gc() {
        long count = 0;
        long millis = 0;
        for (java.lang.management.GarbageCollectorMXBean g : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, g.getCollectionCount());
            millis += Math.max(0, g.getCollectionTime());
        }
        return new long[] {count, millis};
    }

    /**
     * Per thread ("group#id" keys): what each thread live at the end used since the start (all of it for a thread that
     * started since), summed by group. A thread that ended in between is not counted (its CPU shows as unattributed).
     */
    private static java.util.Map<String, Long> minus(java.util.Map<String, Long> after, java.util.Map<String, Long> before) {
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        after.forEach((k, v) -> out.merge(k.substring(0, k.lastIndexOf('#')), v - before.getOrDefault(k, 0L), Long::sum));
        return out;
    }

    /** Sends {@code n} requests, {@code concurrency} at a time; checks every answer; returns the latencies. */
    private static Run load(HttpClient http, URI uri, String model, int n, int concurrency, String label)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long[] latency = new long[n];
        try {
            List<Future<?>> futures = new ArrayList<>(n);
            java.util.Map<String, Long> threads0 = threadCpu();
            java.util.Map<String, Long> alloc0 = threadAlloc();
            long[] gc0 = gc();
            long cpu0 = processCpu();
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                int k = i;
                futures.add(pool.submit(() -> {
                    String query = QUERIES.get(k % QUERIES.size()) + " (#" + NEXT_ID.getAndIncrement() + ")";
                    byte[] body = JSON.writeValueAsBytes(ChatBodies.user(query).put("model", model));
                    long s = System.nanoTime();
                    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
                    latency[k] = System.nanoTime() - s;
                    JsonNode answer = JSON.readTree(r.body());
                    String content = answer.path("choices").path(0).path("message").path("content").asText();
                    if (r.statusCode() != 200 || !content.equals("stub says: " + query)) {
                        throw new IllegalStateException("request " + k + " got " + r.statusCode() + ": " + answer);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            long cpu = processCpu() - cpu0;
            long[] gc1 = gc();
            java.util.Map<String, Long> byThreads = minus(threadCpu(), threads0);
            java.util.Map<String, Long> alloc = minus(threadAlloc(), alloc0);
            if (CPU_DETAIL) {
                // what no live thread accounts for: threads that ended during the run (and clock granularity)
                byThreads.put("unattributed", cpu - byThreads.values().stream().mapToLong(Long::longValue).sum());
            }
            return new Run(label, n, seconds, latency, cpu, byThreads, alloc, gc1[0] - gc0[0], gc1[1] - gc0[1]);
        } finally {
            pool.shutdownNow();
        }
    }
}
