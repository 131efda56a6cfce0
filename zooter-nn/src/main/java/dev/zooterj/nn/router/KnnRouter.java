package dev.zooterj.nn.router;

import dev.zooterj.core.routing.Estimate;
import dev.zooterj.core.routing.Estimator;
import dev.zooterj.core.routing.Policy;
import dev.zooterj.core.routing.Router;
import dev.zooterj.core.routing.RoutingDecision;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * k-nearest-neighbour routing on the same embeddings as Zooter: the estimate is the mean target of the k training
 * queries most cosine-similar to the query — their labels (a distribution) or their scores (expected scores) — and
 * the pick its argmax. A strong, training-free baseline.
 */
public final class KnnRouter implements Router, Estimator {
    private final List<String> models;
    private final INDArray unitTraining;       // (n, D), rows L2-normalised
    private final double[][] labels;           // (n, N)
    private final int k;
    private final Function<List<String>, INDArray> embed;
    private final Estimate.Kind kind;

    /**
     * @param trainingEmbeddings embeddings of the training queries [n, D]
     * @param labels             their labels (e.g. s or s*), [n][N]
     * @param embed              embeds new queries with the same encoder
     */
    public KnnRouter(List<String> models, INDArray trainingEmbeddings, double[][] labels, int k,
                     Function<List<String>, INDArray> embed) {
        this(models, trainingEmbeddings, labels, k, embed, Estimate.Kind.DISTRIBUTION);
    }

    /**
     * @param targets per training query, a distribution ({@code kind} DISTRIBUTION) or scores (EXPECTED_SCORES), [n][N]
     */
    public KnnRouter(List<String> models, INDArray trainingEmbeddings, double[][] targets, int k,
                     Function<List<String>, INDArray> embed, Estimate.Kind kind) {
        double[][] labels = targets;
        this.kind = kind;
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        if (trainingEmbeddings.rows() != labels.length) {
            throw new IllegalArgumentException(trainingEmbeddings.rows() + " embeddings for " + labels.length + " labels");
        }
        this.models = List.copyOf(models);
        this.unitTraining = normalised(trainingEmbeddings);
        this.labels = labels;
        this.k = Math.min(k, labels.length);
        this.embed = embed;
    }

    private static INDArray normalised(INDArray x) {
        INDArray f = x.castTo(DataType.FLOAT).dup();
        INDArray norms = f.norm2(1).addi(1e-12).reshape(f.rows(), 1);
        return f.diviColumnVector(norms);
    }

    @Override
    public List<String> models() {
        return models;
    }

    @Override
    public RoutingDecision route(String query) {
        return route(List.of(query)).get(0);
    }

    @Override
    public List<RoutingDecision> route(List<String> queries) {
        return estimate(queries).stream().map(Policy.ARGMAX::decide).toList();
    }

    @Override
    public List<Estimate> estimate(List<String> queries) {
        INDArray sims = normalised(embed.apply(queries)).mmul(unitTraining.transpose());   // (q, n)
        List<Estimate> out = new ArrayList<>(queries.size());
        for (int q = 0; q < queries.size(); q++) {
            float[] row = sims.getRow(q).toFloatVector();
            double[] dist = new double[models.size()];
            for (int i : topK(row, k)) {
                for (int m = 0; m < dist.length; m++) {
                    dist[m] += labels[i][m] / k;
                }
            }
            out.add(new Estimate(models, dist, kind));
        }
        return out;
    }

    /** Indices of the k largest values (a partial selection; ties broken by lower index). */
    static int[] topK(float[] v, int k) {
        int[] best = new int[k];
        int size = 0;
        for (int i = 0; i < v.length; i++) {
            if (size < k) {
                best[size++] = i;
                siftUp(best, size - 1, v);
            } else if (v[i] > v[best[0]]) {
                best[0] = i;
                siftDown(best, size, v);
            }
        }
        return java.util.Arrays.copyOf(best, size);
    }

    // a min-heap on v[] so the weakest of the current top k is at the root
    private static void siftUp(int[] h, int i, float[] v) {
        while (i > 0) {
            int p = (i - 1) / 2;
            if (less(h[i], h[p], v)) {
                swap(h, i, p);
                i = p;
            } else {
                return;
            }
        }
    }

    private static void siftDown(int[] h, int size, float[] v) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1;
            int r = l + 1;
            int m = i;
            if (l < size && less(h[l], h[m], v)) {
                m = l;
            }
            if (r < size && less(h[r], h[m], v)) {
                m = r;
            }
            if (m == i) {
                return;
            }
            swap(h, i, m);
            i = m;
        }
    }

    private static boolean less(int a, int b, float[] v) {
        return v[a] < v[b] || (v[a] == v[b] && a > b);
    }

    private static void swap(int[] h, int i, int j) {
        int t = h[i];
        h[i] = h[j];
        h[j] = t;
    }

    /** The neighbour count in use. */
    public int k() {
        return k;
    }
}
