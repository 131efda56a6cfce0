package dev.zooterj.nn.train;

import dev.zooterj.core.label.ProbabilityVectors;
import dev.zooterj.nn.io.NamedArrays;
import dev.zooterj.data.AtomicFiles;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Trains a {@link TrainableGraph} on soft labels with KL(s* ‖ softmax(logits)): seeded shuffles, AdamW with
 * warm-up and linear decay, global-norm clipping, validation KL and top-1 agreement each epoch, early stopping
 * that keeps the best epoch's weights, and a checkpoint after every epoch so an interrupted run resumes.
 */
public final class RouterTrainer {
    /** Progress callbacks (for a progress bar). */
    public interface Listener {
        default void epochStarted(int epoch, int steps) {
        }

        default void stepDone(int epoch, double loss) {
        }

        default void epochEnded(EpochStats stats) {
        }

        default void resumed(int fromEpoch) {
        }

        /** A checkpoint was found but not used (another run's, or unreadable). */
        default void checkpointIgnored(String why) {
        }
    }

    /** The training curve, which epoch's weights were kept, and whether it stopped early. */
    public record Result(List<EpochStats> curve, int bestEpoch, boolean stoppedEarly, long steps) {
    }

    private final TrainableGraph graph;
    private final TrainingConfig config;
    private final Listener listener;
    private final Path checkpointDir;
    private final String fingerprint;

    /**
     * @param checkpointDir where per-epoch checkpoints go (null: none)
     * @param fingerprint   identifies the run (data, labels, settings); a checkpoint of another run is ignored
     */
    public RouterTrainer(TrainableGraph graph, TrainingConfig config, Listener listener, Path checkpointDir, String fingerprint) {
        this.graph = graph;
        this.config = config;
        this.listener = listener == null ? new Listener() { } : listener;
        this.checkpointDir = checkpointDir;
        this.fingerprint = fingerprint;
    }

    public Result train(double[][] labels, int[] trainRows, int[] validationRows) {
        if (trainRows.length == 0) {
            throw new IllegalArgumentException("no training rows");
        }
        SameDiff sd = graph.sameDiff();
        Map<String, INDArray> params = new LinkedHashMap<>();
        for (String name : graph.trainableVariables()) {
            params.put(name, sd.getVariable(name).getArr());
        }
        int stepsPerEpoch = (trainRows.length + config.batchSize() - 1) / config.batchSize();
        long totalSteps = (long) stepsPerEpoch * config.epochs();
        LearningRateSchedule lr = new LearningRateSchedule(config.learningRate(),
                Math.round(totalSteps * config.warmupFraction()), totalSteps);
        AdamW adam = new AdamW(config.weightDecay());

        List<EpochStats> curve = new ArrayList<>();
        Map<String, INDArray> best = null;
        double bestKl = Double.POSITIVE_INFINITY;
        int bestEpoch = 0;
        int firstEpoch = 1;
        Checkpoint resumed = loadCheckpoint();
        if (resumed != null) {
            params.forEach((k, a) -> a.assign(resumed.params.get(k)));
            adam.restore(resumed.adam, resumed.steps);
            curve.addAll(resumed.curve);
            best = resumed.best;
            bestKl = resumed.bestKl;
            bestEpoch = resumed.bestEpoch;
            firstEpoch = resumed.curve.size() + 1;
            listener.resumed(firstEpoch);
        }
        boolean stoppedEarly = false;
        for (int epoch = firstEpoch; epoch <= config.epochs(); epoch++) {
            if (config.patience() > 0 && validationRows.length > 0 && epoch - bestEpoch > config.patience()) {
                stoppedEarly = true;
                break;
            }
            long t0 = System.nanoTime();
            listener.epochStarted(epoch, stepsPerEpoch);
            int[] order = shuffled(trainRows, new Random(config.seed() * 31 + epoch));
            double lossSum = 0;
            for (int from = 0; from < order.length; from += config.batchSize()) {
                int[] batch = java.util.Arrays.copyOfRange(order, from, Math.min(order.length, from + config.batchSize()));
                Map<String, INDArray> feed = feed(batch, labels);
                TrainableGraph.LossAndGradients step = graph.lossAndGradients(feed);
                Map<String, INDArray> grads = step.gradients();
                double loss = step.loss();
                AdamW.clipGlobalNorm(grads, config.clipNorm());
                adam.step(params, grads, lr.at(adam.steps()));
                lossSum += loss * batch.length;
                listener.stepDone(epoch, loss);
            }
            double[] val = validationRows.length == 0 ? new double[]{Double.NaN, Double.NaN} : evaluate(labels, validationRows);
            EpochStats stats = new EpochStats(epoch, lossSum / order.length, val[0], val[1], (System.nanoTime() - t0) / 1e9);
            curve.add(stats);
            if (validationRows.length > 0 && val[0] < bestKl) {
                bestKl = val[0];
                bestEpoch = epoch;
                best = copy(params);
            }
            listener.epochEnded(stats);
            saveCheckpoint(params, adam, curve, best, bestKl, bestEpoch);
        }
        if (best != null) {
            Map<String, INDArray> keep = best;
            params.forEach((k, a) -> a.assign(keep.get(k)));
        } else {
            bestEpoch = curve.size();
        }
        graph.finish();
        return new Result(curve, bestEpoch, stoppedEarly, adam.steps());
    }

    /** Mean KL and top-1 agreement on the given rows, with the current weights. */
    public double[] evaluate(double[][] labels, int[] rows) {
        double kl = 0;
        double top1 = 0;
        for (int from = 0; from < rows.length; from += config.batchSize()) {
            int[] batch = java.util.Arrays.copyOfRange(rows, from, Math.min(rows.length, from + config.batchSize()));
            Map<String, INDArray> feed = feed(batch, labels);
            TrainableGraph.LossAndLogits out = graph.forward(feed);
            kl += out.loss() * batch.length;
            INDArray logits = out.logits();
            for (int b = 0; b < batch.length; b++) {
                int predicted = (int) logits.getRow(b).argMax().getLong(0);
                if (ProbabilityVectors.uniformOverArgmax(labels[batch[b]])[predicted] > 0) {
                    top1++;
                }
            }
        }
        return new double[]{kl / rows.length, top1 / rows.length};
    }

    private Map<String, INDArray> feed(int[] batch, double[][] labels) {
        Map<String, INDArray> feed = new HashMap<>(graph.inputs(batch));
        double[][] y = new double[batch.length][];
        for (int b = 0; b < batch.length; b++) {
            y[b] = labels[batch[b]];
        }
        feed.putAll(KlLoss.labelFeed(y));
        return feed;
    }

    private static int[] shuffled(int[] rows, Random rng) {
        int[] out = rows.clone();
        for (int i = out.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = out[i];
            out[i] = out[j];
            out[j] = t;
        }
        return out;
    }

    private static Map<String, INDArray> copy(Map<String, INDArray> params) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        params.forEach((k, a) -> out.put(k, a.dup()));
        return out;
    }

    // ---- checkpoints: params, optimiser state, best weights and curve after each epoch ----

    private record Checkpoint(Map<String, INDArray> params, Map<String, INDArray> adam, int steps, List<EpochStats> curve,
                              Map<String, INDArray> best, double bestKl, int bestEpoch) {
    }

    private void saveCheckpoint(Map<String, INDArray> params, AdamW adam, List<EpochStats> curve, Map<String, INDArray> best,
                                double bestKl, int bestEpoch) {
        if (checkpointDir == null) {
            return;
        }
        try {
            Files.createDirectories(checkpointDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + checkpointDir, e);
        }
        Map<String, INDArray> all = new LinkedHashMap<>();
        params.forEach((k, a) -> all.put("param/" + k, a));
        adam.state().forEach((k, a) -> all.put("adam/" + k, a));
        if (best != null) {
            best.forEach((k, a) -> all.put("best/" + k, a));
        }
        NamedArrays.write(checkpointDir.resolve("state.bin"), all);
        StringBuilder meta = new StringBuilder();
        meta.append("fingerprint=").append(fingerprint).append('\n');
        meta.append("steps=").append(adam.steps()).append('\n');
        meta.append("bestKl=").append(bestKl).append('\n');
        meta.append("bestEpoch=").append(bestEpoch).append('\n');
        for (EpochStats s : curve) {
            meta.append("epoch=").append(s.epoch()).append(',').append(s.trainLoss()).append(',').append(s.validationKl())
                    .append(',').append(s.validationTop1()).append(',').append(s.seconds()).append('\n');
        }
        // meta is written last: a checkpoint counts only once both files are complete
        AtomicFiles.writeString(checkpointDir.resolve("checkpoint.txt"), meta.toString());
    }

    private Checkpoint loadCheckpoint() {
        if (checkpointDir == null || !Files.isRegularFile(checkpointDir.resolve("checkpoint.txt"))) {
            return null;
        }
        try {
            List<String> lines = Files.readAllLines(checkpointDir.resolve("checkpoint.txt"));
            Map<String, String> kv = new HashMap<>();
            List<EpochStats> curve = new ArrayList<>();
            for (String line : lines) {
                int eq = line.indexOf('=');
                if (line.startsWith("epoch=")) {
                    String[] f = line.substring(eq + 1).split(",");
                    curve.add(new EpochStats(Integer.parseInt(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                            Double.parseDouble(f[3]), Double.parseDouble(f[4])));
                } else if (eq > 0) {
                    kv.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
            if (!fingerprint.equals(kv.get("fingerprint"))) {
                listener.checkpointIgnored("it belongs to another run (different data or settings)");
                return null;
            }
            if (curve.size() >= config.epochs()) {
                listener.checkpointIgnored("it is of a finished run");
                return null;
            }
            Map<String, INDArray> all = NamedArrays.read(checkpointDir.resolve("state.bin"));
            Map<String, INDArray> params = new LinkedHashMap<>();
            Map<String, INDArray> adam = new LinkedHashMap<>();
            Map<String, INDArray> best = new LinkedHashMap<>();
            all.forEach((k, a) -> {
                if (k.startsWith("param/")) {
                    params.put(k.substring(6), a);
                } else if (k.startsWith("adam/")) {
                    adam.put(k.substring(5), a);
                } else if (k.startsWith("best/")) {
                    best.put(k.substring(5), a);
                }
            });
            return new Checkpoint(params, adam, Integer.parseInt(kv.get("steps")), curve, best.isEmpty() ? null : best,
                    Double.parseDouble(kv.get("bestKl")), Integer.parseInt(kv.get("bestEpoch")));
        } catch (IOException | RuntimeException e) {
            // an unreadable checkpoint is not worth failing a run for: say so and train from the start
            listener.checkpointIgnored("it cannot be read: " + e.getMessage());
            return null;
        }
    }
}
