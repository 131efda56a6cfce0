package dev.zooterj.nn.router;

import dev.zooterj.nn.train.AdamW;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A multi-output regression head on frozen embeddings: each candidate's expected evaluation score on a query. Inputs
 * are standardised per dimension (means and deviations of the training rows); then a linear layer, or one ReLU hidden
 * layer and a linear layer, gives one output per model. With {@link Loss#BCE} the outputs go through a sigmoid and
 * the loss is the binary cross-entropy against scores in [0, 1] (a score of 0.7 is a soft target); with
 * {@link Loss#MSE} the outputs are the scores and the loss is half the squared error. Trained by mini-batch AdamW with
 * an L2 penalty (l2 / 2)·‖W‖² on the weight matrices; the gradients are written out (no graph executor). The output
 * weights start at zero and the output biases at each model's mean training score, so an untrained head predicts "the
 * best model on average".
 */
public final class ExpectedScoreHead {
    /** How outputs relate to scores. */
    public enum Loss {
        /** sigmoid outputs, binary cross-entropy: scores in [0, 1] */
        BCE,
        /** identity outputs, squared error: scores on any scale */
        MSE
    }

    static final String MEAN = "input/mean";
    static final String STD = "input/std";
    static final String W1 = "head/w1";
    static final String B1 = "head/b1";
    static final String W2 = "head/w2";
    static final String B2 = "head/b2";

    private final Loss loss;
    private final Map<String, INDArray> params;

    private ExpectedScoreHead(Loss loss, Map<String, INDArray> params) {
        this.loss = loss;
        this.params = params;
    }

    /** A head from saved arrays (the names above; w1/b1 absent for a linear head). */
    public static ExpectedScoreHead of(Loss loss, Map<String, INDArray> arrays) {
        Map<String, INDArray> p = new LinkedHashMap<>();
        for (String k : new String[]{MEAN, STD, W1, B1, W2, B2}) {
            INDArray a = arrays.get(k);
            if (a != null) {
                p.put(k, a.castTo(DataType.FLOAT));
            }
        }
        for (String k : new String[]{MEAN, STD, W2, B2}) {
            if (!p.containsKey(k)) {
                throw new IllegalArgumentException("expected-score head array '" + k + "' is missing");
            }
        }
        if (p.containsKey(W1) != p.containsKey(B1)) {
            throw new IllegalArgumentException("expected-score head: " + W1 + " and " + B1 + " come together");
        }
        return new ExpectedScoreHead(loss, p);
    }

    /**
     * @param x      embeddings, n × D
     * @param y      scores, n × N
     * @param hidden 0 for a linear head, else the ReLU layer's width
     * @param l2     penalty on the weight matrices
     * @param epochs passes over the rows
     * @param batch  rows per step
     * @param lr     AdamW's step size (constant)
     * @param seed   seeds initialisation and shuffling
     */
    public static ExpectedScoreHead fit(float[][] x, double[][] y, Loss loss, int hidden, double l2, int epochs, int batch, double lr,
                                        long seed) {
        int n = x.length;
        if (n == 0 || y.length != n) {
            throw new IllegalArgumentException(n + " embeddings for " + y.length + " score rows");
        }
        int d = x[0].length;
        int models = y[0].length;
        float[] mean = new float[d];
        float[] std = new float[d];
        for (float[] row : x) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j] / n;
            }
        }
        for (float[] row : x) {
            for (int j = 0; j < d; j++) {
                std[j] += (row[j] - mean[j]) * (row[j] - mean[j]) / n;
            }
        }
        for (int j = 0; j < d; j++) {
            std[j] = (float) Math.max(Math.sqrt(std[j]), 1e-6);
        }
        Map<String, INDArray> p = new LinkedHashMap<>();
        p.put(MEAN, Nd4j.create(mean));
        p.put(STD, Nd4j.create(std));
        SplittableRandom rng = new SplittableRandom(seed);
        int top = hidden > 0 ? hidden : d;
        if (hidden > 0) {
            p.put(W1, xavier(rng, d, hidden));
            p.put(B1, Nd4j.zeros(DataType.FLOAT, hidden));
        }
        // the output layer starts at zero: the untrained head predicts each model's mean score (a linear head's fit is
        // then convex from a deterministic start)
        p.put(W2, Nd4j.zeros(DataType.FLOAT, top, models));
        float[] bias = new float[models];
        for (double[] row : y) {
            for (int m = 0; m < models; m++) {
                bias[m] += (float) (row[m] / n);
            }
        }
        if (loss == Loss.BCE) {
            for (int m = 0; m < models; m++) {
                double q = Math.min(Math.max(bias[m], 1e-3), 1 - 1e-3);
                bias[m] = (float) Math.log(q / (1 - q));
            }
        }
        p.put(B2, Nd4j.create(bias));
        ExpectedScoreHead head = new ExpectedScoreHead(loss, p);

        INDArray xs = head.standardise(x);
        float[][] yf = new float[n][models];
        for (int i = 0; i < n; i++) {
            for (int m = 0; m < models; m++) {
                yf[i][m] = (float) y[i][m];
            }
        }
        INDArray ys = Nd4j.create(yf);
        Map<String, INDArray> trainable = new LinkedHashMap<>(p);
        trainable.remove(MEAN);
        trainable.remove(STD);
        AdamW opt = new AdamW(0);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int epoch = 0; epoch < epochs; epoch++) {
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int start = 0; start < n; start += batch) {
                int[] rows = java.util.Arrays.copyOfRange(order, start, Math.min(n, start + batch));
                opt.step(trainable, head.gradients(xs.getRows(rows), ys.getRows(rows), l2), lr);
            }
        }
        return head;
    }

    private static INDArray xavier(SplittableRandom rng, int in, int out) {
        double limit = Math.sqrt(6.0 / (in + out));
        float[] v = new float[in * out];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((rng.nextDouble() * 2 - 1) * limit);
        }
        return Nd4j.create(v, new long[]{in, out}, 'c');
    }

    /** Exact gradients of the batch-mean loss plus the L2 penalty. */
    Map<String, INDArray> gradients(INDArray xb, INDArray yb, double l2) {
        int b = (int) xb.rows();
        INDArray pre = null;
        INDArray h = xb;
        if (params.containsKey(W1)) {
            pre = xb.mmul(params.get(W1)).addiRowVector(params.get(B1));
            h = Transforms.relu(pre, true);
        }
        INDArray z = h.mmul(params.get(W2)).addiRowVector(params.get(B2));
        INDArray out = loss == Loss.BCE ? Transforms.sigmoid(z, true) : z;
        // BCE with a sigmoid and half the squared error on identity outputs share dL/dz = out − y
        INDArray dz = out.subi(yb).divi(b);
        Map<String, INDArray> g = new java.util.HashMap<>();
        g.put(B2, dz.sum(0));
        INDArray gw2 = h.transpose().mmul(dz);
        if (l2 > 0) {
            gw2.addi(params.get(W2).mul(l2));
        }
        g.put(W2, gw2);
        if (pre != null) {
            INDArray dh = dz.mmul(params.get(W2).transpose()).muli(pre.gt(0).castTo(DataType.FLOAT));
            g.put(B1, dh.sum(0));
            INDArray gw1 = xb.transpose().mmul(dh);
            if (l2 > 0) {
                gw1.addi(params.get(W1).mul(l2));
            }
            g.put(W1, gw1);
        }
        return g;
    }

    private INDArray standardise(float[][] x) {
        return Nd4j.create(x).subiRowVector(params.get(MEAN)).diviRowVector(params.get(STD));
    }

    /** Expected scores, n × N. */
    public double[][] predict(float[][] x) {
        if (x.length == 0) {
            return new double[0][];
        }
        INDArray h = standardise(x);
        if (params.containsKey(W1)) {
            h = Transforms.relu(h.mmul(params.get(W1)).addiRowVector(params.get(B1)), false);
        }
        INDArray z = h.mmul(params.get(W2)).addiRowVector(params.get(B2));
        if (loss == Loss.BCE) {
            z = Transforms.sigmoid(z, false);
        }
        return z.castTo(DataType.DOUBLE).toDoubleMatrix();
    }

    public Loss loss() {
        return loss;
    }

    /** Every array, by name, for saving. */
    public Map<String, INDArray> arrays() {
        return java.util.Collections.unmodifiableMap(params);
    }
}
