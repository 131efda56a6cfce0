package dev.zooterj.nn.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class BertConfigTest {

    @Test
    void miniLmHasTheParametersOfTheOnnxExport() {
        BertConfig c = BertConfig.miniLmL6();
        assertEquals(32, c.headSize());
        long count = BertParameters.shapes(c).values().stream()
                .mapToLong(s -> java.util.Arrays.stream(s).reduce(1, Math::multiplyExact)).sum();
        assertEquals(22_565_376, count);   // the published 22.7M also counts the pooler, which mean pooling drops
    }

    @Test
    void impossibleShapesAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BertConfig(100, 30, 1, 4, 60, 16, 2, 1e-12));
        assertTrue(e.getMessage().contains("multiple of heads"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new BertConfig(100, 32, 0, 4, 64, 16, 2, 1e-12));
        assertThrows(IllegalArgumentException.class, () -> new BertConfig(100, 32, 1, 4, 64, 16, 2, 0));
    }

    @Test
    void randomWeightsAreSeededAndShaped() {
        BertConfig c = BertConfig.small(50, 16, 2);
        Map<String, INDArray> a = BertParameters.random(c, 42);
        Map<String, INDArray> b = BertParameters.random(c, 42);
        BertParameters.checkShapes(c, a);
        a.forEach((name, w) -> assertEquals(w, b.get(name), name));
        assertEquals(1.0, a.get(BertParameters.EMBEDDINGS_NORM_GAIN).meanNumber().doubleValue(), 0.0);
        assertEquals(0.02, a.get(BertParameters.WORD_EMBEDDINGS).stdNumber().doubleValue(), 0.002);
    }

    @Test
    void aWrongWeightMapIsNamed() {
        BertConfig c = BertConfig.small(50, 16, 1);
        Map<String, INDArray> w = new java.util.LinkedHashMap<>(BertParameters.random(c, 1));
        w.put(BertParameters.layer(0).upBias(), org.nd4j.linalg.factory.Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 7));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BertEncoder.of(c, w));
        assertTrue(e.getMessage().contains("layer.0.ffn.up.bias") && e.getMessage().contains("[7]"), e.getMessage());
    }
}
