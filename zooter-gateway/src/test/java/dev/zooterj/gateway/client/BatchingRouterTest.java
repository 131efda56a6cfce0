package dev.zooterj.gateway.client;

import dev.zooterj.core.routing.Router;
import dev.zooterj.core.routing.RoutingDecision;
import dev.zooterj.gateway.KeywordRouter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchingRouterTest {
    /** A keyword router whose batches take a while, so that concurrent callers pile up; records batch sizes. */
    private static final class SlowBatches implements Router {
        final KeywordRouter inner = new KeywordRouter("a", "b", "c");
        final List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
        volatile boolean failing;

        @Override
        public List<String> models() {
            return inner.models();
        }

        @Override
        public RoutingDecision route(String query) {
            return route(List.of(query)).get(0);
        }

        @Override
        public List<RoutingDecision> route(List<String> queries) {
            sizes.add(queries.size());
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (failing) {
                throw new IllegalStateException("encoder exploded");
            }
            return queries.stream().map(inner::route).toList();
        }
    }

    @Test
    void concurrentCallersEachGetTheirOwnDecisionFromSharedBatches() throws Exception {
        SlowBatches slow = new SlowBatches();
        List<String> models = List.of("a", "b", "c");
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try (BatchingRouter router = new BatchingRouter(slow, 8)) {
            List<Future<RoutingDecision>> futures = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                String q = "query " + i + " @" + models.get(i % 3);
                futures.add(pool.submit(() -> router.route(q)));
            }
            for (int i = 0; i < 400; i++) {
                assertEquals(models.get(i % 3), futures.get(i).get().model(), "decision " + i);
            }
            assertEquals(400, slow.sizes.stream().mapToInt(Integer::intValue).sum(), "every query routed exactly once");
            assertTrue(slow.sizes.stream().allMatch(s -> s <= 8), "no batch beyond maxBatch: " + slow.sizes);
            assertTrue(router.meanBatchSize() > 1.5, "concurrent queries shared batches: " + slow.sizes);
            assertEquals(models, router.models());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aLoneQueryDoesNotWaitForCompanyAndFailuresReachTheCaller() {
        SlowBatches slow = new SlowBatches();
        BatchingRouter router = new BatchingRouter(slow, 32);
        assertEquals("b", router.route("@b alone").model());
        assertEquals(List.of(1), slow.sizes);
        slow.failing = true;
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> router.route("x"));
        assertEquals("encoder exploded", e.getMessage());
        slow.failing = false;
        assertEquals("c", router.route("@c still works").model());
        router.close();
        assertThrows(IllegalStateException.class, () -> router.route("after close"));
        assertThrows(IllegalArgumentException.class, () -> new BatchingRouter(slow, 0));
    }
}
