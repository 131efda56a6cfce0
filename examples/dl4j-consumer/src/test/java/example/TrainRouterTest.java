package example;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.core.routing.RoutingDecision;
import dev.zooterj.nn.router.RouterKinds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The published API end to end: train a DL4J network on Zooter labels, import it, route with it. */
class TrainRouterTest {
    @TempDir
    Path dir;

    @Test
    void aNetworkTrainedOnZooterLabelsRoutesBetterThanChance() {
        Path out = dir.resolve("router");
        TrainRouter.Result r = TrainRouter.run(out, 400, 3, 15, 42);
        assertEquals("dl4j", RouterKinds.kindOf(out));
        assertEquals(r.train().models(), r.router().models());

        RewardDataset test = r.test();
        List<RoutingDecision> d = r.router().route(test.records().stream().map(RewardRecord::query).toList());
        double routed = 0;
        double chance = 0;
        for (int i = 0; i < test.size(); i++) {
            double[] s = test.records().get(i).scores();
            routed += s[test.modelIndex(d.get(i).model())];
            for (double v : s) {
                chance += v / s.length;
            }
        }
        System.out.printf("dl4j-consumer: %d held-out queries, mean score routed %.4f, picking at random %.4f%n",
                test.size(), routed / test.size(), chance / test.size());
        assertTrue(routed > chance, "routed " + routed / test.size() + " vs random " + chance / test.size());
    }
}
