package dev.zooterj.cli;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.label.LabelStatistics;
import dev.zooterj.core.label.TagEnhancedLabels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

@Command(name = "labels", mixinStandardHelpOptions = true,
        description = {"Print label statistics of a dataset: per-model mean reward, argmax share (of rewards and",
                "of the training label s*), the entropy histogram of s = softmax(r/tau), and tag coverage.",
                "Tag means are fitted on the training split only (rows with split = --train-split; all rows",
                "when no row has that split)."})
final class LabelsCommand implements Callable<Integer> {
    @Mixin
    DataInput input;

    @Mixin
    LabelOptions labels;

    @Option(names = "--train-split", defaultValue = "train", description = "Split the tag statistics are fitted on (default: ${DEFAULT-VALUE}).")
    String trainSplit;

    @Option(names = "--bins", defaultValue = "10", description = "Entropy histogram bins over [0, log N] (default: ${DEFAULT-VALUE}).")
    int bins;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (bins < 1) {
            throw new IllegalArgumentException("--bins must be >= 1, got " + bins);
        }
        PrintWriter o = spec.commandLine().getOut();
        RewardDataset data = input.read(o);
        boolean hasSplit = data.records().stream().anyMatch(r -> trainSplit.equals(r.split()));
        TagEnhancedLabels fitted = hasSplit
                ? TagEnhancedLabels.fitOnSplit(labels.config(), data, trainSplit)
                : TagEnhancedLabels.fit(labels.config(), data.records());
        o.println(input.data + ": " + data.size() + " queries, " + data.models().size() + " models; labels: "
                + labels.config() + "; tag means fitted on "
                + (hasSplit ? "split '" + trainSplit + "' (" + data.split(trainSplit).size() + " rows)" : "all rows (no split '" + trainSplit + "')"));
        print(o, LabelStatistics.of(data, fitted, bins));
        LabelWarnings.warnIfFlat(o, data, labels.config());
        return 0;
    }

    static void print(PrintWriter o, LabelStatistics s) {
        int w = Math.max(12, s.models().stream().mapToInt(String::length).max().orElse(12));
        o.println();
        o.println(Console.pad("model", w) + "  mean reward  top reward  top label");
        for (int i = 0; i < s.models().size(); i++) {
            o.println(Console.pad(s.models().get(i), w) + "  " + String.format("%11s", Console.f(s.meanReward()[i], 4))
                    + "  " + String.format("%10s", Console.pct(s.argmaxShare()[i]))
                    + "  " + String.format("%9s", Console.pct(s.labelArgmaxShare()[i])));
        }
        double maxH = Math.log(s.models().size());
        o.println();
        o.println("entropy of s = softmax(r/tau), nats (max log N = " + Console.f(maxH, 3) + "): mean "
                + Console.f(s.meanEntropy(), 3) + "; of the training label s*: mean " + Console.f(s.meanLabelEntropy(), 3));
        long max = java.util.Arrays.stream(s.entropyHistogram()).max().orElse(1);
        int bins = s.entropyHistogram().length;
        for (int b = 0; b < bins; b++) {
            long n = s.entropyHistogram()[b];
            o.println(String.format("  [%5s, %5s%s %6d  %s", Console.f(maxH * b / bins, 2), Console.f(maxH * (b + 1) / bins, 2),
                    b == bins - 1 ? "]" : ")", n, Console.bar(max == 0 ? 0 : (double) n / max, 40)));
        }
        o.println();
        o.println("tags: " + s.distinctTags() + " distinct in training; " + Console.pct(s.taggedShare()).trim()
                + " of queries tagged, " + Console.pct(s.knownTagShare()).trim() + " with a tag seen in training");
    }
}
