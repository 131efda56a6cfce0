package dev.zooterj.data.tags;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;

import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Which rows of a dataset count as training rows when tags are fitted on one file: the rows of a named split, or,
 * when none is named, the {@code train} split if the rows carry splits and every row if they carry none. Rows with
 * splits but no {@code train} split and no name given are refused rather than guessed, so a test split never slips
 * into the fit.
 *
 * @param split       the training split's name, or null for every row
 * @param description in words, for reports: {@code split 'train'} or {@code all rows (the data has no split field)}
 */
public record TrainingRows(String split, String description) implements Predicate<RewardRecord>, java.io.Serializable {
    /** The default split name. */
    public static final String TRAIN = "train";

    /**
     * @param split the split asked for, or null for the default
     * @param where names the data in errors, e.g. the file
     * @throws IllegalArgumentException when the named split has no rows, or the default cannot be decided
     */
    public static TrainingRows choose(RewardDataset data, String split, String where) {
        TreeSet<String> splits = new TreeSet<>();
        boolean unsplit = false;
        for (RewardRecord r : data.records()) {
            if (r.split() == null) {
                unsplit = true;
            } else {
                splits.add(r.split());
            }
        }
        return choose(splits, unsplit, split, where);
    }

    /**
     * The same choice from what it depends on: the data's split names and whether some row has none (for readers that
     * never hold the whole dataset, such as the Spark tags job).
     */
    public static TrainingRows choose(Set<String> splitNames, boolean unsplit, String split, String where) {
        TreeSet<String> splits = new TreeSet<>(splitNames);
        if (split != null) {
            if (!splits.contains(split)) {
                throw new IllegalArgumentException(where + " has no rows with split '" + split + "'"
                        + (splits.isEmpty() ? " (no row has a split field)" : "; its splits are " + String.join(", ", splits)));
            }
            return new TrainingRows(split, "split '" + split + "'");
        }
        if (splits.isEmpty()) {
            return new TrainingRows(null, "all rows (the data has no split field)");
        }
        if (splits.contains(TRAIN)) {
            return new TrainingRows(TRAIN, "split '" + TRAIN + "'" + (unsplit ? " (rows without a split are not training rows)" : ""));
        }
        throw new IllegalArgumentException(where + " has splits " + String.join(", ", splits) + " but none is '" + TRAIN
                + "': name the training split with --split NAME");
    }

    /** Every row is a training row. */
    public static TrainingRows all() {
        return new TrainingRows(null, "all rows");
    }

    @Override
    public boolean test(RewardRecord r) {
        return isTraining(r.split());
    }

    /** Whether a row of this split (null: none) is a training row. */
    public boolean isTraining(String rowSplit) {
        return split == null || Objects.equals(split, rowSplit);
    }

    /** Training rows in {@code data}. */
    public int count(RewardDataset data) {
        return (int) data.records().stream().filter(this).count();
    }
}
