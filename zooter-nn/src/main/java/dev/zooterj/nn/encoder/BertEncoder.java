package dev.zooterj.nn.encoder;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A BERT-family sentence encoder: one set of weights, a pooling ({@link Pooling#MEAN} or {@link Pooling#CLS}),
 * optionally L2-normalised, and three ways to run it. {@link #encode} uses the fastest available inference path:
 * {@link VectorBertInference} (plain Java on the Vector API, weights copied once at the first call) when the JVM
 * runs with {@code --add-modules jdk.incubator.vector} ({@link VectorSupport}), else {@link BertInference} (direct
 * ND4J calls on the live weight arrays). {@link #graph} and {@link #addTo} build a trainable SameDiff graph
 * ({@link BertGraph}) over the same weight arrays and the same pooling; from then on {@code encode} reads the live
 * arrays (the ND4J path), so fine-tuning the graph changes what {@code encode} returns.
 */
public final class BertEncoder implements TextEncoder {

    private final BertConfig config;
    private final Map<String, INDArray> weights;
    private final BertInference inference;
    private final Pooling pooling;
    private final boolean normalize;
    private final Object fastLock = new Object();
    private volatile VectorBertInference fast;   // weights copied at the first encode; null until then
    private volatile boolean live;               // a graph may change the weights: use the ND4J path

    private BertEncoder(BertConfig config, Map<String, INDArray> weights, Pooling pooling, boolean normalize) {
        BertParameters.checkShapes(config, weights);
        this.config = config;
        this.weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
        this.inference = new BertInference(config, this.weights);
        this.pooling = java.util.Objects.requireNonNull(pooling, "pooling");
        this.normalize = normalize;
    }

    /** all-MiniLM-L6-v2 from the ONNX file on the classpath (about 1.5 s to read), mean-pooled, not normalised. */
    public static BertEncoder miniLm() {
        return new BertEncoder(BertConfig.miniLmL6(), BertOnnxWeights.miniLm(), Pooling.MEAN, false);
    }

    /** A BERT-initialised encoder ({@link BertParameters#random}), e.g. to train from scratch; mean-pooled. */
    public static BertEncoder random(BertConfig config, long seed) {
        return new BertEncoder(config, BertParameters.random(config, seed), Pooling.MEAN, false);
    }

    /** A mean-pooled encoder over existing weights (kept, not copied), e.g. {@link BertOnnxWeights#load}. */
    public static BertEncoder of(BertConfig config, Map<String, INDArray> weights) {
        return new BertEncoder(config, weights, Pooling.MEAN, false);
    }

    /** An encoder over existing weights (kept, not copied), pooled as asked and optionally L2-normalised. */
    public static BertEncoder of(BertConfig config, Map<String, INDArray> weights, Pooling pooling, boolean normalize) {
        return new BertEncoder(config, weights, pooling, normalize);
    }

    public BertConfig config() {
        return config;
    }

    public Pooling pooling() {
        return pooling;
    }

    /** Whether pooled vectors are divided by their L2 norm. */
    public boolean normalize() {
        return normalize;
    }

    /**
     * The parameters by {@link BertParameters} name; the arrays are live (shared with every graph built). Writing
     * into them outside a graph needs {@link #weightsChanging()} first, or {@link #encode} may keep using its copy.
     */
    public Map<String, INDArray> weights() {
        return weights;
    }

    @Override
    public int dimension() {
        return config.hidden();
    }

    @Override
    public INDArray encode(int[][] ids, int[][] mask) {
        VectorBertInference f = fastPath();
        INDArray pooled = f != null ? f.encode(ids, mask, pooling) : inference.encode(ids, mask, pooling);
        if (normalize) {
            INDArray norms = org.nd4j.linalg.ops.transforms.Transforms.max(pooled.norm2(1), 1e-12, false);
            pooled.diviColumnVector(norms.reshape(pooled.rows(), 1));
        }
        return pooled;
    }

    /**
     * A new SameDiff holding this encoder, its variables backed by {@link #weights()}. From now on {@link #encode}
     * reads the live weight arrays (see {@link #weightsChanging()}).
     */
    public BertGraph graph(BertGraph.WordEmbeddings words) {
        weightsChanging();
        return BertGraph.build(config, weights, words, pooling, normalize);
    }

    /** Adds this encoder to {@code sd}, e.g. under a classification head and loss; as {@link #graph}. */
    public BertGraph addTo(SameDiff sd, BertGraph.WordEmbeddings words) {
        weightsChanging();
        return BertGraph.addTo(sd, config, weights, words, pooling, normalize);
    }

    /**
     * Declares that the arrays of {@link #weights()} may change in place (training): {@link #encode} stops using
     * its copy of the weights and reads the live arrays from then on, through the ND4J path. {@link #graph} and
     * {@link #addTo} call this; call it yourself before writing into {@link #weights()} any other way.
     */
    public void weightsChanging() {
        synchronized (fastLock) {
            live = true;
            fast = null;
        }
    }

    /**
     * Declares the weights final again, e.g. when training has ended: the next {@link #encode} copies them afresh
     * and runs the Vector API path. A trainer calls this once it no longer updates the arrays; training again through
     * {@link #graph} or {@link #addTo} switches back to the live arrays.
     */
    public void weightsSettled() {
        synchronized (fastLock) {
            live = false;
            fast = null;
        }
    }

    /** The Vector API path, built at the first call; null when unavailable or the weights are live. */
    private VectorBertInference fastPath() {
        if (live || !VectorSupport.available()) {
            return null;
        }
        VectorBertInference f = fast;
        if (f == null) {
            synchronized (fastLock) {
                f = fast;
                if (f == null && !live) {
                    f = new VectorBertInference(config, weights);
                    fast = f;
                }
            }
        }
        return live ? null : f;
    }
}
