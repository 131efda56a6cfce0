package dev.zooterj.data.tags;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.data.QueryReader;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Removes training queries that share a word n-gram with an evaluation query, as the paper does with 6-grams
 * against its benchmarks (METHOD.md §2).
 *
 * <p>Both sides are split into words by {@link TextNormalizer#words} (NFKC, lower case, punctuation as a word
 * break, stop words kept), so case, punctuation and spacing around a shared passage do not hide it. Every run of
 * {@code n} consecutive words is hashed to 64 bits (a 64-bit hash per word, folded in order through a bijective
 * mix) and the evaluation n-grams are kept in one primitive hash set per evaluation set. Two different n-grams
 * share a hash with probability about 2<sup>-64</sup> per pair, so with a million n-grams on each side a false
 * overlap has a chance below 10<sup>-7</sup>.
 *
 * <p>A query with fewer than {@code n} words has no n-grams: as a training query it can never be dropped, and as
 * an evaluation query it can never cause a drop. Both are counted in the {@link Report} so the gap is visible.
 * A training row is read as a router reads it: {@link RewardRecord#query()} (the first user turn of a chat).
 */
public final class Decontaminator {
    /** The paper's n-gram length. */
    public static final int DEFAULT_NGRAM = 6;

    private static final long SEED = 0x9E3779B97F4A7C15L;

    /** Evaluation queries under a name used in reports (e.g. their file). */
    public record EvaluationSet(String name, List<String> queries) {
        public EvaluationSet {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("an evaluation set needs a name");
            }
            queries = List.copyOf(queries);
        }

        /**
         * Reads the queries of a JSONL file through {@link QueryReader}: the project's dataset files and plain
         * query files ({@code id} with {@code query}, {@code instruction} or {@code messages}) both work. The set
         * is named after the file.
         */
        public static EvaluationSet read(Path file) {
            return new EvaluationSet(file.toString(), QueryReader.read(file).stream().map(QueryReader.Query::text).toList());
        }
    }

    /**
     * One evaluation set's numbers.
     *
     * @param queries         its queries
     * @param tooShort        its queries with fewer than n words (no n-grams, so they cannot cause a drop)
     * @param distinctNgrams  distinct n-gram hashes it contributes
     * @param overlappingRows checked training rows sharing at least one n-gram with it (a row overlapping two sets
     *                        counts in both)
     */
    public record SetReport(String name, int queries, int tooShort, int distinctNgrams, int overlappingRows) {
    }

    /**
     * What a decontamination did.
     *
     * @param ngram             the n-gram length
     * @param rowsChecked       rows that were checked (the rows the predicate selected)
     * @param rowsPassedThrough rows that were not checked and were kept as they are
     * @param rowsTooShort      checked rows with fewer than n words, kept because they have no n-grams
     * @param rowsDropped       checked rows that overlapped at least one set, removed
     * @param sets              per evaluation set, in the order given
     * @param droppedIds        ids of the removed rows, in dataset order
     */
    public record Report(int ngram, int rowsChecked, int rowsPassedThrough, int rowsTooShort, int rowsDropped,
                         List<SetReport> sets, List<String> droppedIds) {
        public Report {
            sets = List.copyOf(sets);
            droppedIds = List.copyOf(droppedIds);
        }

        /** Checked rows that were kept. */
        public int rowsKept() {
            return rowsChecked - rowsDropped;
        }
    }

    /** The dataset without the dropped rows (other rows in their original order) and the report. */
    public record Result(RewardDataset dataset, Report report) {
    }

    private final int ngram;
    private final List<EvaluationSet> sets;
    private final List<LongHashSet> ngramsPerSet;
    private final int[] tooShortPerSet;

    /**
     * Indexes the n-grams of the evaluation sets.
     *
     * @throws IllegalArgumentException when {@code ngram < 1} or no evaluation set is given
     */
    public Decontaminator(int ngram, List<EvaluationSet> evaluationSets) {
        if (ngram < 1) {
            throw new IllegalArgumentException("n-gram length must be >= 1, got " + ngram);
        }
        if (evaluationSets.isEmpty()) {
            throw new IllegalArgumentException("decontamination needs at least one evaluation set");
        }
        this.ngram = ngram;
        this.sets = List.copyOf(evaluationSets);
        this.ngramsPerSet = new ArrayList<>(sets.size());
        this.tooShortPerSet = new int[sets.size()];
        for (int s = 0; s < sets.size(); s++) {
            EvaluationSet set = sets.get(s);
            LongHashSet index = new LongHashSet((int) Math.min(32L * set.queries().size(), 1 << 20)); // grows as needed
            for (String q : set.queries()) {
                long[] hashes = ngramHashes(TextNormalizer.words(q), ngram);
                if (hashes.length == 0) {
                    tooShortPerSet[s]++;
                }
                for (long h : hashes) {
                    index.add(h);
                }
            }
            ngramsPerSet.add(index);
        }
    }

    /** The n-gram length in words. */
    public int ngram() {
        return ngram;
    }

    /** Decontaminates every row of the dataset. */
    public Result apply(RewardDataset data) {
        return apply(data, r -> true);
    }

    /**
     * Decontaminates the rows {@code checked} selects (e.g. one split); the other rows are kept untouched.
     * Rows keep their order.
     */
    public Result apply(RewardDataset data, Predicate<RewardRecord> checked) {
        List<RewardRecord> kept = new ArrayList<>(data.size());
        List<String> dropped = new ArrayList<>();
        int[] overlapping = new int[sets.size()];
        int rowsChecked = 0;
        int tooShort = 0;
        for (RewardRecord r : data.records()) {
            if (!checked.test(r)) {
                kept.add(r);
                continue;
            }
            rowsChecked++;
            long[] hashes = ngramHashes(TextNormalizer.words(r.query()), ngram);
            if (hashes.length == 0) {
                tooShort++;
            }
            boolean any = false;
            for (int s = 0; s < sets.size(); s++) {
                if (sharesAny(hashes, ngramsPerSet.get(s))) {
                    overlapping[s]++;
                    any = true;
                }
            }
            if (any) {
                dropped.add(r.id());
            } else {
                kept.add(r);
            }
        }
        List<SetReport> setReports = new ArrayList<>(sets.size());
        for (int s = 0; s < sets.size(); s++) {
            EvaluationSet set = sets.get(s);
            setReports.add(new SetReport(set.name(), set.queries().size(), tooShortPerSet[s], ngramsPerSet.get(s).size(),
                    overlapping[s]));
        }
        Report report = new Report(ngram, rowsChecked, data.size() - rowsChecked, tooShort, dropped.size(), setReports, dropped);
        return new Result(data.withRecords(kept), report);
    }

    /** The names of the evaluation sets the text shares an n-gram with, in the order the sets were given. */
    public List<String> overlappingSets(String text) {
        long[] hashes = ngramHashes(TextNormalizer.words(text), ngram);
        List<String> out = new ArrayList<>();
        for (int s = 0; s < sets.size(); s++) {
            if (sharesAny(hashes, ngramsPerSet.get(s))) {
                out.add(sets.get(s).name());
            }
        }
        return out;
    }

    private static boolean sharesAny(long[] hashes, LongHashSet index) {
        for (long h : hashes) {
            if (index.contains(h)) {
                return true;
            }
        }
        return false;
    }

    /** The 64-bit hashes of every run of {@code n} consecutive words, in order; empty when there are fewer words. */
    static long[] ngramHashes(List<String> words, int n) {
        int count = words.size() - n + 1;
        if (count <= 0) {
            return new long[0];
        }
        long[] wordHashes = new long[words.size()];
        for (int i = 0; i < wordHashes.length; i++) {
            wordHashes[i] = wordHash(words.get(i));
        }
        long[] out = new long[count];
        for (int start = 0; start < count; start++) {
            long h = SEED + n;
            for (int i = start; i < start + n; i++) {
                h = LongHashSet.mix(h ^ wordHashes[i]); // a bijection per step: order matters, no word is lost
            }
            out[start] = h;
        }
        return out;
    }

    /** 64-bit FNV-1a over the word's UTF-16 units, finished with the mix (FNV alone spreads short words poorly). */
    static long wordHash(String word) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < word.length(); i++) {
            h ^= word.charAt(i);
            h *= 0x100000001b3L;
        }
        return LongHashSet.mix(h ^ word.length());
    }
}
