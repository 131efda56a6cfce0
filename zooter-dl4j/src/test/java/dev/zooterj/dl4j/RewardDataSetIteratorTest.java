package dev.zooterj.dl4j;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.core.label.LabelConfig;
import dev.zooterj.core.label.TagEnhancedLabels;
import dev.zooterj.data.sim.SimulatedZoo;
import dev.zooterj.nn.tokenizer.WordPieceTokenizer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RewardDataSetIteratorTest {
    static final WordHashEmbedder EMBEDDER = new WordHashEmbedder(24);
    static RewardDataset train;
    static RewardDataset both;

    @BeforeAll
    static void zoo() {
        SimulatedZoo zoo = SimulatedZoo.generate(SimulatedZoo.Config.defaults().withSeed(7).withTrainingQueries(120).withQueriesPerSubset(2));
        train = zoo.training();
        List<RewardRecord> all = new ArrayList<>(train.records());
        all.addAll(zoo.evaluation().records());
        both = train.withRecords(all);
    }

    /** Rows by their features (the hash embedding of the query; a few queries share one). */
    private static Map<String, List<Integer>> rowsByFeature(RewardDataset data) {
        Map<String, List<Integer>> m = new HashMap<>();
        float[][] x = EMBEDDER.embed(data.records().stream().map(RewardRecord::query).toList());
        for (int i = 0; i < x.length; i++) {
            m.computeIfAbsent(java.util.Arrays.toString(x[i]), k -> new ArrayList<>()).add(i);
        }
        return m;
    }

    @Property(tries = 12)
    void everyEpochVisitsEveryRowOnceWithItsLabel(@ForAll @IntRange(min = 1, max = 50) int batch,
                                                  @ForAll @IntRange(min = 0, max = 3) int betaThirds) {
        LabelConfig labels = LabelConfig.paper().withBeta(betaThirds / 3.0);
        RewardDataSetIterator it = RewardDataSetIterator.builder(train).labels(labels).embeddings(EMBEDDER).batch(batch).seed(batch).build();
        TagEnhancedLabels expected = TagEnhancedLabels.fit(labels, train.records());
        Map<String, List<Integer>> rows = rowsByFeature(train);
        for (int epoch = 0; epoch < 2; epoch++) {
            // each example's (features, label) pair is taken off the multiset of the rows' pairs
            Map<String, List<Integer>> left = new HashMap<>();
            rows.forEach((k, v) -> left.put(k, new ArrayList<>(v)));
            int seen = 0;
            while (it.hasNext()) {
                DataSet ds = it.next();
                assertTrue(ds.numExamples() <= batch);
                assertEquals(24, ds.getFeatures().size(1));
                assertEquals(train.models().size(), ds.getLabels().size(1));
                for (int b = 0; b < ds.numExamples(); b++) {
                    List<Integer> candidates = left.get(java.util.Arrays.toString(ds.getFeatures().getRow(b).toFloatVector()));
                    assertTrue(candidates != null && !candidates.isEmpty(), "features of no row left in this epoch");
                    float[] got = ds.getLabels().getRow(b).toFloatVector();
                    Integer match = null;
                    for (Integer row : candidates) {
                        double[] want = expected.label(train.records().get(row));
                        boolean same = true;
                        for (int j = 0; j < want.length; j++) {
                            same &= Math.abs(want[j] - got[j]) <= 1e-6;
                        }
                        if (same) {
                            match = row;
                            break;
                        }
                    }
                    assertTrue(match != null, "the label is not s* of a row with these features");
                    candidates.remove(match);
                }
                seen += ds.numExamples();
            }
            assertEquals(train.size(), seen);
            it.reset();
        }
        assertEquals(2, it.epoch());
    }

    @Test
    void shufflingFollowsTheSeedAndChangesEachEpoch() {
        List<String> a = order(RewardDataSetIterator.builder(train).embeddings(EMBEDDER).batch(16).seed(3).build(), 2);
        List<String> b = order(RewardDataSetIterator.builder(train).embeddings(EMBEDDER).batch(16).seed(3).build(), 2);
        List<String> c = order(RewardDataSetIterator.builder(train).embeddings(EMBEDDER).batch(16).seed(4).build(), 2);
        assertEquals(a, b);
        assertNotEquals(a, c);
        int n = train.size();
        assertNotEquals(a.subList(0, n), a.subList(n, 2 * n), "two epochs had the same order");
        List<String> plain = order(RewardDataSetIterator.builder(train).embeddings(EMBEDDER).batch(16).shuffle(false).build(), 1);
        float[][] x = EMBEDDER.embed(train.records().stream().map(RewardRecord::query).toList());
        for (int i = 0; i < n; i++) {
            assertEquals(java.util.Arrays.toString(x[i]), plain.get(i));
        }
    }

    private static List<String> order(RewardDataSetIterator it, int epochs) {
        List<String> out = new ArrayList<>();
        for (int e = 0; e < epochs; e++) {
            if (e > 0) {
                it.reset();
            }
            while (it.hasNext()) {
                INDArray f = it.next().getFeatures();
                for (int b = 0; b < f.size(0); b++) {
                    out.add(java.util.Arrays.toString(f.getRow(b).toFloatVector()));
                }
            }
        }
        return out;
    }

    /** Tag means come from the label rows only: the other rows' rewards never reach a label-row's label. */
    @Test
    void tagMeansAreFittedOnTheTrainingRowsOnly() {
        RewardDataSetIterator it = RewardDataSetIterator.builder(both).embeddings(EMBEDDER)
                .labelsFittedOn(r -> SimulatedZoo.TRAIN_SPLIT.equals(r.split())).shuffle(false).build();
        assertEquals(train.size(), it.labelRows());
        // the same rows with every test row's rewards reversed
        List<RewardRecord> changed = new ArrayList<>();
        for (RewardRecord r : both.records()) {
            if (SimulatedZoo.TRAIN_SPLIT.equals(r.split())) {
                changed.add(r);
            } else {
                double[] rev = r.rewards().clone();
                for (int i = 0; i < rev.length / 2; i++) {
                    double t = rev[i];
                    rev[i] = rev[rev.length - 1 - i];
                    rev[rev.length - 1 - i] = t;
                }
                changed.add(new RewardRecord(r.id(), r.query(), r.messages(), r.tags(), r.subset(), r.split(), rev, r.scores(), r.cost()));
            }
        }
        RewardDataSetIterator it2 = RewardDataSetIterator.builder(both.withRecords(changed)).embeddings(EMBEDDER)
                .labelsFittedOn(r -> SimulatedZoo.TRAIN_SPLIT.equals(r.split())).shuffle(false).build();
        for (int i = 0; i < both.size(); i++) {
            if (SimulatedZoo.TRAIN_SPLIT.equals(both.records().get(i).split())) {
                assertArrayEquals(it.label(i), it2.label(i), "row " + i);
            }
        }
        // while fitting on all rows does let them in
        RewardDataSetIterator all1 = RewardDataSetIterator.builder(both).embeddings(EMBEDDER).shuffle(false).build();
        RewardDataSetIterator all2 = RewardDataSetIterator.builder(both.withRecords(changed)).embeddings(EMBEDDER).shuffle(false).build();
        boolean differs = false;
        for (int i = 0; i < train.size(); i++) {
            differs |= !java.util.Arrays.equals(all1.label(i), all2.label(i));
        }
        assertTrue(differs, "the test rows' rewards should reach the tag means when labels are fitted on all rows");
    }

    @Test
    void thePreProcessorSeesEveryBatch() {
        RewardDataSetIterator it = RewardDataSetIterator.builder(train).embeddings(EMBEDDER).batch(50).build();
        AtomicInteger calls = new AtomicInteger();
        it.setPreProcessor(ds -> {
            calls.incrementAndGet();
            ds.getFeatures().muli(0);
        });
        int batches = 0;
        while (it.hasNext()) {
            assertEquals(0.0, it.next().getFeatures().sumNumber().doubleValue(), 0.0);
            batches++;
        }
        assertEquals((train.size() + 49) / 50, batches);
        assertEquals(batches, calls.get());
        assertFalse(it.hasNext());
        assertThrows(java.util.NoSuchElementException.class, it::next);
        assertTrue(it.resetSupported());
        assertEquals(train.models(), it.getLabels());
        assertEquals(train.models().size(), it.totalOutcomes());
    }

    @Test
    void tokenFeaturesHaveIdsAndMasks() {
        WordPieceTokenizer tok = WordPieceTokenizer.miniLm();
        RewardDataSetIterator it = RewardDataSetIterator.builder(train).tokens(tok, 16).batch(8).shuffle(false).build();
        DataSet ds = it.next();
        INDArray ids = ds.getFeatures();
        INDArray mask = ds.getFeaturesMaskArray();
        assertArrayEquals(ids.shape(), mask.shape());
        assertTrue(ids.size(1) <= 16);
        assertNull(ds.getLabelsMaskArray());
        for (int b = 0; b < 8; b++) {
            int[] want = tok.encode(train.records().get(b).query(), 16);
            for (int t = 0; t < ids.size(1); t++) {
                boolean real = t < want.length;
                assertEquals(real ? 1f : 0f, mask.getFloat(b, t));
                assertEquals(real ? want[t] : tok.padId(), (int) ids.getFloat(b, t));
            }
        }
        assertEquals(RewardDataSetIterator.Features.TOKENS, it.features());
        assertEquals(tok.identity(), it.featureIdentity());
    }

    @Test
    void theMultiDataSetViewCarriesTheSameExamples() {
        RewardDataSetIterator a = RewardDataSetIterator.builder(train).embeddings(EMBEDDER).batch(10).seed(9).build();
        RewardDataSetIterator b = RewardDataSetIterator.builder(train).embeddings(EMBEDDER).batch(10).seed(9).build();
        var multi = b.asMultiDataSetIterator();
        int batches = 0;
        while (a.hasNext()) {
            DataSet x = a.next();
            org.nd4j.linalg.dataset.api.MultiDataSet y = multi.next();
            assertEquals(x.getFeatures(), y.getFeatures(0));
            assertEquals(x.getLabels(), y.getLabels(0));
            batches++;
        }
        assertFalse(multi.hasNext());
        assertEquals((train.size() + 9) / 10, batches);
    }

    @Test
    void badSettingsAreRefusedWithAMessage() {
        assertThrows(IllegalStateException.class, () -> RewardDataSetIterator.builder(train).build());
        assertThrows(IllegalArgumentException.class, () -> RewardDataSetIterator.builder(train).batch(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RewardDataSetIterator.builder(train).embeddings(EMBEDDER).labelsFittedOn(r -> false).build());
        assertTrue(e.getMessage().contains("no rows"), e.getMessage());
        Set<Integer> unused = new HashSet<>();
        assertTrue(unused.isEmpty());
    }
}
