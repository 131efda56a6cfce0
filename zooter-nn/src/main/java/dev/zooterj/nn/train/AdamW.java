package dev.zooterj.nn.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.HashMap;
import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov &amp; Hutter): p ← p − lr·(m̂/(√v̂ + ε) + wd·p). Written out
 * here, not taken from SameDiff's updaters, so that the schedule, clipping and decay are explicit and the
 * same on every backend.
 */
public final class AdamW {
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final Map<String, INDArray> m = new HashMap<>();
    private final Map<String, INDArray> v = new HashMap<>();
    /** Two working arrays per parameter, so that a step allocates nothing (a fine-tune step moves 11 M weights). */
    private final Map<String, INDArray[]> scratch = new HashMap<>();
    private int step;

    public AdamW(double weightDecay) {
        this(0.9, 0.999, 1e-8, weightDecay);
    }

    public AdamW(double beta1, double beta2, double epsilon, double weightDecay) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
    }

    /** One step over all parameters with the given learning rate; gradients are consumed (modified). */
    public void step(Map<String, INDArray> params, Map<String, INDArray> grads, double lr) {
        step++;
        double c1 = 1 - Math.pow(beta1, step);
        double c2 = 1 - Math.pow(beta2, step);
        for (Map.Entry<String, INDArray> e : params.entrySet()) {
            INDArray g = grads.get(e.getKey());
            if (g == null) {
                continue;
            }
            INDArray p = e.getValue();
            INDArray mt = m.computeIfAbsent(e.getKey(), k -> Nd4j.zeros(p.dataType(), p.shape()));
            INDArray vt = v.computeIfAbsent(e.getKey(), k -> Nd4j.zeros(p.dataType(), p.shape()));
            INDArray[] work = scratch.computeIfAbsent(e.getKey(),
                    k -> new INDArray[]{Nd4j.createUninitialized(p.dataType(), p.shape()), Nd4j.createUninitialized(p.dataType(), p.shape())});
            INDArray a = work[0];
            INDArray update = work[1];
            // the same operations, in the same order, as m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²;
            // update = (m/c1) / (√(v/c2) + ε) + wd·p; p -= lr·update, written into the working arrays
            mt.muli(beta1).addi(a.assign(g).muli(1 - beta1));
            vt.muli(beta2).addi(a.assign(g).muli(g).muli(1 - beta2));
            Transforms.sqrt(a.assign(vt).divi(c2), false).addi(epsilon);
            update.assign(mt).divi(c1).divi(a);
            if (weightDecay != 0) {
                update.addi(a.assign(p).muli(weightDecay));
            }
            p.subi(update.muli(lr));
        }
    }

    public int steps() {
        return step;
    }

    /** The optimiser's moments, named {@code m/<param>} and {@code v/<param>}, for checkpoints. */
    public Map<String, INDArray> state() {
        Map<String, INDArray> out = new java.util.LinkedHashMap<>();
        m.forEach((k, a) -> out.put("m/" + k, a));
        v.forEach((k, a) -> out.put("v/" + k, a));
        return out;
    }

    /** Restores what {@link #state()} saved, after {@code steps} steps. */
    public void restore(Map<String, INDArray> state, int steps) {
        m.clear();
        v.clear();
        state.forEach((k, a) -> (k.startsWith("m/") ? m : v).put(k.substring(2), a));
        this.step = steps;
    }

    /** Scales all gradients so that their global L2 norm is at most {@code maxNorm}; returns the norm before. */
    public static double clipGlobalNorm(Map<String, INDArray> grads, double maxNorm) {
        double sq = 0;
        for (INDArray g : grads.values()) {
            double n = g.norm2Number().doubleValue();
            sq += n * n;
        }
        double norm = Math.sqrt(sq);
        if (maxNorm > 0 && norm > maxNorm) {
            double scale = maxNorm / (norm + 1e-12);
            grads.values().forEach(g -> g.muli(scale));
        }
        return norm;
    }
}
