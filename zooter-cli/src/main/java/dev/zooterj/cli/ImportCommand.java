package dev.zooterj.cli;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.data.ReadReport;
import dev.zooterj.data.RewardDatasetWriter;
import dev.zooterj.data.importer.RouterDcImporter;
import dev.zooterj.data.importer.ScoreMatrixCsvImporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Convert a foreign score file into the Zooter-J dataset JSONL.",
                "Formats:",
                "  score-matrix-csv  wide CSV id,dataset,<model>... (e.g. AlpacaEval *_winprob_wide.csv) joined",
                "                    with --queries for the text; --scores takes the metric from a second matrix",
                "  routerdc          RouterDC's routerdc_split2_model7.jsonl (dataset → subset/tag, split kept; scores = RouterDC's",
                "                    metric, binarised for the multiple-choice tasks; rewards = the raw stored value)"},
        footer = {"", "Example (AlpacaEval, two-judge protocol):",
                "  zooter import --format score-matrix-csv --in ae2_weighted_gpt4turbo_winprob_wide.csv \\",
                "      --scores ae1_gpt4_winprob_wide.csv --queries instructions.jsonl \\",
                "      --pool vicuna-13b,wizardlm-13b,oasst-rlhf-llama-33b --lenient --out alpaca.jsonl"})
final class ImportCommand implements Callable<Integer> {
    enum Format { SCORE_MATRIX_CSV, ROUTERDC }

    @Option(names = "--format", required = true, converter = FormatConverter.class,
            description = "score-matrix-csv or routerdc")
    Format format;

    @Option(names = {"--in", "--data"}, required = true, paramLabel = "FILE",
            description = "The input: the rewards matrix (score-matrix-csv) or the RouterDC JSONL.")
    Path in;

    @Option(names = "--queries", paramLabel = "FILE", description = "score-matrix-csv: JSONL with id and instruction (or query).")
    Path queries;

    @Option(names = "--scores", paramLabel = "FILE", description = "score-matrix-csv: a second matrix that becomes the evaluation scores.")
    Path scores;

    @Option(names = "--cost", paramLabel = "FILE", description = "score-matrix-csv: a matrix that becomes per-model cost (e.g. output length).")
    Path cost;

    @Option(names = "--pool", split = ",", paramLabel = "MODEL", description = "score-matrix-csv: models to keep, in order (default: all).")
    List<String> pool;

    @Option(names = "--lenient", description = "Skip bad rows (counted and reported) instead of failing.")
    boolean lenient;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Dataset JSONL to write (atomically).")
    Path out;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    static final class FormatConverter implements picocli.CommandLine.ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            return switch (value) {
                case "score-matrix-csv" -> Format.SCORE_MATRIX_CSV;
                case "routerdc" -> Format.ROUTERDC;
                default -> throw new picocli.CommandLine.TypeConversionException(
                        "unknown format '" + value + "'; expected score-matrix-csv or routerdc");
            };
        }
    }

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        RewardDataset data;
        ReadReport report;
        if (format == Format.SCORE_MATRIX_CSV) {
            if (queries == null) {
                throw new IllegalArgumentException("--format score-matrix-csv needs --queries FILE (the query texts)");
            }
            var r = ScoreMatrixCsvImporter.importData(new ScoreMatrixCsvImporter.Options(in, scores, cost, queries, pool, lenient));
            data = r.dataset();
            report = r.report();
            if (!r.poolNotInAllMatrices().isEmpty()) {
                o.println("note: " + r.poolNotInAllMatrices().size() + " model(s) of " + in.getFileName()
                        + " are missing from the other matrices and were left out: " + r.poolNotInAllMatrices());
            }
        } else {
            var r = RouterDcImporter.importData(in, lenient);
            data = r.dataset();
            report = r.report();
        }
        RewardDatasetWriter.write(data, out);
        o.println(report.summary());
        o.println("wrote " + data.size() + " rows × " + data.models().size() + " models to " + out);
        DatasetSummary.print(o, data);
        return 0;
    }
}
