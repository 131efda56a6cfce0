package dev.zooterj.nn.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The fused element-wise steps against plain definitions. */
class FusedOpsTest {

    @Test
    void geluIsTheErfGeluToFloatPrecision() {
        double worst = 0;
        for (double x = -12; x <= 12; x += 1e-3) {
            float xf = (float) x;
            double exact = 0.5 * xf * (1 + Erf.erf(xf / Math.sqrt(2)));
            worst = Math.max(worst, Math.abs(FusedOps.gelu(xf) - exact));
        }
        assertEquals(0, worst, 1e-6);
        assertEquals(1e30f, FusedOps.gelu(1e30f), 0f);
        assertEquals(0f, FusedOps.gelu(-1e30f), 0f);
    }

    @Test
    void biasAndGeluMatchTheirDefinition() {
        float[][] values = new float[5][12];
        float[] biasValues = new float[12];
        for (int c = 0; c < 12; c++) {
            biasValues[c] = -1 + c / 6f;
            for (int r = 0; r < 5; r++) {
                values[r][c] = -6 + (12 * c + r) / 5f;
            }
        }
        INDArray x = Nd4j.createFromArray(values);
        INDArray bias = Nd4j.createFromArray(biasValues);
        INDArray expected = x.addRowVector(bias);
        float[] e = expected.ravel().toFloatVector();
        for (int i = 0; i < e.length; i++) {
            e[i] = (float) (0.5 * e[i] * (1 + Erf.erf(e[i] / Math.sqrt(2))));
        }
        new FusedOps().addBiasGelu(x, bias);
        assertArrayEquals(e, x.ravel().toFloatVector(), 1e-6f);
    }

    @Test
    void biasAndQueryScalingMatchTheirDefinition() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 9);
        INDArray bias = Nd4j.rand(DataType.FLOAT, 9);
        INDArray expected = x.addRowVector(bias);
        expected.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 3)).muli(0.5);
        new FusedOps().addBiasAndScale(x, bias, 3, 0.5f);
        assertArrayEquals(expected.ravel().toFloatVector(), x.ravel().toFloatVector(), 1e-6f);
    }

    @Test
    void layerNormAddsEpsToTheVariance() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 6, 10).muli(1e-2);   // tiny variance: eps matters
        INDArray residual = Nd4j.rand(DataType.FLOAT, 6, 10).muli(1e-2);
        INDArray bias = Nd4j.rand(DataType.FLOAT, 10).muli(1e-2);
        INDArray gain = Nd4j.rand(DataType.FLOAT, 10).addi(0.5);
        INDArray beta = Nd4j.rand(DataType.FLOAT, 10);
        double eps = 1e-5;
        INDArray s = x.add(residual).addRowVector(bias);
        INDArray centered = s.subColumnVector(s.mean(1));
        INDArray std = centered.mul(centered).mean(1).addi(eps);
        INDArray expected = centered.divColumnVector(org.nd4j.linalg.ops.transforms.Transforms.sqrt(std))
                .mulRowVector(gain).addRowVector(beta);
        INDArray out = Nd4j.create(DataType.FLOAT, 6, 10);
        new FusedOps().addLayerNorm(x, residual, bias, gain, beta, eps, out);
        assertArrayEquals(expected.ravel().toFloatVector(), out.ravel().toFloatVector(), 1e-5f);
    }

    @Test
    void viewsAreRefused() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 8);
        INDArray view = x.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 4));
        assertThrows(IllegalArgumentException.class, () -> new FusedOps().addBiasGelu(view, Nd4j.zeros(DataType.FLOAT, 4)));
    }
}
