package dev.zooterj.data.tags;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whatever happens to the non-training rows (other texts, rewards, more or fewer rows, another order), the fitted tagger and the training rows' tags stay the same. */
class ClusterLeakageProperties {
    @Property(tries = 40)
    void nonTrainingRowsNeverChangeTheTagger(@ForAll @IntRange(min = 2, max = 8) int perTopic, @ForAll @IntRange(min = 0, max = 20) int tests,
                                             @ForAll @IntRange(min = 0, max = 20) int otherTests, @ForAll long seed,
                                             @ForAll @IntRange(min = 1, max = 8) int k) {
        RewardDataset a = ClusterFixtures.dataset(perTopic, tests, 17);
        List<RewardRecord> rows = new ArrayList<>();
        Random rng = new Random(seed);
        for (RewardRecord r : ClusterFixtures.dataset(perTopic, 0, 17).records()) {
            rows.add(r);
        }
        for (int i = 0; i < otherTests; i++) {
            rows.add(new RewardRecord("y" + i, "other test text " + rng.nextInt(1000) + " about sql joins", null, List.of(), "z", "test",
                    new double[]{rng.nextGaussian(), rng.nextGaussian()}, null, null));
        }
        Collections.shuffle(rows, rng);
        RewardDataset b = a.withRecords(rows);
        TagScheme scheme = TagScheme.cluster(List.of(Math.min(k, 4 * perTopic)));
        DatasetTagger.Fitted fa = DatasetTagger.fitAndApply(a, TrainingRows.choose(a, null, "a"), scheme, new ClusterFixtures.HashEmbedder(), seed, false);
        DatasetTagger.Fitted fb = DatasetTagger.fitAndApply(b, TrainingRows.choose(b, null, "b"), scheme, new ClusterFixtures.HashEmbedder(), seed, false);
        ClusterTagger ca = fa.tagger().clusters().orElseThrow();
        ClusterTagger cb = fb.tagger().clusters().orElseThrow();
        assertEquals(ca.vocabulary(), cb.vocabulary());
        assertTrue(java.util.Arrays.equals(ca.centroids(), cb.centroids()));
        java.util.Map<String, List<String>> tagsOfB = new java.util.HashMap<>();
        fb.data().records().forEach(r -> tagsOfB.put(r.id(), r.tags()));
        fa.data().records().stream().filter(r -> "train".equals(r.split()))
                .forEach(r -> assertEquals(r.tags(), tagsOfB.get(r.id()), r.id()));
    }
}
