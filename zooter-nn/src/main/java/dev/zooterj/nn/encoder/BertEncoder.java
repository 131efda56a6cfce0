package dev.zooterj.nn.encoder;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A BERT-family sentence encoder: one set of weights, two ways to run it. {@link #encode} uses the fast direct
 * path ({@link BertInference}); {@link #graph} builds a trainable SameDiff graph ({@link BertGraph}) over the
 * same weight arrays, so fine-tuning the graph changes what {@code encode} returns.
 */
public final class BertEncoder implements TextEncoder {

    private final BertConfig config;
    private final Map<String, INDArray> weights;
    private final BertInference inference;

    private BertEncoder(BertConfig config, Map<String, INDArray> weights) {
        BertParameters.checkShapes(config, weights);
        this.config = config;
        this.weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
        this.inference = new BertInference(config, this.weights);
    }

    /** all-MiniLM-L6-v2 from the ONNX file on the classpath (about 1.5 s to read). */
    public static BertEncoder miniLm() {
        return new BertEncoder(BertConfig.miniLmL6(), BertOnnxWeights.miniLm());
    }

    /** A BERT-initialised encoder ({@link BertParameters#random}), e.g. to train from scratch. */
    public static BertEncoder random(BertConfig config, long seed) {
        return new BertEncoder(config, BertParameters.random(config, seed));
    }

    /** An encoder over existing weights (kept, not copied), e.g. {@link BertOnnxWeights#load} of another model. */
    public static BertEncoder of(BertConfig config, Map<String, INDArray> weights) {
        return new BertEncoder(config, weights);
    }

    public BertConfig config() {
        return config;
    }

    /** The parameters by {@link BertParameters} name; the arrays are live (shared with every graph built). */
    public Map<String, INDArray> weights() {
        return weights;
    }

    @Override
    public int dimension() {
        return config.hidden();
    }

    @Override
    public INDArray encode(int[][] ids, int[][] mask) {
        return inference.encode(ids, mask);
    }

    /** A new SameDiff holding this encoder, its variables backed by {@link #weights()}. */
    public BertGraph graph(BertGraph.WordEmbeddings words) {
        return BertGraph.build(config, weights, words);
    }

    /** Adds this encoder to {@code sd}, e.g. under a classification head and loss. */
    public BertGraph addTo(SameDiff sd, BertGraph.WordEmbeddings words) {
        return BertGraph.addTo(sd, config, weights, words);
    }
}
