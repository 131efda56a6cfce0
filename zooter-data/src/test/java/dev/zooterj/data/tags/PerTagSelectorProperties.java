package dev.zooterj.data.tags;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
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
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PerTagSelectorProperties {
    /** Rows with 0–3 tags drawn from a small pool (so tags are shared and overfull), about a third in split "test". */
    @Provide
    Arbitrary<RewardDataset> datasets() {
        Arbitrary<List<String>> tags = Arbitraries.of("math", "code", "poem", "sql", "history", "a", "b")
                .list().ofMaxSize(3);
        return tags.list().ofMinSize(1).ofMaxSize(150).map(all -> {
            List<RewardRecord> rows = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                rows.add(new RewardRecord("q" + i, "text " + i, null, all.get(i), null, i % 3 == 0 ? "test" : "train",
                        new double[]{i, -i}, null, null));
            }
            return new RewardDataset(List.of("m1", "m2"), rows);
        });
    }

    private static Map<String, Integer> tagCounts(List<RewardRecord> rows) {
        Map<String, Integer> counts = new HashMap<>();
        for (RewardRecord r : rows) {
            for (String t : PerTagSelector.tagsOf(r)) {
                counts.merge(t, 1, Integer::sum);
            }
        }
        return counts;
    }

    private static Set<String> ids(RewardDataset d) {
        Set<String> out = new HashSet<>();
        d.records().forEach(r -> out.add(r.id()));
        return out;
    }

    @Property(tries = 200)
    void noTagEverExceedsK(@ForAll("datasets") RewardDataset data, @ForAll @IntRange(min = 1, max = 12) int k, @ForAll long seed) {
        PerTagSelector.Result r = PerTagSelector.select(data, k, seed);
        Map<String, Integer> kept = tagCounts(r.dataset().records());
        kept.forEach((tag, n) -> assertTrue(n <= k, tag + " has " + n + " > " + k));
        assertEquals(r.report().largestTagKept(), kept.values().stream().mapToInt(Integer::intValue).max().orElse(0));
        assertEquals(kept.size(), r.report().tagsKept());
        assertEquals(tagCounts(data.records()).size(), r.report().tagsIn());
        assertEquals(data.size(), r.report().rowsIn());
        assertEquals(r.dataset().size(), r.report().rowsKept());
    }

    @Property(tries = 200)
    void aDroppedRowHadAFullTag(@ForAll("datasets") RewardDataset data, @ForAll @IntRange(min = 1, max = 5) int k, @ForAll long seed) {
        // greedy is maximal: every row left out has a tag that is already at K
        PerTagSelector.Result r = PerTagSelector.select(data, k, seed);
        Map<String, Integer> kept = tagCounts(r.dataset().records());
        Set<String> keptIds = ids(r.dataset());
        for (RewardRecord row : data.records()) {
            if (!keptIds.contains(row.id())) {
                assertTrue(PerTagSelector.tagsOf(row).stream().anyMatch(t -> kept.getOrDefault(t, 0) == k), row.toString());
            }
        }
    }

    @Property(tries = 200)
    void deterministicForASeedAndIndependentOfRowOrder(@ForAll("datasets") RewardDataset data,
                                                       @ForAll @IntRange(min = 1, max = 6) int k, @ForAll long seed) {
        PerTagSelector.Result a = PerTagSelector.select(data, k, seed);
        PerTagSelector.Result again = PerTagSelector.select(data, k, seed);
        assertEquals(a.dataset().records(), again.dataset().records());
        List<RewardRecord> shuffled = new ArrayList<>(data.records());
        Collections.shuffle(shuffled, new Random(seed ^ 12345));
        PerTagSelector.Result b = PerTagSelector.select(data.withRecords(shuffled), k, seed);
        assertEquals(ids(a.dataset()), ids(b.dataset()));
        assertEquals(a.report(), b.report());
    }

    @Property(tries = 200)
    void keepsEverythingWhenKIsAtLeastTheLargestTag(@ForAll("datasets") RewardDataset data, @ForAll @IntRange(min = 0, max = 3) int extra,
                                                    @ForAll long seed) {
        int largest = tagCounts(data.records()).values().stream().mapToInt(Integer::intValue).max().orElse(0);
        PerTagSelector.Result r = PerTagSelector.select(data, largest + extra, seed);
        assertEquals(data.records(), r.dataset().records(), "all rows, in their order");
        assertEquals(0, r.report().rowsDropped());
        assertEquals(largest, r.report().largestTagIn());
    }

    @Property(tries = 200)
    void onlyTheChosenSplitIsSelectedTheRestPassesThroughInPlace(@ForAll("datasets") RewardDataset data,
                                                                  @ForAll @IntRange(min = 1, max = 4) int k, @ForAll long seed) {
        PerTagSelector.Result r = PerTagSelector.select(data, k, seed, row -> "train".equals(row.split()));
        List<RewardRecord> test = data.split("test").records();
        assertEquals(test, r.dataset().split("test").records());
        assertEquals(test.size(), r.report().rowsPassedThrough());
        assertEquals(data.size() - test.size(), r.report().rowsIn());
        tagCounts(r.dataset().split("train").records()).forEach((tag, n) -> assertTrue(n <= k, tag));
        // input order is kept: the output is a subsequence of the input
        List<RewardRecord> out = r.dataset().records();
        int j = 0;
        for (RewardRecord row : data.records()) {
            if (j < out.size() && out.get(j).equals(row)) {
                j++;
            }
        }
        assertEquals(out.size(), j);
    }

    @Example
    void theSeedDecidesWhichRowsOfAFullTagAreKept() {
        List<RewardRecord> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            rows.add(RewardRecord.of("q" + i, "t", List.of("one"), null, new double[]{0}));
        }
        RewardDataset data = new RewardDataset(List.of("m"), rows);
        Set<Set<String>> selections = new HashSet<>();
        for (long seed = 0; seed < 100; seed++) {
            Set<String> kept = ids(PerTagSelector.select(data, 5, seed).dataset());
            assertEquals(5, kept.size());
            selections.add(kept);
        }
        assertTrue(selections.size() > 95, "5 of 40 rows under 100 seeds: " + selections.size() + " distinct selections");
    }

    @Example
    void untaggedRowsShareOneImplicitTagAndRowsCountTowardEachOfTheirTags() {
        List<RewardRecord> rows = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            rows.add(RewardRecord.of("u" + i, "t", List.of(), null, new double[]{0}));
        }
        rows.add(RewardRecord.of("both", "t", List.of("x", "y", "x"), null, new double[]{0}));
        rows.add(RewardRecord.of("x2", "t", List.of("x"), null, new double[]{0}));
        rows.add(RewardRecord.of("y2", "t", List.of("y"), null, new double[]{0}));
        RewardDataset data = new RewardDataset(List.of("m"), rows);
        PerTagSelector.Result r = PerTagSelector.select(data, 2, 7);
        Map<String, Integer> kept = tagCounts(r.dataset().records());
        assertEquals(2, kept.get(PerTagSelector.UNTAGGED));
        assertEquals(2, kept.get("x"), "the duplicate tag counts once");
        assertEquals(2, kept.get("y"));
        assertEquals(5, r.report().rowsKept());
        assertEquals(3, r.report().rowsDropped());
        assertEquals(3, r.report().tagsIn());
        assertEquals(3, r.report().tagsKept());
        assertEquals(5, r.report().largestTagIn());
        assertEquals(2, r.report().largestTagKept());
    }

    @Example
    void rejectsKBelowOne() {
        RewardDataset data = new RewardDataset(List.of("m"), List.of(RewardRecord.of("a", "t", List.of(), null, new double[]{0})));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PerTagSelector.select(data, 0, 1));
        assertTrue(e.getMessage().contains("K >= 1, got 0"), e.getMessage());
    }
}
