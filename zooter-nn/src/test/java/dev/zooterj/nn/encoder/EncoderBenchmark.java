package dev.zooterj.nn.encoder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiConsumer;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Speed of all-MiniLM-L6-v2: direct ND4J path vs SameDiff graph vs ONNX Runtime, on the 100 sentences of
 * {@code encoder/sentences.txt} (9 to 60 tokens). A main, not a test; from the module directory:
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat /tmp/nn.cp) dev.zooterj.nn.encoder.EncoderBenchmark \
 *      [rounds=5] [engines=onnxruntime,direct,samediff]
 * </pre>
 * System properties {@code threads} (both libraries, default 2), {@code nd4j.threads}, {@code blas.threads},
 * {@code ort.threads} override the thread counts. libnd4j's OpenMP regions ignore {@code nd4j.threads}: set the
 * environment variable OMP_NUM_THREADS=1 (fastest here: libnd4j's small ops gain nothing from a second thread,
 * and its OpenMP barriers stall whenever the other core is busy, e.g. with OpenBLAS's spinning threads).
 *
 * <p>Single: each sentence alone (B = 1); p50/p90 over all sentences and rounds. Batch: the sentences shuffled
 * and cut into batches of 32, each padded to its own longest; sentences per second. The engines take turns on
 * every sentence and every batch, so a busy neighbour on a shared machine slows all of them alike; the share of
 * the CPUs that other processes used during the run is printed (Linux only).
 */
public final class EncoderBenchmark {

    private static final int BATCH = 32;

    private record Timings(List<Double> singleMs, List<Double> batchMs) {
        Timings() {
            this(new ArrayList<>(), new ArrayList<>());
        }
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        List<String> engines = List.of((args.length > 1 ? args[1] : "onnxruntime,direct,samediff").split(","));
        int threads = Integer.getInteger("threads", 2);
        int nd4jThreads = Integer.getInteger("nd4j.threads", threads);
        int blasThreads = Integer.getInteger("blas.threads", threads);
        int ortThreads = Integer.getInteger("ort.threads", threads);
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        Nd4j.getEnvironment().setMaxThreads(nd4jThreads);
        Nd4j.getEnvironment().setMaxMasterThreads(nd4jThreads);
        Nd4j.factory().blas().setMaxThreads(blasThreads);

        List<int[]> sequences = TestSentences.tokenize(TestSentences.load());
        int[] lengths = sequences.stream().mapToInt(s -> s.length).sorted().toArray();
        System.out.printf("%d sentences, tokens min %d / median %d / max %d; threads: nd4j %d (OMP_NUM_THREADS=%s),"
                        + " blas %d, onnxruntime %d; %d cores; %s %s%n", sequences.size(), lengths[0],
                lengths[lengths.length / 2], lengths[lengths.length - 1], nd4jThreads, System.getenv("OMP_NUM_THREADS"),
                blasThreads, ortThreads,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"));

        List<TestSentences.Batch> singles = new ArrayList<>();
        for (int i = 0; i < sequences.size(); i++) {
            singles.add(TestSentences.pad(sequences, i, i + 1));
        }
        List<TestSentences.Batch> batches = batches(sequences, rounds);

        Map<String, BiConsumer<int[][], int[][]>> runners = new LinkedHashMap<>();
        OnnxRuntimeReference ort = engines.contains("onnxruntime") ? new OnnxRuntimeReference(ortThreads) : null;
        if (ort != null) {
            runners.put("onnxruntime", ort::encode);
        }
        BertEncoder encoder = BertEncoder.miniLm();
        if (engines.contains("direct")) {
            runners.put("nd4j-direct", encoder::encode);
        }
        BertGraph graph = encoder.graph(BertGraph.WordEmbeddings.FROZEN);
        if (engines.contains("samediff")) {
            runners.put("samediff", graph::encode);
        }

        for (BiConsumer<int[][], int[][]> run : runners.values()) {   // warm-up: JIT, native caches, thread pools
            for (int i = 0; i < 20; i++) {
                run.accept(singles.get(i).ids(), singles.get(i).mask());
            }
            run.accept(batches.get(0).ids(), batches.get(0).mask());
        }
        Map<String, Timings> timings = new LinkedHashMap<>();
        runners.keySet().forEach(name -> timings.put(name, new Timings()));
        CpuShare cpu = CpuShare.start();
        for (int r = 0; r < rounds; r++) {
            for (TestSentences.Batch single : singles) {
                runners.forEach((name, run) -> timings.get(name).singleMs().add(time(run, single)));
            }
        }
        for (TestSentences.Batch batch : batches) {
            runners.forEach((name, run) -> {
                if (!name.equals("samediff") || timings.get(name).batchMs().size() < 3) {   // slow: 3 batches
                    timings.get(name).batchMs().add(time(run, batch));
                }
            });
        }
        double others = cpu.othersShare();

        double realShare = batches.stream().mapToDouble(b -> (double) b.tokens() / (b.size() * b.ids()[0].length))
                .average().orElse(0);
        System.out.printf("%d rounds; batches of %d: %d, %.0f%% of padded tokens real; other processes used %s of"
                + " the CPUs meanwhile%n", rounds, BATCH, batches.size(), 100 * realShare,
                Double.isNaN(others) ? "?" : String.format("%.0f%%", 100 * others));
        timings.forEach((name, t) -> {
            List<Double> single = new ArrayList<>(t.singleMs());
            Collections.sort(single);
            double batchMs = t.batchMs().stream().mapToDouble(Double::doubleValue).sum() / t.batchMs().size();
            System.out.printf("%-12s single p50 %6.2f ms  p90 %6.2f ms | batch-%d %6.1f ms/batch = %6.1f sentences/s%n",
                    name, percentile(single, 0.5), percentile(single, 0.9), BATCH, batchMs, 1000 * BATCH / batchMs);
        });
        if (ort != null) {
            ort.close();
        }
    }

    private static double time(BiConsumer<int[][], int[][]> run, TestSentences.Batch batch) {
        long t0 = System.nanoTime();
        run.accept(batch.ids(), batch.mask());
        return (System.nanoTime() - t0) / 1e6;
    }

    /** {@code rounds} passes over the sentences, each shuffled with a fixed seed, cut into batches of 32. */
    private static List<TestSentences.Batch> batches(List<int[]> sequences, int rounds) {
        List<int[]> order = new ArrayList<>();
        Random random = new Random(42);
        for (int r = 0; r < Math.max(1, rounds); r++) {
            List<int[]> shuffled = new ArrayList<>(sequences);
            Collections.shuffle(shuffled, random);
            order.addAll(shuffled);
        }
        List<TestSentences.Batch> out = new ArrayList<>();
        for (int i = 0; i + BATCH <= order.size(); i += BATCH) {
            out.add(TestSentences.pad(order, i, i + BATCH));
        }
        return out;
    }

    private static double percentile(List<Double> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(p * sorted.size())));
    }

    /** Busy CPU time of the whole machine minus this process's, from /proc (Linux). */
    private record CpuShare(long machineBusy, long machineTotal, long selfAtStart) {
        static CpuShare start() {
            long[] m = machine();
            return new CpuShare(m[0], m[1], self());
        }

        double othersShare() {
            long[] m = machine();
            if (m[1] <= machineTotal) {
                return Double.NaN;
            }
            return Math.max(0, (double) (m[0] - machineBusy - (self() - selfAtStart)) / (m[1] - machineTotal));
        }

        /** {busy, total} jiffies over all CPUs. */
        private static long[] machine() {
            try {
                String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                long total = 0;
                for (int i = 1; i < f.length; i++) {
                    total += Long.parseLong(f[i]);
                }
                long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
                return new long[] {total - idle, total};
            } catch (IOException | RuntimeException e) {
                return new long[] {0, 0};
            }
        }

        /** utime + stime of this process, in jiffies. */
        private static long self() {
            try {
                String s = Files.readString(Path.of("/proc/self/stat"));
                String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
                return Long.parseLong(f[11]) + Long.parseLong(f[12]);
            } catch (IOException | RuntimeException e) {
                return 0;
            }
        }
    }

    private EncoderBenchmark() {
    }
}
