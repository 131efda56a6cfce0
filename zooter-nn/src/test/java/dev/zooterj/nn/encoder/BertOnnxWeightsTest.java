package dev.zooterj.nn.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Map;

import onnx.Onnx;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Loading a BERT ONNX export through the table, and the errors when the file does not fit. */
class BertOnnxWeightsTest {

    private static final BertConfig TINY = new BertConfig(50, 16, 2, 2, 32, 20, 2, 1e-12);

    @Test
    void roundTripsEveryParameterFromRawDataAndFromFloatData() throws IOException {
        Map<String, INDArray> original = BertParameters.random(TINY, 1);
        for (boolean raw : new boolean[] {true, false}) {
            Map<String, INDArray> loaded = BertOnnxWeights.load(read(TinyOnnxExport.write(TINY, original, raw)), TINY);
            assertEquals(original.keySet(), loaded.keySet());
            original.forEach((name, w) -> assertEquals(w, loaded.get(name), name + (raw ? " (raw_data)" : " (float_data)")));
        }
    }

    @Test
    void aTensorOfTheWrongShapeIsNamedInTheError() throws IOException {
        byte[] onnx = TinyOnnxExport.write(TINY, BertParameters.random(TINY, 1), true);
        BertConfig wider = new BertConfig(50, 24, 2, 2, 32, 20, 2, 1e-12);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BertOnnxWeights.load(read(onnx), wider));
        assertTrue(e.getMessage().contains("embeddings.word_embeddings.weight")
                && e.getMessage().contains("[50, 16]") && e.getMessage().contains("[50, 24]"), e.getMessage());
    }

    @Test
    void anUnnamedMatMulWeightIsNamedWithItsNode() throws IOException {
        Map<String, INDArray> weights = BertParameters.random(TINY, 1);
        byte[] onnx = TinyOnnxExport.write(TINY, weights, true, t -> t.getName().equals("onnx::MatMul_700")
                ? TinyOnnxExport.tensor(t.getName(), weights.get(BertParameters.layer(0).upWeight()), true) : t);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BertOnnxWeights.load(read(onnx), TINY));
        assertTrue(e.getMessage().contains("onnx::MatMul_700")
                && e.getMessage().contains("/encoder/layer.0/attention/self/query/MatMul")
                && e.getMessage().contains("[16, 32]"), e.getMessage());
    }

    @Test
    void aModelWithMoreLayersThanTheConfigIsRejected() throws IOException {
        byte[] onnx = TinyOnnxExport.write(TINY, BertParameters.random(TINY, 1), true);
        BertConfig shallower = new BertConfig(50, 16, 1, 2, 32, 20, 2, 1e-12);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BertOnnxWeights.load(read(onnx), shallower));
        assertTrue(e.getMessage().contains("does not use") && e.getMessage().contains("encoder.layer.1."), e.getMessage());
    }

    @Test
    void aModelWithFewerLayersNamesTheMissingNode() throws IOException {
        byte[] onnx = TinyOnnxExport.write(TINY, BertParameters.random(TINY, 1), true);
        BertConfig deeper = new BertConfig(50, 16, 3, 2, 32, 20, 2, 1e-12);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BertOnnxWeights.load(read(onnx), deeper));
        assertTrue(e.getMessage().contains("/encoder/layer.2/attention/self/query/MatMul"), e.getMessage());
    }

    @Test
    void truncatedFloatDataIsReported() throws IOException {
        byte[] onnx = TinyOnnxExport.write(TINY, BertParameters.random(TINY, 1), false,
                t -> t.getName().equals("embeddings.LayerNorm.bias") ? t.toBuilder().clearFloatData()
                        .addAllFloatData(t.getFloatDataList().subList(1, t.getFloatDataCount())).build() : t);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BertOnnxWeights.load(read(onnx), TINY));
        assertTrue(e.getMessage().contains("embeddings.LayerNorm.bias") && e.getMessage().contains("15 floats"),
                e.getMessage());
    }

    @Test
    void bytesThatAreNotAnOnnxModelGiveAClearError() {
        IOException e = assertThrows(IOException.class,
                () -> OnnxWeights.read(new ByteArrayInputStream("definitely not protobuf".getBytes()), "bad.onnx"));
        assertTrue(e.getMessage().startsWith("bad.onnx is not"), e.getMessage());
        IOException empty = assertThrows(IOException.class, () -> OnnxWeights.read(
                new ByteArrayInputStream(Onnx.ModelProto.getDefaultInstance().toByteArray()), "empty.onnx"));
        assertTrue(empty.getMessage().contains("no initializers"), empty.getMessage());
    }

    @Test
    void aMissingResourceIsNamed() {
        IOException e = assertThrows(IOException.class, () -> OnnxWeights.readResource("no/such/model.onnx"));
        assertTrue(e.getMessage().contains("no/such/model.onnx"), e.getMessage());
    }

    private static OnnxWeights read(byte[] onnx) throws IOException {
        return OnnxWeights.read(new ByteArrayInputStream(onnx), "tiny.onnx");
    }
}
