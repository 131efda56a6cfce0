package dev.zooterj.nn.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.label.LabelConfig;
import dev.zooterj.nn.head.HeadConfig;
import dev.zooterj.nn.train.TrainingConfig;
import dev.zooterj.nn.train.TrainingMode;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** "Linear probing, then fine-tuning": a fine-tune whose head starts from the head mode's fit on the same rows. */
class HeadStartTest {

    private static RouterSpec spec(TrainingMode mode, TrainingConfig training, RouterSpec.HeadStart start) {
        return new RouterSpec(RouterSpec.MINILM, null, mode, HeadConfig.linear(), LabelConfig.paper().withTau(0.1), training, 8,
                false, null, null, start);
    }

    private static final List<String> stages = new ArrayList<>();

    private static Map<String, INDArray> head(RewardDataset data, RouterSpec spec) {
        ZooterTrainer.Listener listener = new ZooterTrainer.Listener() {
            @Override
            public void stage(String line) {
                stages.add(line);
            }
        };
        return ZooterTrainer.train(data, spec, "rows", "hash", null, listener).router().head().weights();
    }

    private static double largestDifference(Map<String, INDArray> a, Map<String, INDArray> b) {
        double d = 0;
        for (String name : a.keySet()) {
            d = Math.max(d, a.get(name).sub(b.get(name)).amaxNumber().doubleValue());
        }
        return d;
    }

    @Test
    void aProbedFineTuneStartsFromTheHeadModesFit() {
        RewardDataset data = KindFixtures.rows("q", "train", 8, 8, 8);
        Map<String, INDArray> probed = head(data, spec(TrainingMode.HEAD, TrainingConfig.headDefaults().withSeed(7),
                RouterSpec.HeadStart.RANDOM));

        // a fine-tune with a learning rate too small to move anything: what it returns is where its head started
        TrainingConfig still = new TrainingConfig(1, 8, 1e-12, 0, 0, 1, 7, 0.1, 0);
        stages.clear();
        Map<String, INDArray> fromProbe = head(data, spec(TrainingMode.FINETUNE, still, RouterSpec.HeadStart.PROBE));
        assertTrue(stages.stream().anyMatch(l -> l.startsWith("head start: kept epoch")), stages.toString());
        Map<String, INDArray> fromRandom = head(data, spec(TrainingMode.FINETUNE, still, RouterSpec.HeadStart.RANDOM));

        assertEquals(0, largestDifference(probed, fromProbe), 1e-6,
                "the probe is the head mode's fit (30 epochs, lr 3e-3, the spec's seed, the same validation rows)");
        assertTrue(largestDifference(probed, fromRandom) > 1e-3, "a random start is elsewhere");
    }

    @Test
    void aProbeStartNeedsFineTuning() {
        String message = assertThrows(IllegalArgumentException.class,
                () -> spec(TrainingMode.HEAD, TrainingConfig.headDefaults(), RouterSpec.HeadStart.PROBE)).getMessage();
        assertTrue(message.contains("--mode finetune"), message);
        assertEquals(RouterSpec.HeadStart.PROBE, RouterSpec.HeadStart.parse("probe"));
        assertThrows(IllegalArgumentException.class, () -> RouterSpec.HeadStart.parse("warm"));
        assertTrue(spec(TrainingMode.FINETUNE, TrainingConfig.paperFinetune(), RouterSpec.HeadStart.PROBE).describe()
                .endsWith("headStart=probe"));
        assertTrue(!spec(TrainingMode.FINETUNE, TrainingConfig.paperFinetune(), RouterSpec.HeadStart.RANDOM).describe()
                .contains("headStart"), "a random start keeps the description (and checkpoint fingerprints) of before");
    }
}
