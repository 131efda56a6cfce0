package dev.zooterj.bench;

import dev.zooterj.nn.train.EpochStats;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BenchListenerTest {
    @Test
    void stagesAndSlowEpochsBecomeMessages() {
        List<String> lines = new ArrayList<>();
        BenchRunner.Listener log = lines::add;
        var training = log.training();
        training.stage("auto: tuning knn (3/6) on 6078 rows");
        training.epochEnded(new EpochStats(1, 0.5, 0.25, 0.6, 2));      // a head's epoch: seconds, not shown
        training.epochEnded(new EpochStats(2, 0.5, 0.25, 0.6, 412));    // a fine-tuned encoder's
        assertEquals(List.of("  auto: tuning knn (3/6) on 6078 rows",
                "    epoch 2: train KL 0.5000, validation KL 0.2500, top-1 0.600 (412.0s)"), lines);
    }
}
