package dev.zooterj.cli;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.data.RewardDatasetWriter;
import dev.zooterj.data.tags.PerTagSelector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

@Command(name = "select", mixinStandardHelpOptions = true,
        description = {"Keep at most K rows per tag (the paper keeps 10), reading the rows' tags.",
                "Rule: rows are visited in a seeded random order (ordered by id, then",
                "shuffled, so the file's row order does not matter); a row is kept when",
                "every one of its tags has fewer than K kept rows so far, and then counts",
                "once toward each of its tags. Rows without tags count toward one implicit",
                "tag '<untagged>'. So no tag ends up with more than K rows.",
                "With --split, only that split's rows are selected and the other rows are",
                "written unchanged. The output keeps the input's row order."})
final class SelectCommand implements Callable<Integer> {
    @Mixin
    DataInput input;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Dataset JSONL to write (atomically).")
    Path out;

    @Option(names = "--per-tag", defaultValue = "10", paramLabel = "K", description = "Most rows kept per tag (default: ${DEFAULT-VALUE}).")
    int perTag;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed of the visiting order (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--split", paramLabel = "NAME",
            description = "Select among this split's rows only (e.g. train); other rows pass through (default: all rows).")
    String split;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (perTag < 1) {
            throw new IllegalArgumentException("--per-tag must be >= 1, got " + perTag);
        }
        PrintWriter o = spec.commandLine().getOut();
        RewardDataset data = input.read(o);
        PerTagSelector.Result result = PerTagSelector.select(data, perTag, seed, rowsOfSplit(data, split, "--split"));
        RewardDatasetWriter.write(result.dataset(), out);
        PerTagSelector.Report r = result.report();
        o.println(input.data + ": " + r.rowsIn() + " rows " + scope(split) + " with " + r.tagsIn() + " tags (largest "
                + r.largestTagIn() + " rows); at most " + r.perTag() + " per tag, seed " + r.seed());
        o.println("kept " + r.rowsKept() + " rows, dropped " + r.rowsDropped() + "; " + r.tagsKept() + " tags kept (largest "
                + r.largestTagKept() + " rows)" + (r.rowsPassedThrough() > 0 ? "; " + r.rowsPassedThrough()
                + " rows of other splits passed through" : ""));
        o.println("wrote " + out + " (" + result.dataset().size() + " rows)");
        return 0;
    }

    static String scope(String split) {
        return split == null ? "(all rows)" : "of split '" + split + "'";
    }

    /**
     * The rows a command works on: all rows, or those of the named split. A split no row has is an error that
     * lists the splits present, so a typo does not silently select nothing.
     */
    static Predicate<RewardRecord> rowsOfSplit(RewardDataset data, String split, String option) {
        if (split == null) {
            return r -> true;
        }
        if (data.records().stream().noneMatch(r -> split.equals(r.split()))) {
            TreeSet<String> present = new TreeSet<>();
            data.records().stream().map(RewardRecord::split).filter(Objects::nonNull).forEach(present::add);
            throw new IllegalArgumentException(option + " '" + split + "': no row has this split; splits present: "
                    + (present.isEmpty() ? "none" : String.join(", ", present)));
        }
        return r -> split.equals(r.split());
    }
}
