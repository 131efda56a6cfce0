package dev.zooterj.data.tags;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Seeded k-means over {@code float[][]} points: k-means++ initialisation (Arthur and Vassilvitskii 2007; each next
 * centre drawn with probability proportional to the squared distance to the nearest centre so far) followed by Lloyd
 * iterations (assign every point to its nearest centroid, move every centroid to the mean of its points).
 *
 * <p><b>Deterministic for a seed</b>: the only randomness is one {@link SplittableRandom} seeded with
 * {@link Options#seed()}; the assignment step runs in parallel, but each point's nearest centroid is computed
 * independently with a fixed order of floating-point operations, and sums are taken sequentially in point order.
 *
 * <p><b>Stopping</b>: after {@link Options#maxIterations()} Lloyd iterations, or as soon as at most
 * {@link Options#tolerance()} × n points changed cluster in an iteration ({@link Result#converged()} is true only when
 * none did). The returned assignment is always the nearest-centroid assignment under the returned centroids, so
 * {@link Centroids#nearest} of a fitted point gives its own cluster even when the run stopped early.
 *
 * <p><b>Empty clusters</b> (possible after an update) are re-seeded with the point farthest from its centroid.
 *
 * <p><b>Cost</b>: one iteration is n·k·d multiply-adds in plain float loops that the JIT vectorises (centroids are
 * kept transposed, so the inner loop runs over clusters), and squared norms of the centroids are reused; k-means++
 * reads all points once per centre (its bound skips points no new centre can be nearer to). Measured on 2 busy cores:
 * 20,600 MiniLM embeddings (384-d), k = 512: about 0.3–0.7 s per Lloyd iteration, 22 iterations to the default
 * tolerance, under 20 s in all including k-means++.
 */
public final class KMeans {
    /** Lloyd iterations at most, by default. */
    public static final int DEFAULT_MAX_ITERATIONS = 100;
    /** By default, stop when at most 0.1 % of the points changed cluster in an iteration. */
    public static final double DEFAULT_TOLERANCE = 1e-3;

    /** Points per parallel task in the assignment step. */
    private static final int TASK = 256;
    /** Points that share one pass over the transposed centroids. */
    private static final int BLOCK = 8;

    private KMeans() {
    }

    /**
     * @param k             clusters, 1 … number of points
     * @param seed          seeds the k-means++ draws
     * @param maxIterations Lloyd iterations at most (>= 1)
     * @param tolerance     stop when at most this share of the points changed cluster, in [0, 1)
     */
    public record Options(int k, long seed, int maxIterations, double tolerance) {
        public Options {
            if (k < 1) {
                throw new IllegalArgumentException("k-means: k must be >= 1, got " + k);
            }
            if (maxIterations < 1) {
                throw new IllegalArgumentException("k-means: maxIterations must be >= 1, got " + maxIterations);
            }
            if (!(tolerance >= 0 && tolerance < 1)) {
                throw new IllegalArgumentException("k-means: tolerance must be in [0, 1), got " + tolerance);
            }
        }

        /** {@link #DEFAULT_MAX_ITERATIONS} and {@link #DEFAULT_TOLERANCE}. */
        public static Options of(int k, long seed) {
            return new Options(k, seed, DEFAULT_MAX_ITERATIONS, DEFAULT_TOLERANCE);
        }

        public Options withMaxIterations(int n) {
            return new Options(k, seed, n, tolerance);
        }

        public Options withTolerance(double t) {
            return new Options(k, seed, maxIterations, t);
        }
    }

    /**
     * A fitted clustering.
     *
     * @param centroids  the k centroids
     * @param assignment each point's cluster: its nearest centroid
     * @param sizes      points per cluster (may contain 0 when points coincide)
     * @param iterations Lloyd iterations run
     * @param converged  true when the last iteration moved no point
     * @param inertia    sum of squared distances of the points to their centroids
     */
    public record Result(Centroids centroids, int[] assignment, int[] sizes, int iterations, boolean converged, double inertia) {
    }

    /**
     * Clusters {@code points} (n rows of equal dimension, finite values; not modified).
     *
     * @throws IllegalArgumentException when there are fewer points than k, rows differ in length, or a value is not finite
     */
    public static Result fit(float[][] points, Options o) {
        int n = points.length;
        if (n == 0) {
            throw new IllegalArgumentException("k-means: no points to cluster");
        }
        if (o.k() > n) {
            throw new IllegalArgumentException("k-means: k = " + o.k() + " clusters for only " + n + " points");
        }
        int d = points[0].length;
        if (d == 0) {
            throw new IllegalArgumentException("k-means: points have no dimensions");
        }
        for (int i = 0; i < n; i++) {
            if (points[i].length != d) {
                throw new IllegalArgumentException("k-means: point " + i + " has " + points[i].length + " dimensions, point 0 has " + d);
            }
            for (float v : points[i]) {
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("k-means: point " + i + " has a non-finite value " + v);
                }
            }
        }
        SplittableRandom rng = new SplittableRandom(o.seed());
        Centroids centroids = new Centroids(kMeansPlusPlus(points, o.k(), rng));
        int[] assignment = new int[n];
        float[] distance = new float[n];
        centroids.assign(points, assignment, distance);
        int[] next = new int[n];
        int iterations = 0;
        boolean converged = false;
        while (iterations < o.maxIterations()) {
            iterations++;
            centroids = new Centroids(means(points, assignment, distance, o.k()));
            centroids.assign(points, next, distance);
            int changed = 0;
            for (int i = 0; i < n; i++) {
                if (next[i] != assignment[i]) {
                    changed++;
                }
            }
            int[] t = assignment;
            assignment = next;
            next = t;
            if (changed == 0) {
                converged = true;
                break;
            }
            if (changed <= o.tolerance() * n) {
                break;
            }
        }
        int[] sizes = new int[o.k()];
        double inertia = 0;
        for (int i = 0; i < n; i++) {
            sizes[assignment[i]]++;
            inertia += distance[i];
        }
        return new Result(centroids, assignment, sizes, iterations, converged, inertia);
    }

    /**
     * k-means++ seeding: the first centre uniformly, each next one with probability ∝ squared distance to the nearest
     * centre so far. Updating those distances after a new centre c skips every point whose nearest centre m satisfies
     * ‖c − m‖² ≥ 4·d²(x, m): by the triangle inequality c cannot be nearer, so the skipped work changes nothing.
     */
    private static float[][] kMeansPlusPlus(float[][] points, int k, SplittableRandom rng) {
        int n = points.length;
        float[][] centres = new float[k][];
        float[] first = points[rng.nextInt(n)];
        centres[0] = first.clone();
        float[] nearest = new float[n];
        int[] owner = new int[n];
        IntStream.range(0, tasks(n)).parallel().forEach(t -> {
            for (int i = t * TASK, end = Math.min(n, i + TASK); i < end; i++) {
                nearest[i] = squaredDistance(points[i], first);
            }
        });
        float[] centreGap = new float[k];
        for (int c = 1; c < k; c++) {
            double total = 0;
            for (float v : nearest) {
                total += v;
            }
            int pick;
            if (total <= 0) {
                pick = rng.nextInt(n); // every point coincides with a centre already: a duplicate is all that is left
            } else {
                double r = rng.nextDouble() * total;
                double cumulative = 0;
                pick = -1;
                int lastPositive = -1;
                for (int i = 0; i < n; i++) {
                    if (nearest[i] > 0) {
                        lastPositive = i;
                        cumulative += nearest[i];
                        if (cumulative > r) {
                            pick = i;
                            break;
                        }
                    }
                }
                if (pick < 0) {
                    pick = lastPositive; // rounding left r at the very end of the cumulative sum
                }
            }
            float[] centre = points[pick];
            centres[c] = centre.clone();
            int index = c;
            for (int m = 0; m < c; m++) {
                centreGap[m] = squaredDistance(centre, centres[m]);
            }
            IntStream.range(0, tasks(n)).parallel().forEach(t -> {
                for (int i = t * TASK, end = Math.min(n, i + TASK); i < end; i++) {
                    // a small margin keeps rounding in the bound from skipping a point that is in fact nearer
                    if (centreGap[owner[i]] >= 4.0f * nearest[i] * 1.001f) {
                        continue;
                    }
                    float dist = squaredDistance(points[i], centre);
                    if (dist < nearest[i]) {
                        nearest[i] = dist;
                        owner[i] = index;
                    }
                }
            });
        }
        return centres;
    }

    /** The Lloyd update: each centroid becomes the mean of its points; an empty cluster takes the farthest unused point. */
    private static float[][] means(float[][] points, int[] assignment, float[] distance, int k) {
        int n = points.length;
        int d = points[0].length;
        double[][] sums = new double[k][d];
        int[] counts = new int[k];
        for (int i = 0; i < n; i++) {
            double[] s = sums[assignment[i]];
            float[] x = points[i];
            for (int j = 0; j < d; j++) {
                s[j] += x[j];
            }
            counts[assignment[i]]++;
        }
        float[][] out = new float[k][d];
        boolean[] reseeded = null;
        for (int c = 0; c < k; c++) {
            if (counts[c] > 0) {
                for (int j = 0; j < d; j++) {
                    out[c][j] = (float) (sums[c][j] / counts[c]);
                }
                continue;
            }
            if (reseeded == null) {
                reseeded = new boolean[n];
            }
            int far = -1;
            for (int i = 0; i < n; i++) {
                if (!reseeded[i] && (far < 0 || distance[i] > distance[far])) {
                    far = i;
                }
            }
            reseeded[far] = true;
            out[c] = points[far].clone();
        }
        return out;
    }

    /** Squared Euclidean distance with four independent accumulators (so the sum pipelines). */
    static float squaredDistance(float[] a, float[] b) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int d = a.length;
        int j = 0;
        for (; j + 3 < d; j += 4) {
            float e0 = a[j] - b[j];
            float e1 = a[j + 1] - b[j + 1];
            float e2 = a[j + 2] - b[j + 2];
            float e3 = a[j + 3] - b[j + 3];
            s0 += e0 * e0;
            s1 += e1 * e1;
            s2 += e2 * e2;
            s3 += e3 * e3;
        }
        for (; j < d; j++) {
            float e = a[j] - b[j];
            s0 += e * e;
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static int tasks(int n) {
        return (n + TASK - 1) / TASK;
    }

    /**
     * A fixed set of centroids and the nearest-centroid rule. The centroids are kept transposed ([d][k]) with their
     * squared norms, so a point's k distances are ‖c‖² − 2·x·c computed by loops over clusters that the JIT
     * vectorises. Every assignment, single or batched, runs the same arithmetic in the same order, so a point gets the
     * same cluster whichever way it is asked. Ties go to the lowest cluster index. Immutable and thread-safe.
     */
    public static final class Centroids {
        private final int k;
        private final int d;
        private final float[][] rows;
        /** [d][k]: one array per dimension, so the inner loop is a plain a[c] += x·b[c] that the JIT vectorises. */
        private final float[][] transposed;
        private final float[] norms;

        /**
         * @param centroids k rows of one dimension (copied)
         */
        public Centroids(float[][] centroids) {
            if (centroids.length == 0) {
                throw new IllegalArgumentException("no centroids");
            }
            this.k = centroids.length;
            this.d = centroids[0].length;
            this.rows = new float[k][];
            this.transposed = new float[d][k];
            this.norms = new float[k];
            for (int c = 0; c < k; c++) {
                if (centroids[c].length != d) {
                    throw new IllegalArgumentException("centroid " + c + " has " + centroids[c].length + " dimensions, centroid 0 has " + d);
                }
                rows[c] = centroids[c].clone();
                float norm = 0;
                for (int j = 0; j < d; j++) {
                    transposed[j][c] = rows[c][j];
                    norm += rows[c][j] * rows[c][j];
                }
                norms[c] = norm;
            }
        }

        public int k() {
            return k;
        }

        public int dimension() {
            return d;
        }

        /** A copy of centroid {@code c}. */
        public float[] centroid(int c) {
            return rows[c].clone();
        }

        /** A copy of all centroids, [k][d]. */
        public float[][] toArray() {
            float[][] out = new float[k][];
            for (int c = 0; c < k; c++) {
                out[c] = rows[c].clone();
            }
            return out;
        }

        /** The index of the centroid nearest to {@code x} (lowest index on ties). */
        public int nearest(float[] x) {
            if (x.length != d) {
                throw new IllegalArgumentException("a " + x.length + "-d point for " + d + "-d centroids");
            }
            int[] out = new int[1];
            assignBlock(new float[][]{x}, 0, 1, out, null, new float[1][k]);
            return out[0];
        }

        /** The nearest centroid of every point (in parallel). */
        public int[] nearest(float[][] points) {
            int[] out = new int[points.length];
            assign(points, out, null);
            return out;
        }

        /**
         * Writes each point's nearest centroid into {@code assignment} and, when {@code squaredDistance} is not null,
         * its squared distance to it.
         */
        void assign(float[][] points, int[] assignment, float[] squaredDistance) {
            int n = points.length;
            for (float[] p : points) {
                if (p.length != d) {
                    throw new IllegalArgumentException("a " + p.length + "-d point for " + d + "-d centroids");
                }
            }
            IntStream.range(0, tasks(n)).parallel().forEach(t -> {
                float[][] scratch = new float[BLOCK][k];
                for (int from = t * TASK, end = Math.min(n, from + TASK); from < end; from += BLOCK) {
                    assignBlock(points, from, Math.min(end, from + BLOCK), assignment, squaredDistance, scratch);
                }
            });
        }

        /** Points [from, to) (at most {@link #BLOCK}): dot products with every centroid, then the argmin of ‖c‖² − 2·x·c. */
        private void assignBlock(float[][] points, int from, int to, int[] assignment, float[] squaredDistance, float[][] scratch) {
            int p = to - from;
            for (int b = 0; b < p; b++) {
                Arrays.fill(scratch[b], 0f);
            }
            for (int j = 0; j < d; j++) {
                float[] column = transposed[j];
                for (int b = 0; b < p; b++) {
                    float xj = points[from + b][j];
                    float[] dots = scratch[b];
                    for (int c = 0; c < k; c++) {
                        dots[c] += xj * column[c];
                    }
                }
            }
            for (int b = 0; b < p; b++) {
                float[] dots = scratch[b];
                int best = 0;
                float bestValue = norms[0] - 2f * dots[0];
                for (int c = 1; c < k; c++) {
                    float v = norms[c] - 2f * dots[c];
                    if (v < bestValue) {
                        bestValue = v;
                        best = c;
                    }
                }
                assignment[from + b] = best;
                if (squaredDistance != null) {
                    float[] x = points[from + b];
                    float xx = 0;
                    for (float v : x) {
                        xx += v * v;
                    }
                    squaredDistance[from + b] = Math.max(0f, xx + bestValue);
                }
            }
        }
    }
}
