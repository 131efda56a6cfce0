package dev.zooterj.nn.encoder;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.function.UnaryOperator;

import onnx.Onnx;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.shade.protobuf.ByteString;

/**
 * Writes weights as a Hugging Face style ONNX export (initializers and the nodes that read them, no real graph),
 * so the loader can be tested on tiny models. Lays tensors out the way the MiniLM export does: named biases and
 * norms, unnamed {@code onnx::MatMul_k} weights read by named MatMul nodes.
 */
final class TinyOnnxExport {

    private TinyOnnxExport() {
    }

    /** The export of {@code weights}; {@code rawData} picks raw_data bytes over float_data. */
    static byte[] write(BertConfig c, Map<String, INDArray> weights, boolean rawData) {
        return write(c, weights, rawData, UnaryOperator.identity());
    }

    /** As {@link #write(BertConfig, Map, boolean)}, with each initializer passed through {@code edit}. */
    static byte[] write(BertConfig c, Map<String, INDArray> weights, boolean rawData,
                        UnaryOperator<Onnx.TensorProto> edit) {
        Onnx.GraphProto.Builder graph = Onnx.GraphProto.newBuilder().setName("tiny-bert");
        graph.addInitializer(edit.apply(Onnx.TensorProto.newBuilder().setName("embeddings.position_ids")
                .setDataType(Onnx.TensorProto.DataType.INT64.getNumber()).addDims(1).addDims(1).addInt64Data(0).build()));
        int unnamed = 700;
        for (BertOnnxWeights.Row row : BertOnnxWeights.table(c)) {
            INDArray block = block(weights.get(row.parameter()), row);
            String name = row.byNode() ? "onnx::MatMul_" + unnamed++ : row.onnxName();
            graph.addInitializer(edit.apply(tensor(name, block, rawData)));
            if (row.byNode()) {
                graph.addNode(Onnx.NodeProto.newBuilder().setName(row.onnxName()).setOpType("MatMul")
                        .addInput("activations").addInput(name).addOutput(row.onnxName() + "_output_0"));
            }
        }
        return Onnx.ModelProto.newBuilder().setIrVersion(7).setGraph(graph).build().toByteArray();
    }

    static Onnx.TensorProto tensor(String name, INDArray values, boolean rawData) {
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name)
                .setDataType(Onnx.TensorProto.DataType.FLOAT.getNumber());
        for (long d : values.shape()) {
            t.addDims(d);
        }
        float[] v = values.dup('c').data().asFloat();
        if (rawData) {
            ByteBuffer bytes = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(v);
            t.setRawData(ByteString.copyFrom(bytes.array()));
        } else {
            for (float f : v) {
                t.addFloatData(f);
            }
        }
        return t.build();
    }

    private static INDArray block(INDArray parameter, BertOnnxWeights.Row row) {
        if (row.parts() == 1) {
            return parameter;
        }
        long width = parameter.size(-1) / row.parts();
        var columns = NDArrayIndex.interval(row.part() * width, (row.part() + 1) * width);
        return parameter.rank() == 1 ? parameter.get(columns) : parameter.get(NDArrayIndex.all(), columns);
    }
}
