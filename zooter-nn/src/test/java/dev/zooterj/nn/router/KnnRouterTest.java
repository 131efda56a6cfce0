package dev.zooterj.nn.router;

import dev.zooterj.core.routing.RoutingDecision;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class KnnRouterTest {
    @Test
    void routesByTheMeanLabelOfTheNearestTrainingQueries() {
        // training queries embedded on the x axis (model a) or the y axis (model b); "query text" is its direction
        float[][] train = {{1, 0}, {2, 0.1f}, {0, 1}, {0.1f, 3}, {0, 2}};
        double[][] labels = {{1, 0}, {0.8, 0.2}, {0, 1}, {0.2, 0.8}, {0, 1}};
        KnnRouter knn = new KnnRouter(List.of("a", "b"), Nd4j.create(train), labels, 2,
                qs -> Nd4j.create(qs.stream().map(q -> q.equals("x") ? new float[]{5, 0.2f} : new float[]{0.1f, 5}).toArray(float[][]::new)));
        RoutingDecision x = knn.route("x");
        assertEquals("a", x.model());
        assertArrayEquals(new double[]{0.9, 0.1}, x.distribution(), 1e-6);
        assertEquals("b", knn.route("y").model());
    }

    @Property(tries = 200)
    void topKFindsTheKLargest(@ForAll @Size(min = 1, max = 60) float[] values, @ForAll @IntRange(min = 1, max = 60) int k) {
        int kk = Math.min(k, values.length);
        int[] idx = KnnRouter.topK(values, kk);
        float[] sorted = values.clone();
        Arrays.sort(sorted);
        float[] chosen = new float[kk];
        for (int i = 0; i < kk; i++) {
            chosen[i] = values[idx[i]];
        }
        Arrays.sort(chosen);
        assertArrayEquals(Arrays.copyOfRange(sorted, sorted.length - kk, sorted.length), chosen, 0f);
        assertEquals(kk, Arrays.stream(idx).distinct().count());
    }
}
