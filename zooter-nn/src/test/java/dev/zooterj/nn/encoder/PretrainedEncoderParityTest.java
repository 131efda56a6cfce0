package dev.zooterj.nn.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.zooterj.nn.router.FrozenEncoder;
import dev.zooterj.nn.tokenizer.WordPieceTokenizer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The optional encoders (bge-small-en, bge-small-zh, e5-small), loaded from their ONNX initializers through the
 * generic weight table with a shape read off the file: both forward paths give ONNX Runtime's pooled embeddings
 * (pooled and normalised as each model's own config says, e5's texts prefixed) within 1e-4, on English sentences
 * of 9 to 48 tokens and Chinese ones in one padded batch, and on a sentence alone.
 */
class PretrainedEncoderParityTest {

    private static final double TOLERANCE = 1e-4;
    private static final List<String> CHINESE = List.of(
            "下列关于中国古代科举制度的说法，正确的是哪一项？",
            "已知函数 f(x) = x² + 2x，求 f(3) 的值。",
            "请用简洁的语言解释光合作用。");

    @ParameterizedTest
    @ValueSource(strings = {"bge-small-en", "bge-small-zh", "e5-small"})
    void bothPathsMatchOnnxRuntime(String name) {
        PretrainedModel model = PretrainedModel.named(name);
        BertEncoder encoder = model.load();
        assertEquals(model.hidden(), encoder.dimension());
        assertEquals(model.pooling(), encoder.pooling());
        WordPieceTokenizer tokenizer = FrozenEncoder.tokenizer(model);

        List<String> english = new ArrayList<>(TestSentences.load());
        english.sort(Comparator.comparingInt(String::length));
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {                         // shortest, longest, and three between
            texts.add(english.get(i * (english.size() - 1) / 4));
        }
        texts.addAll(CHINESE);
        List<int[]> ids = texts.stream().map(t -> tokenizer.encode(model.input(t), 128)).toList();
        TestSentences.Batch batch = pad(ids, tokenizer.padId());

        try (OnnxRuntimeReference ort = new OnnxRuntimeReference(model.onnxResource(), 1, model.pooling(), model.normalize())) {
            float[][] expected = ort.encode(batch.ids(), batch.mask());
            TestSentences.Batch one = pad(List.of(ids.get(2)), tokenizer.padId());
            float[][] expectedOne = ort.encode(one.ids(), one.mask());
            // encode() before any graph is built: the Vector API path (the surefire configuration loads the module)
            assertTrue(VectorSupport.available(), "tests must run with " + VectorSupport.JVM_OPTION);
            assertClose(expected, encoder.encode(batch.ids(), batch.mask()), name + " vector");
            assertClose(expectedOne, encoder.encode(one.ids(), one.mask()), name + " vector, alone");
            if (model.normalize()) {
                INDArray norms = encoder.encode(batch.ids(), batch.mask()).norm2(1);
                assertTrue(norms.sub(1.0).amaxNumber().doubleValue() < 1e-5, name + ": norms " + norms);
            }
            assertClose(expected, encoder.graph(BertGraph.WordEmbeddings.FROZEN).encode(batch.ids(), batch.mask()), name + " graph");
            // after a graph: encode() reads the live weights through the ND4J path
            assertClose(expected, encoder.encode(batch.ids(), batch.mask()), name + " nd4j");
            assertClose(expectedOne, encoder.encode(one.ids(), one.mask()), name + " nd4j, alone");
        }
    }

    private static TestSentences.Batch pad(List<int[]> rows, int padId) {
        int t = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        int[][] ids = new int[rows.size()][t];
        int[][] mask = new int[rows.size()][t];
        for (int i = 0; i < rows.size(); i++) {
            java.util.Arrays.fill(ids[i], padId);
            System.arraycopy(rows.get(i), 0, ids[i], 0, rows.get(i).length);
            java.util.Arrays.fill(mask[i], 0, rows.get(i).length, 1);
        }
        return new TestSentences.Batch(ids, mask);
    }

    private static void assertClose(float[][] expected, INDArray actual, String what) {
        INDArray reference = Nd4j.createFromArray(expected);
        assertArrayEquals(reference.shape(), actual.shape(), what);
        double maxDiff = abs(reference.sub(actual)).amaxNumber().doubleValue();
        System.out.printf("%s vs ONNX Runtime: max |diff| %.2e over %s%n", what, maxDiff,
                java.util.Arrays.toString(actual.shape()));
        assertTrue(maxDiff < TOLERANCE, what + ": max |diff| " + maxDiff);
    }

    private static INDArray abs(INDArray x) {
        return org.nd4j.linalg.ops.transforms.Transforms.abs(x);
    }

}
