package dev.zooterj.bench.jmh;

import dev.zooterj.core.routing.RoutingDecision;
import dev.zooterj.nn.encoder.BertEncoder;
import dev.zooterj.nn.head.HeadConfig;
import dev.zooterj.nn.head.RoutingHead;
import dev.zooterj.nn.router.ZooterRouter;
import dev.zooterj.nn.tokenizer.WordPieceTokenizer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Routing latency (one query) and throughput (batches of 32) of a MiniLM router, with the encoder run by
 * Zooter-J's ND4J path or by ONNX Runtime — same tokenizer, same head, same queries, in one run.
 * Run with scripts/bench-encoder.sh; compare {@code nd4j} against {@code ort} rows. The forked JVM loads
 * {@code jdk.incubator.vector}, so {@code nd4j} is the encoder's default path ({@code VectorBertInference}); append
 * {@code -jvmArgsAppend -Dzooterj.encoder.vector=false} to time the ND4J-call path ({@code BertInference}) instead.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgs = {"-Xmx4g", "--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
public class RoutingBenchmark {
    @Param({"nd4j", "ort"})
    public String engine;

    @Param({"128"})
    public int maxTokens;

    private ZooterRouter router;
    private OrtEncoder ort;
    private List<String> queries;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        queries = BenchmarkQueries.load();
        WordPieceTokenizer tokenizer = WordPieceTokenizer.miniLm();
        RoutingHead head = RoutingHead.initialise(HeadConfig.linear(), 384, 6, 1);
        if (engine.equals("ort")) {
            ort = new OrtEncoder(Runtime.getRuntime().availableProcessors());
            router = new ZooterRouter(List.of("a", "b", "c", "d", "e", "f"), tokenizer, ort, head, maxTokens);
        } else {
            router = new ZooterRouter(List.of("a", "b", "c", "d", "e", "f"), tokenizer, BertEncoder.miniLm(), head, maxTokens);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (ort != null) {
            ort.close();
        }
    }

    private List<String> nextBatch(int size) {
        int from = next;
        next = (next + size) % (queries.size() - size);
        return queries.subList(from, from + size);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public RoutingDecision singleQuery() {
        return router.route(nextBatch(1).get(0));
    }

    /** Queries per second when routing batches of 32 (score × 32). */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public List<RoutingDecision> batchOf32() {
        return router.route(nextBatch(32));
    }
}
