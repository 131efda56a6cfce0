package dev.zooterj.cli;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.data.AtomicFiles;
import dev.zooterj.data.RewardDatasetWriter;
import dev.zooterj.data.tags.Decontaminator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

@Command(name = "decontaminate", mixinStandardHelpOptions = true,
        description = {"Drop training rows that share a word n-gram (default 6, as the paper) with",
                "any evaluation query. Text is normalised first (NFKC, lower case,",
                "punctuation as a word break), so case and punctuation do not hide an",
                "overlap. A query shorter than n words has no n-grams: it is never dropped",
                "and never causes a drop (the report counts such rows).",
                "Evaluation queries come from --against files (dataset JSONL, or JSONL with",
                "id and query/instruction/messages) and/or --against-split: the input's own",
                "rows of a split. Rows of those splits are never checked and are written",
                "unchanged, as are rows outside --split. The dropped rows' ids are written,",
                "one per line, to --dropped."},
        footer = {"", "Example (RouterDC: the train split against the test split and a file):",
                "  zooter decontaminate --data routerdc.jsonl --split train \\",
                "      --against-split test --against bench.jsonl --out clean.jsonl"})
final class DecontaminateCommand implements Callable<Integer> {
    @Mixin
    DataInput input;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Dataset JSONL to write (atomically).")
    Path out;

    @Option(names = "--against", arity = "1..*", paramLabel = "FILE", description = "Evaluation query files (JSONL).")
    List<Path> against = new ArrayList<>();

    @Option(names = "--against-split", arity = "1..*", paramLabel = "NAME",
            description = "Use the input's rows of these splits as evaluation queries (e.g. test).")
    List<String> againstSplits = new ArrayList<>();

    @Option(names = "--split", paramLabel = "NAME",
            description = "Check only this split's rows (e.g. train); other rows pass through (default: all rows"
                    + " except those of --against-split).")
    String split;

    @Option(names = "--ngram", defaultValue = "6", paramLabel = "N", description = "n-gram length in words (default: ${DEFAULT-VALUE}).")
    int ngram;

    @Option(names = "--dropped", paramLabel = "FILE", description = "Where to write the dropped ids (default: <out>.dropped.txt).")
    Path dropped;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (ngram < 1) {
            throw new IllegalArgumentException("--ngram must be >= 1, got " + ngram);
        }
        if (against.isEmpty() && againstSplits.isEmpty()) {
            throw new IllegalArgumentException("no evaluation queries: give --against FILE... and/or --against-split NAME...");
        }
        for (Path f : against) {
            if (!Files.isRegularFile(f)) {
                throw new IllegalArgumentException("--against " + f + ": file not found");
            }
        }
        if (split != null && againstSplits.contains(split)) {
            throw new IllegalArgumentException("--split '" + split + "' is also an --against-split: every row would overlap itself");
        }
        PrintWriter o = spec.commandLine().getOut();
        RewardDataset data = input.read(o);

        List<Decontaminator.EvaluationSet> sets = new ArrayList<>();
        for (String s : againstSplits) {
            Predicate<RewardRecord> rows = SelectCommand.rowsOfSplit(data, s, "--against-split");
            sets.add(new Decontaminator.EvaluationSet("split '" + s + "'",
                    data.records().stream().filter(rows).map(RewardRecord::query).toList()));
        }
        for (Path f : against) {
            sets.add(Decontaminator.EvaluationSet.read(f));
        }
        Predicate<RewardRecord> checked = SelectCommand.rowsOfSplit(data, split, "--split")
                .and(r -> !againstSplits.contains(r.split()));

        Decontaminator.Result result = new Decontaminator(ngram, sets).apply(data, checked);
        Path droppedFile = dropped != null ? dropped : Path.of(out + ".dropped.txt");
        Decontaminator.Report r = result.report();
        StringBuilder ids = new StringBuilder();
        r.droppedIds().forEach(id -> ids.append(id).append('\n'));
        RewardDatasetWriter.write(result.dataset(), out);
        AtomicFiles.writeString(droppedFile, ids.toString());

        o.println(input.data + ": checking " + r.rowsChecked() + " rows " + SelectCommand.scope(split) + " for shared "
                + r.ngram() + "-grams with " + r.sets().size() + " evaluation set" + (r.sets().size() == 1 ? "" : "s")
                + (r.rowsPassedThrough() > 0 ? " (" + r.rowsPassedThrough() + " other rows passed through)" : ""));
        for (Decontaminator.SetReport s : r.sets()) {
            o.println("  " + s.name() + ": " + s.queries() + " queries (" + s.tooShort() + " shorter than " + r.ngram()
                    + " words), " + s.distinctNgrams() + " distinct " + r.ngram() + "-grams; overlapping rows: " + s.overlappingRows());
        }
        o.println("kept " + r.rowsKept() + " rows, dropped " + r.rowsDropped() + " (ids in " + droppedFile + "); "
                + r.rowsTooShort() + " checked rows are shorter than " + r.ngram() + " words and cannot overlap");
        o.println("wrote " + out + " (" + result.dataset().size() + " rows)");
        return 0;
    }
}
