package dev.zooterj.nn.encoder;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import onnx.Onnx;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The float initializers (weights) of an ONNX model, found by name or by the node that consumes them.
 *
 * <p>Only the weights are read; the graph itself is not run or imported. Exporters often leave MatMul weights
 * unnamed ({@code onnx::MatMul_787}), so {@link #consumedBy(String)} finds a weight through the stable name of
 * the node that uses it instead.
 */
public final class OnnxWeights {

    private final String source;
    private final Map<String, Onnx.TensorProto> initializers = new LinkedHashMap<>();
    private final Map<String, List<String>> initializersByNode = new LinkedHashMap<>();

    private OnnxWeights(String source, Onnx.ModelProto model) {
        this.source = source;
        for (Onnx.TensorProto t : model.getGraph().getInitializerList()) {
            initializers.put(t.getName(), t);
        }
        for (Onnx.NodeProto node : model.getGraph().getNodeList()) {
            List<String> weights = new ArrayList<>();
            for (String input : node.getInputList()) {
                if (initializers.containsKey(input)) {
                    weights.add(input);
                }
            }
            initializersByNode.put(node.getName(), weights);
        }
    }

    /** Parses a whole ONNX model from {@code in}; {@code source} names it in error messages. */
    public static OnnxWeights read(InputStream in, String source) throws IOException {
        Onnx.ModelProto model;
        try {
            model = Onnx.ModelProto.parseFrom(in);
        } catch (IOException e) {
            throw new IOException(source + " is not a readable ONNX model: " + e.getMessage(), e);
        }
        if (model.getGraph().getInitializerCount() == 0) {
            throw new IOException(source + " is not an ONNX model with weights (no initializers found)");
        }
        return new OnnxWeights(source, model);
    }

    /** Reads an ONNX model from the classpath, e.g. {@code all-minilm-l6-v2.onnx}. */
    public static OnnxWeights readResource(String resource) throws IOException {
        String path = resource.startsWith("/") ? resource.substring(1) : resource;
        ClassLoader loader = Thread.currentThread().getContextClassLoader() != null
                ? Thread.currentThread().getContextClassLoader() : OnnxWeights.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(path)) {
            if (in == null) {
                throw new IOException("ONNX model '" + path + "' not found on the classpath");
            }
            return read(in, "classpath:" + path);
        }
    }

    /** Where the model came from, for messages. */
    public String source() {
        return source;
    }

    /** Names of all float initializers. */
    public List<String> floatInitializerNames() {
        return initializers.values().stream()
                .filter(t -> t.getDataType() == Onnx.TensorProto.DataType.FLOAT.getNumber())
                .map(Onnx.TensorProto::getName).toList();
    }

    /** The initializer called {@code name}. */
    public Tensor named(String name) {
        Onnx.TensorProto t = initializers.get(name);
        if (t == null) {
            throw new IllegalArgumentException(source + " has no initializer '" + name + "'");
        }
        return new Tensor(name, "initializer '" + name + "'", t);
    }

    /** The one initializer that node {@code nodeName} reads, e.g. the weight of {@code .../query/MatMul}. */
    public Tensor consumedBy(String nodeName) {
        List<String> names = initializersByNode.get(nodeName);
        if (names == null) {
            throw new IllegalArgumentException(source + " has no node '" + nodeName + "'");
        }
        if (names.size() != 1) {
            throw new IllegalArgumentException("node '" + nodeName + "' in " + source + " reads " + names.size()
                    + " initializers " + names + ", expected exactly one");
        }
        String name = names.get(0);
        return new Tensor(name, "initializer '" + name + "' (read by node '" + nodeName + "')", initializers.get(name));
    }

    /** One initializer, decoded on demand. */
    public static final class Tensor {
        private final String name;
        private final String description;
        private final Onnx.TensorProto proto;

        private Tensor(String name, String description, Onnx.TensorProto proto) {
            this.name = name;
            this.description = description;
            this.proto = proto;
        }

        public String name() {
            return name;
        }

        /** "initializer 'x' (read by node 'y')", for error messages. */
        public String description() {
            return description;
        }

        public long[] shape() {
            return proto.getDimsList().stream().mapToLong(Long::longValue).toArray();
        }

        /** The values as a FLOAT array; raw_data (little-endian) and float_data are both understood. */
        public INDArray toArray() {
            if (proto.getDataType() != Onnx.TensorProto.DataType.FLOAT.getNumber()) {
                throw new IllegalArgumentException(description + " has ONNX data type " + proto.getDataType()
                        + ", expected FLOAT (1)");
            }
            long[] shape = shape();
            long count = Arrays.stream(shape).reduce(1, Math::multiplyExact);
            float[] values = new float[Math.toIntExact(count)];
            if (!proto.getRawData().isEmpty()) {
                if (proto.getRawData().size() != 4L * count) {
                    throw new IllegalArgumentException(description + " holds " + proto.getRawData().size()
                            + " bytes, expected " + 4L * count + " for shape " + Arrays.toString(shape));
                }
                FloatBuffer floats = proto.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
                floats.get(values);
            } else {
                if (proto.getFloatDataCount() != count) {
                    throw new IllegalArgumentException(description + " holds " + proto.getFloatDataCount()
                            + " floats, expected " + count + " for shape " + Arrays.toString(shape));
                }
                for (int i = 0; i < values.length; i++) {
                    values[i] = proto.getFloatData(i);
                }
            }
            return Nd4j.create(values, shape, 'c');
        }
    }
}
