package dev.zooterj.data.tags;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KMeansTest {
    /** {@code perBlob} points around each of {@code blobs} centres 100 apart in 20 dimensions (noise 1); blob of point i is i % blobs. */
    static float[][] blobs(int blobs, int perBlob, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int d = 20;
        float[][] centres = new float[blobs][d];
        for (int b = 0; b < blobs; b++) {
            centres[b][b % d] = 100f * (1 + b / d);
        }
        float[][] x = new float[blobs * perBlob][d];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] = centres[i % blobs][j] + (float) rng.nextGaussian();
            }
        }
        return x;
    }

    @Test
    void recoversWellSeparatedBlobs() {
        for (long seed = 0; seed < 5; seed++) {
            float[][] x = blobs(5, 40, 100 + seed);
            KMeans.Result r = KMeans.fit(x, KMeans.Options.of(5, seed));
            Map<Integer, Integer> clusterOfBlob = new HashMap<>();
            for (int i = 0; i < x.length; i++) {
                Integer before = clusterOfBlob.putIfAbsent(i % 5, r.assignment()[i]);
                assertTrue(before == null || before == r.assignment()[i], "blob " + (i % 5) + " split across clusters, seed " + seed);
            }
            assertEquals(5, clusterOfBlob.values().stream().distinct().count(), "two blobs merged, seed " + seed);
            assertTrue(r.converged());
            assertArrayEquals(new int[]{40, 40, 40, 40, 40}, r.sizes());
            // each centroid sits at its blob's mean, within the noise
            for (int b = 0; b < 5; b++) {
                float[] c = r.centroids().centroid(clusterOfBlob.get(b));
                assertEquals(100f, c[b], 0.5f);
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameClusteringAndAnotherSeedMayNot() {
        float[][] x = blobs(7, 30, 1);
        SplittableRandom rng = new SplittableRandom(3);
        for (float[] row : x) {
            for (int j = 0; j < row.length; j++) {
                row[j] += (float) (60 * rng.nextGaussian()); // overlapping blobs, so the seed matters
            }
        }
        KMeans.Result a = KMeans.fit(x, KMeans.Options.of(7, 11));
        KMeans.Result b = KMeans.fit(x, KMeans.Options.of(7, 11));
        assertArrayEquals(a.assignment(), b.assignment());
        assertTrue(Arrays.deepEquals(a.centroids().toArray(), b.centroids().toArray()));
        assertEquals(a.inertia(), b.inertia());
        boolean anyDiffers = false;
        for (long seed = 12; seed < 20 && !anyDiffers; seed++) {
            anyDiffers = !Arrays.equals(a.assignment(), KMeans.fit(x, KMeans.Options.of(7, seed)).assignment());
        }
        assertTrue(anyDiffers, "the seed drives the initialisation");
    }

    @Test
    void everyPointIsAssignedToItsNearestCentroidEvenWhenStoppedEarly() {
        float[][] x = blobs(9, 20, 2);
        SplittableRandom rng = new SplittableRandom(4);
        for (float[] row : x) {
            for (int j = 0; j < row.length; j++) {
                row[j] += (float) (80 * rng.nextGaussian());
            }
        }
        KMeans.Result early = KMeans.fit(x, KMeans.Options.of(9, 5).withMaxIterations(1));
        assertEquals(1, early.iterations());
        assertFalse(early.converged());
        KMeans.Result full = KMeans.fit(x, KMeans.Options.of(9, 5).withTolerance(0));
        assertTrue(full.converged());
        for (KMeans.Result r : new KMeans.Result[]{early, full}) {
            for (int i = 0; i < x.length; i++) {
                assertEquals(r.assignment()[i], r.centroids().nearest(x[i]), "point " + i);
                // and by brute force
                float best = Float.MAX_VALUE;
                for (int c = 0; c < r.centroids().k(); c++) {
                    best = Math.min(best, KMeans.squaredDistance(x[i], r.centroids().centroid(c)));
                }
                assertEquals(best, KMeans.squaredDistance(x[i], r.centroids().centroid(r.assignment()[i])), 1e-2f * Math.max(1, best));
            }
        }
        assertTrue(full.inertia() <= early.inertia());
    }

    @Test
    void coincidentPointsLeaveClustersEmptyInsteadOfFailing() {
        float[][] x = {{1, 1}, {1, 1}, {1, 1}, {5, 5}};
        KMeans.Result r = KMeans.fit(x, KMeans.Options.of(3, 1));
        assertEquals(4, Arrays.stream(r.sizes()).sum());
        assertEquals(r.assignment()[0], r.assignment()[1]);
        assertEquals(r.assignment()[0], r.assignment()[2]);
        assertTrue(r.assignment()[3] != r.assignment()[0]);
        assertEquals(0.0, r.inertia(), 1e-6);
    }

    @Test
    void oneClusterIsTheMean() {
        float[][] x = {{0, 0}, {2, 0}, {4, 6}};
        KMeans.Result r = KMeans.fit(x, KMeans.Options.of(1, 9));
        assertArrayEquals(new float[]{2, 2}, r.centroids().centroid(0), 1e-6f);
        assertArrayEquals(new int[]{0, 0, 0}, r.assignment());
    }

    @Test
    void badInputIsRefusedWithAClearMessage() {
        float[][] x = {{0, 0}, {1, 1}};
        assertEquals("k-means: k = 3 clusters for only 2 points",
                assertThrows(IllegalArgumentException.class, () -> KMeans.fit(x, KMeans.Options.of(3, 1))).getMessage());
        assertEquals("k-means: k must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> KMeans.Options.of(0, 1)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> KMeans.fit(new float[][]{{0, 0}, {1}}, KMeans.Options.of(1, 1)))
                .getMessage().contains("point 1 has 1 dimensions"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> KMeans.fit(new float[][]{{0, Float.NaN}}, KMeans.Options.of(1, 1)))
                .getMessage().contains("non-finite"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> KMeans.Options.of(2, 1).withTolerance(1))
                .getMessage().contains("tolerance"));
    }
}
