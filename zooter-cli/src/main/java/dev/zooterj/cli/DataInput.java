package dev.zooterj.cli;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.data.ReadOptions;
import dev.zooterj.data.RewardDatasetReader;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/** The input options every dataset-reading command shares: {@code --data}, {@code --lenient}, {@code --models}. */
final class DataInput {
    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Dataset JSONL (the Zooter-J contract).")
    Path data;

    @Option(names = "--lenient", description = "Skip bad rows (counted and reported) instead of failing on the first.")
    boolean lenient;

    @Option(names = "--models", split = ",", paramLabel = "MODEL",
            description = "Declared model set, in order (default: the models of the first row).")
    List<String> models;

    RewardDataset read(PrintWriter out) {
        ReadOptions options = new ReadOptions(lenient, models);
        RewardDatasetReader.Result r = RewardDatasetReader.read(data, options);
        if (r.report().rowsSkipped() > 0 || r.report().blankLines() > 0) {
            out.println(r.report().summary() + (r.report().blankLines() > 0 ? " (" + r.report().blankLines() + " blank lines)" : ""));
        }
        return r.dataset();
    }
}
