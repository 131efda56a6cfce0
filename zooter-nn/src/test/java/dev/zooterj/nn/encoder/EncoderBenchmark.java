package dev.zooterj.nn.encoder;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.BiConsumer;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Speed of all-MiniLM-L6-v2: direct ND4J path vs SameDiff graph vs ONNX Runtime, on the 100 sentences of
 * {@code encoder/sentences.txt}. A main, not a test; run it from the module directory with
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat /tmp/nn.cp) dev.zooterj.nn.encoder.EncoderBenchmark \
 *      [rounds=5] [engines=onnxruntime,direct,samediff]
 * </pre>
 * Run one engine per JVM for clean numbers: ONNX Runtime's idle threads spin for a while after each run.
 * Single: each sentence alone (B = 1), p50/p90 over all sentences and rounds. Batch: batches of 32 sentences
 * (shuffled, each padded to its own longest), sentences per second. Both libraries use 2 threads.
 */
public final class EncoderBenchmark {

    private static final int THREADS = 2;
    private static final int BATCH = 32;

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        List<String> engines = List.of((args.length > 1 ? args[1] : "onnxruntime,direct,samediff").split(","));
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        Nd4j.getEnvironment().setMaxMasterThreads(THREADS);

        List<int[]> sequences = TestSentences.tokenize(TestSentences.load());
        int[] lengths = sequences.stream().mapToInt(s -> s.length).sorted().toArray();
        System.out.printf("%d sentences, tokens min %d / median %d / max %d, %s, %d threads%n", sequences.size(),
                lengths[0], lengths[lengths.length / 2], lengths[lengths.length - 1],
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"), THREADS);

        List<TestSentences.Batch> singles = new ArrayList<>();
        for (int i = 0; i < sequences.size(); i++) {
            singles.add(TestSentences.pad(sequences, i, i + 1));
        }
        List<TestSentences.Batch> batches = batches(sequences, rounds);

        if (engines.contains("onnxruntime")) {
            try (OnnxRuntimeReference ort = new OnnxRuntimeReference(THREADS)) {
                report("onnxruntime", singles, batches, ort::encode, rounds);
            }
        }
        if (engines.contains("direct") || engines.contains("samediff")) {
            BertEncoder encoder = BertEncoder.miniLm();
            if (engines.contains("direct")) {
                report("nd4j-direct", singles, batches, encoder::encode, rounds);
            }
            if (engines.contains("samediff")) {   // slow: one round, fewer batches
                BertGraph graph = encoder.graph(BertGraph.WordEmbeddings.FROZEN);
                report("samediff", singles, batches.subList(0, Math.min(3, batches.size())), graph::encode, 1);
            }
        }
    }

    /** {@code rounds} passes over the sentences, shuffled with a fixed seed, cut into batches of 32. */
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

    private static void report(String name, List<TestSentences.Batch> singles, List<TestSentences.Batch> batches,
                               BiConsumer<int[][], int[][]> encode, int rounds) {
        for (int w = 0; w < 3; w++) {                    // warm-up: JIT, native caches, thread pools
            for (TestSentences.Batch b : singles.subList(0, Math.min(10, singles.size()))) {
                encode.accept(b.ids(), b.mask());
            }
            encode.accept(batches.get(0).ids(), batches.get(0).mask());
        }
        List<Double> single = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            for (TestSentences.Batch b : singles) {
                long t0 = System.nanoTime();
                encode.accept(b.ids(), b.mask());
                single.add((System.nanoTime() - t0) / 1e6);
            }
        }
        Collections.sort(single);
        long t0 = System.nanoTime();
        int sentences = 0;
        int padded = 0;
        int real = 0;
        for (TestSentences.Batch b : batches) {
            encode.accept(b.ids(), b.mask());
            sentences += b.size();
            padded += b.size() * b.ids()[0].length;
            real += b.tokens();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%-12s single p50 %6.2f ms  p90 %6.2f ms (n=%d) | batch-%d %6.1f sentences/s, %6.1f ms/batch"
                        + " (%d batches, %.0f%% of padded tokens real)%n",
                name, percentile(single, 0.5), percentile(single, 0.9), single.size(), BATCH,
                sentences / seconds, 1000 * seconds / batches.size(), batches.size(), 100.0 * real / padded);
    }

    private static double percentile(List<Double> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(p * sorted.size())));
    }

    private EncoderBenchmark() {
    }
}
