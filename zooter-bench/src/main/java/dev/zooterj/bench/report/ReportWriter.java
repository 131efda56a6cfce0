package dev.zooterj.bench.report;

import dev.zooterj.bench.BenchResults;
import dev.zooterj.data.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a benchmark run's reports into one directory: {@code results.json} (the fixed schema other tools read),
 * {@code report.md}, a self-contained {@code report.html}, and the PNG charts both reports show. Every file is
 * written atomically, so a reader never sees half a report.
 */
public final class ReportWriter {
    public static final String RESULTS_JSON = "results.json";
    public static final String REPORT_MD = "report.md";
    public static final String REPORT_HTML = "report.html";

    private ReportWriter() {
    }

    /**
     * Writes the reports; returns the files written. A chart this run has no data for (no β sweep, no Zooter,
     * no entropy analysis) is not drawn, and an old file of that name from an earlier run is removed so it cannot
     * be mistaken for this run's.
     */
    public static List<Path> write(BenchResults results, Path outDir) {
        BenchResults r = withEmptyDefaults(results);
        List<Path> written = new ArrayList<>();
        Path json = outDir.resolve(RESULTS_JSON);
        AtomicFiles.writeString(json, ResultsJson.render(r));
        written.add(json);

        Map<ReportCharts.Kind, ReportCharts.Drawn> charts = ReportCharts.write(r, outDir);
        for (ReportCharts.Kind kind : ReportCharts.Kind.values()) {
            if (charts.containsKey(kind)) {
                written.add(charts.get(kind).path());
            } else {
                deleteStale(outDir.resolve(kind.file));
            }
        }

        ReportDocument doc = ReportContent.build(r, charts);
        Path md = outDir.resolve(REPORT_MD);
        AtomicFiles.writeString(md, MarkdownFormat.render(doc));
        written.add(md);
        Path html = outDir.resolve(REPORT_HTML);
        AtomicFiles.writeString(html, HtmlFormat.render(doc));
        written.add(html);
        return List.copyOf(written);
    }

    /** The same results with every absent collection empty, so the writers need no null checks. */
    private static BenchResults withEmptyDefaults(BenchResults r) {
        return new BenchResults(r.suite(), r.simulated(), r.source(), orEmpty(r.models()), orEmpty(r.groupOfSubset()),
                orEmpty(r.methods()), orEmpty(r.betaSweep()), orEmpty(r.differences()), orEmpty(r.entropyBins()),
                orEmpty(r.settings()), r.rerun(), r.costSweep(), r.comparisons());
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static <K, V> Map<K, V> orEmpty(Map<K, V> map) {
        return map == null ? Map.of() : map;
    }

    private static void deleteStale(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the stale chart " + path + ": " + e.getMessage(), e);
        }
    }
}
