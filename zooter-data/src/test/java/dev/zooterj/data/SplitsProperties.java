package dev.zooterj.data;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SplitsProperties {
    @Provide
    Arbitrary<RewardDataset> datasets() {
        return Arbitraries.of("alpha", "beta", "gamma", "delta").list().ofMinSize(10).ofMaxSize(200).map(subsets -> {
            List<RewardRecord> rs = new ArrayList<>();
            for (int i = 0; i < subsets.size(); i++) {
                rs.add(RewardRecord.of("q" + i, "text " + i, List.of(), subsets.get(i), new double[]{i, -i}));
            }
            return new RewardDataset(List.of("a", "b"), rs);
        });
    }

    private static List<String> ids(RewardDataset d) {
        return d.records().stream().map(RewardRecord::id).toList();
    }

    @Property(tries = 200)
    void kFoldTestsEveryRecordExactlyOnce(@ForAll("datasets") RewardDataset data, @ForAll @IntRange(min = 2, max = 10) int k,
                                          @ForAll long seed) {
        List<Splits.Fold> folds = Splits.kFold(data, k, seed);
        assertEquals(k, folds.size());
        List<String> tested = new ArrayList<>();
        for (Splits.Fold f : folds) {
            tested.addAll(ids(f.test()));
            Set<String> train = new HashSet<>(ids(f.train()));
            assertTrue(Collections.disjoint(train, ids(f.test())));
            assertEquals(data.size(), train.size() + f.test().size());
        }
        Collections.sort(tested);
        List<String> all = new ArrayList<>(ids(data));
        Collections.sort(all);
        assertEquals(all, tested);
        // stratified: a subset's records differ by at most one between any two folds
        for (String subset : List.of("alpha", "beta", "gamma", "delta")) {
            int min = Integer.MAX_VALUE, max = 0;
            for (Splits.Fold f : folds) {
                int n = (int) f.test().records().stream().filter(r -> subset.equals(r.subset())).count();
                min = Math.min(min, n);
                max = Math.max(max, n);
            }
            assertTrue(max - min <= 1, subset + ": " + min + ".." + max);
        }
    }

    @Property(tries = 200)
    void sameSeedSameSplitWhateverTheInputOrder(@ForAll("datasets") RewardDataset data, @ForAll long seed) {
        List<RewardRecord> reversed = new ArrayList<>(data.records());
        Collections.reverse(reversed);
        Splits.TrainValTest a = Splits.trainValTest(data, 0.1, 0.2, seed);
        Splits.TrainValTest b = Splits.trainValTest(data.withRecords(reversed), 0.1, 0.2, seed);
        assertEquals(new HashSet<>(ids(a.test())), new HashSet<>(ids(b.test())));
        assertEquals(new HashSet<>(ids(a.validation())), new HashSet<>(ids(b.validation())));
        assertEquals(data.size(), a.train().size() + a.validation().size() + a.test().size());
        // proportions per subset
        Map<String, Integer> total = new HashMap<>();
        data.records().forEach(r -> total.merge(r.subset(), 1, Integer::sum));
        total.forEach((subset, n) -> {
            long inTest = a.test().records().stream().filter(r -> subset.equals(r.subset())).count();
            assertEquals(Math.round(n * 0.2), inTest, subset);
        });
        assertTrue(a.test().records().stream().allMatch(r -> "test".equals(r.split())));
    }
}
