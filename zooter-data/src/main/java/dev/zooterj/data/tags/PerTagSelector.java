package dev.zooterj.data.tags;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Keeps at most K queries per tag, as the paper does (K = 10) to build a training set that covers many skills
 * without letting frequent ones dominate (METHOD.md §2).
 *
 * <p>The rule: the rows under selection are ordered by id and then shuffled with {@code new Random(seed)} (as
 * {@link dev.zooterj.data.Splits} does, so the result depends on the seed and the rows, never on the order of the
 * file). They are visited in that order; a row is kept when every one of its distinct tags has fewer than K kept
 * rows so far, and then counts once toward each of its tags. A row without tags counts toward the one implicit
 * tag {@value #UNTAGGED}. Hence no tag, {@value #UNTAGGED} included, ever has more than K kept rows, and a tag
 * with at most K rows keeps them all unless some of its rows were turned away by another, full tag.
 *
 * <p>Rows outside the selection (e.g. the test split) pass through unchanged; the output keeps the input order.
 */
public final class PerTagSelector {
    /** The tag rows without tags count toward. */
    public static final String UNTAGGED = "<untagged>";

    /**
     * What a selection did.
     *
     * @param perTag            K, the most rows kept per tag
     * @param seed              the shuffle's seed
     * @param rowsIn            rows under selection
     * @param rowsKept          of those, the rows kept
     * @param rowsPassedThrough rows outside the selection, kept unchanged
     * @param tagsIn            distinct tags of the rows under selection ({@value #UNTAGGED} included when present)
     * @param tagsKept          distinct tags of the kept rows (a tag can vanish when all its rows were turned away
     *                          by other, full tags)
     * @param largestTagIn      rows of the most frequent tag before selection
     * @param largestTagKept    kept rows of the most frequent tag after selection (at most K)
     */
    public record Report(int perTag, long seed, int rowsIn, int rowsKept, int rowsPassedThrough, int tagsIn, int tagsKept,
                         int largestTagIn, int largestTagKept) {
        /** Rows under selection that were not kept. */
        public int rowsDropped() {
            return rowsIn - rowsKept;
        }
    }

    /** The dataset after selection (kept and passed-through rows, in input order) and the report. */
    public record Result(RewardDataset dataset, Report report) {
    }

    private PerTagSelector() {
    }

    /** Selects among all rows. */
    public static Result select(RewardDataset data, int perTag, long seed) {
        return select(data, perTag, seed, r -> true);
    }

    /**
     * Selects among the rows {@code selected} accepts (e.g. one split); the others pass through.
     *
     * @throws IllegalArgumentException when {@code perTag < 1}
     */
    public static Result select(RewardDataset data, int perTag, long seed, Predicate<RewardRecord> selected) {
        if (perTag < 1) {
            throw new IllegalArgumentException("at most K rows per tag needs K >= 1, got " + perTag);
        }
        List<RewardRecord> records = data.records();
        boolean[] keep = new boolean[records.size()];
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            if (selected.test(records.get(i))) {
                candidates.add(i);
            } else {
                keep[i] = true;
            }
        }
        candidates.sort(Comparator.comparing(i -> records.get(i).id()));
        Collections.shuffle(candidates, new Random(seed));

        Map<String, Integer> sizeIn = new HashMap<>();
        Map<String, Integer> keptPerTag = new HashMap<>();
        int rowsKept = 0;
        for (int i : candidates) {
            Set<String> tags = tagsOf(records.get(i));
            boolean fits = true;
            for (String t : tags) {
                sizeIn.merge(t, 1, Integer::sum);
                fits &= keptPerTag.getOrDefault(t, 0) < perTag;
            }
            if (fits) {
                keep[i] = true;
                rowsKept++;
                for (String t : tags) {
                    keptPerTag.merge(t, 1, Integer::sum);
                }
            }
        }

        List<RewardRecord> out = new ArrayList<>(records.size() - candidates.size() + rowsKept);
        for (int i = 0; i < records.size(); i++) {
            if (keep[i]) {
                out.add(records.get(i));
            }
        }
        Report report = new Report(perTag, seed, candidates.size(), rowsKept, records.size() - candidates.size(),
                sizeIn.size(), keptPerTag.size(), max(sizeIn), max(keptPerTag));
        return new Result(data.withRecords(out), report);
    }

    /** The distinct tags a row counts toward: its tags, or {@value #UNTAGGED} when it has none. */
    public static Set<String> tagsOf(RewardRecord r) {
        return r.tags().isEmpty() ? Set.of(UNTAGGED) : new LinkedHashSet<>(r.tags());
    }

    private static int max(Map<String, Integer> counts) {
        return counts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }
}
