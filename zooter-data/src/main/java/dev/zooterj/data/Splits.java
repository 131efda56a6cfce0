package dev.zooterj.data;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Seeded splits stratified by subset. Within each subset the records are ordered by id before the seeded
 * shuffle, so the same seed and the same records give the same split whatever order the file lists them in.
 */
public final class Splits {
    private Splits() {
    }

    /** A train/validation/test partition. */
    public record TrainValTest(RewardDataset train, RewardDataset validation, RewardDataset test) {
    }

    /** One fold of a k-fold partition: the records of the fold are {@code test}, the rest {@code train}. */
    public record Fold(int index, RewardDataset train, RewardDataset test) {
    }

    /**
     * Stratified train/validation/test split. Each subset contributes round(n·fraction) records to
     * validation and to test (so every subset is represented in proportion); the rest go to train.
     */
    public static TrainValTest trainValTest(RewardDataset data, double validationFraction, double testFraction, long seed) {
        if (!(validationFraction >= 0 && testFraction >= 0 && validationFraction + testFraction < 1)) {
            throw new IllegalArgumentException("validation and test fractions must be >= 0 and sum to less than 1, got "
                    + validationFraction + " and " + testFraction);
        }
        List<RewardRecord> train = new ArrayList<>();
        List<RewardRecord> val = new ArrayList<>();
        List<RewardRecord> test = new ArrayList<>();
        Random rng = new Random(seed);
        for (List<RewardRecord> stratum : shuffledStrata(data, rng)) {
            int n = stratum.size();
            int nTest = (int) Math.round(n * testFraction);
            int nVal = Math.min(n - nTest, (int) Math.round(n * validationFraction));
            test.addAll(stratum.subList(0, nTest));
            val.addAll(stratum.subList(nTest, nTest + nVal));
            train.addAll(stratum.subList(nTest + nVal, n));
        }
        return new TrainValTest(data.withRecords(tagSplit(train, "train")), data.withRecords(tagSplit(val, "validation")),
                data.withRecords(tagSplit(test, "test")));
    }

    /**
     * Stratified k-fold: every record is in exactly one test fold, and each subset is spread over the folds
     * as evenly as its size allows.
     */
    public static List<Fold> kFold(RewardDataset data, int k, long seed) {
        if (k < 2) {
            throw new IllegalArgumentException("k-fold needs k >= 2, got " + k);
        }
        if (k > data.size()) {
            throw new IllegalArgumentException("k = " + k + " folds for only " + data.size() + " records");
        }
        List<List<RewardRecord>> folds = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            folds.add(new ArrayList<>());
        }
        Random rng = new Random(seed);
        int next = 0; // continue round-robin across strata so small subsets do not all land in fold 0
        for (List<RewardRecord> stratum : shuffledStrata(data, rng)) {
            for (RewardRecord r : stratum) {
                folds.get(next).add(r);
                next = (next + 1) % k;
            }
        }
        List<Fold> out = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            List<RewardRecord> train = new ArrayList<>();
            for (int j = 0; j < k; j++) {
                if (j != i) {
                    train.addAll(folds.get(j));
                }
            }
            out.add(new Fold(i, data.withRecords(tagSplit(train, "train")), data.withRecords(tagSplit(folds.get(i), "test"))));
        }
        return out;
    }

    private static List<List<RewardRecord>> shuffledStrata(RewardDataset data, Random rng) {
        Map<String, List<RewardRecord>> strata = new TreeMap<>();
        for (RewardRecord r : data.records()) {
            strata.computeIfAbsent(r.subset() == null ? "" : r.subset(), s -> new ArrayList<>()).add(r);
        }
        List<List<RewardRecord>> out = new ArrayList<>();
        for (List<RewardRecord> stratum : strata.values()) {
            stratum.sort(Comparator.comparing(RewardRecord::id));
            Collections.shuffle(stratum, rng);
            out.add(stratum);
        }
        return out;
    }

    private static List<RewardRecord> tagSplit(List<RewardRecord> records, String split) {
        List<RewardRecord> out = new ArrayList<>(records.size());
        for (RewardRecord r : records) {
            out.add(r.withSplit(split));
        }
        return out;
    }
}
