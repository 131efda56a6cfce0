package dev.zooterj.cli;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.data.RewardDatasetWriter;
import dev.zooterj.data.Splits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "split", mixinStandardHelpOptions = true,
        description = {"Split a dataset, stratified by subset and seeded: train/validation/test files,",
                "or with --folds K, K folds (fold-<i>/train.jsonl and fold-<i>/test.jsonl).",
                "The same seed and rows give the same split whatever the row order."})
final class SplitCommand implements Callable<Integer> {
    @Mixin
    DataInput input;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write the splits to.")
    Path out;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--validation", defaultValue = "0.1", description = "Validation share (default: ${DEFAULT-VALUE}).")
    double validation;

    @Option(names = "--test", defaultValue = "0.2", description = "Test share (default: ${DEFAULT-VALUE}).")
    double test;

    @Option(names = "--folds", paramLabel = "K", description = "Write K stratified folds instead.")
    Integer folds;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        RewardDataset data = input.read(o);
        if (folds != null) {
            for (Splits.Fold f : Splits.kFold(data, folds, seed)) {
                Path dir = out.resolve("fold-" + f.index());
                RewardDatasetWriter.write(f.train(), dir.resolve("train.jsonl"));
                RewardDatasetWriter.write(f.test(), dir.resolve("test.jsonl"));
                o.println(dir + ": train " + f.train().size() + ", test " + f.test().size());
            }
        } else {
            Splits.TrainValTest s = Splits.trainValTest(data, validation, test, seed);
            RewardDatasetWriter.write(s.train(), out.resolve("train.jsonl"));
            RewardDatasetWriter.write(s.validation(), out.resolve("validation.jsonl"));
            RewardDatasetWriter.write(s.test(), out.resolve("test.jsonl"));
            o.println(out + ": train " + s.train().size() + ", validation " + s.validation().size() + ", test " + s.test().size()
                    + " (seed " + seed + ", stratified by subset)");
        }
        return 0;
    }
}
