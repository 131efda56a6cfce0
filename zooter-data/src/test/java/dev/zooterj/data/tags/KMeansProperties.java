package dev.zooterj.data.tags;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KMeansProperties {
    /** 1–60 points of 1–6 dimensions with coarse coordinates, so coincident points and ties happen. */
    @Provide
    Arbitrary<float[][]> points() {
        return Arbitraries.integers().between(1, 6).flatMap(d ->
                Arbitraries.integers().between(-4, 4).map(v -> v * 0.5f).array(float[].class).ofSize(d)
                        .array(float[][].class).ofMinSize(1).ofMaxSize(60));
    }

    @Property(tries = 300, edgeCases = EdgeCasesMode.MIXIN)
    void everyPointIsInItsNearestCentroidsCluster(@ForAll("points") float[][] x, @ForAll @IntRange(min = 1, max = 60) int k,
                                                  @ForAll long seed) {
        int kk = Math.min(k, x.length);
        KMeans.Result r = KMeans.fit(x, KMeans.Options.of(kk, seed));
        assertEquals(x.length, Arrays.stream(r.sizes()).sum());
        assertArrayEquals(r.assignment(), r.centroids().nearest(x));
        for (int i = 0; i < x.length; i++) {
            assertEquals(r.assignment()[i], r.centroids().nearest(x[i]));
        }
        assertTrue(r.inertia() >= 0);
    }

    @Property(tries = 200, edgeCases = EdgeCasesMode.MIXIN)
    void aSeedDeterminesTheWholeResult(@ForAll("points") float[][] x, @ForAll @IntRange(min = 1, max = 10) int k, @ForAll long seed) {
        int kk = Math.min(k, x.length);
        KMeans.Result a = KMeans.fit(x, KMeans.Options.of(kk, seed));
        KMeans.Result b = KMeans.fit(Arrays.stream(x).map(float[]::clone).toArray(float[][]::new), KMeans.Options.of(kk, seed));
        assertArrayEquals(a.assignment(), b.assignment());
        assertTrue(Arrays.deepEquals(a.centroids().toArray(), b.centroids().toArray()));
        assertEquals(a.iterations(), b.iterations());
    }
}
