package dev.zooterj.data.importer;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.data.DatasetFormatException;
import dev.zooterj.data.QueryReader;
import dev.zooterj.data.ReadReport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Imports wide score matrices ({@code id,<subset column>,<model1>,<model2>,...}, one row per query, one
 * column per model, as AlpacaEval's {@code *_winprob_wide.csv}) joined with a queries file
 * ({@code {"id", "instruction"|"query", "dataset"|"subset"}} per line) for the text.
 *
 * <p>The two-judge protocol: rewards from one matrix (the judge playing the reward model), scores from
 * another (the benchmark's judge). An empty cell means the model has no score for that query; such a row
 * is an error, or skipped and counted under {@code lenient}.
 */
public final class ScoreMatrixCsvImporter {
    /**
     * @param rewards   the matrix that becomes {@code rewards}
     * @param scores    optional matrix that becomes {@code scores} (null: rewards are the metric)
     * @param cost      optional matrix that becomes {@code cost} (e.g. output length)
     * @param queries   the queries file with the text of each id
     * @param pool      models to keep, in order; null or empty = every model column of {@code rewards}
     *                  (that {@code scores} and {@code cost} also have, when given)
     * @param lenient   skip rows with an empty or bad cell in the pool instead of failing
     */
    public record Options(Path rewards, Path scores, Path cost, Path queries, List<String> pool, boolean lenient) {
    }

    public record Result(RewardDataset dataset, ReadReport report, List<String> poolNotInAllMatrices) {
    }

    private ScoreMatrixCsvImporter() {
    }

    public static Result importData(Options o) {
        CsvTable rewards = CsvTable.read(o.rewards());
        CsvTable scores = o.scores() == null ? null : CsvTable.read(o.scores());
        CsvTable cost = o.cost() == null ? null : CsvTable.read(o.cost());
        Map<String, QueryReader.Query> texts = readQueries(o.queries());

        String subsetColumn = rewards.hasColumn("dataset") ? "dataset" : rewards.hasColumn("subset") ? "subset" : null;
        Set<String> meta = Set.of("id", "dataset", "subset");
        List<String> pool;
        List<String> dropped = new ArrayList<>();
        if (o.pool() == null || o.pool().isEmpty()) {
            pool = new ArrayList<>();
            for (String h : rewards.header) {
                if (meta.contains(h)) {
                    continue;
                }
                if ((scores == null || scores.hasColumn(h)) && (cost == null || cost.hasColumn(h))) {
                    pool.add(h);
                } else {
                    dropped.add(h);
                }
            }
        } else {
            pool = List.copyOf(new LinkedHashSet<>(o.pool()));
            for (String m : pool) {
                rewards.column(m);
                if (scores != null) {
                    scores.column(m);
                }
                if (cost != null) {
                    cost.column(m);
                }
            }
        }
        if (pool.isEmpty()) {
            throw new DatasetFormatException(o.rewards(), 1, null, "no model columns to import");
        }

        Map<String, Integer> scoreRow = scores == null ? null : rowIndexById(scores);
        Map<String, Integer> costRow = cost == null ? null : rowIndexById(cost);
        ReadReport report = new ReadReport(o.rewards());
        List<RewardRecord> records = new ArrayList<>();
        int idCol = rewards.column("id");
        for (int r = 0; r < rewards.rows.size(); r++) {
            String[] row = rewards.rows.get(r);
            long line = rewards.lineNumbers.get(r);
            String id = row[idCol];
            report.rowRead();
            try {
                QueryReader.Query q = texts.get(id);
                if (q == null) {
                    throw new DatasetFormatException(o.rewards(), line, "id",
                            "id '" + id + "' is not in the queries file " + o.queries());
                }
                String subset = subsetColumn != null ? row[rewards.column(subsetColumn)] : q.subset();
                double[] rw = cells(rewards, r, pool);
                double[] sc = scores == null ? null : cells(scores, lookup(scores, scoreRow, id), pool);
                double[] cs = cost == null ? null : cells(cost, lookup(cost, costRow, id), pool);
                List<String> tags = subset == null || subset.isBlank() ? List.of() : List.of(subset);
                records.add(new RewardRecord(id, q.text(), null, tags, subset, null, rw, sc, cs));
                report.rowKept();
            } catch (DatasetFormatException e) {
                if (!o.lenient()) {
                    throw new DatasetFormatException(e.file(), e.line(), e.field(),
                            e.problem() + " (use --lenient to skip such rows; they are counted)");
                }
                report.skipped(e);
            }
        }
        return new Result(new RewardDataset(pool, records), report, dropped);
    }

    private static int lookup(CsvTable table, Map<String, Integer> rowById, String id) {
        Integer i = rowById.get(id);
        if (i == null) {
            throw new DatasetFormatException(table.file, 0, "id", "id '" + id + "' has no row in this matrix");
        }
        return i;
    }

    private static Map<String, Integer> rowIndexById(CsvTable t) {
        int idCol = t.column("id");
        Map<String, Integer> out = new HashMap<>();
        for (int r = 0; r < t.rows.size(); r++) {
            if (out.putIfAbsent(t.rows.get(r)[idCol], r) != null) {
                throw new DatasetFormatException(t.file, t.lineNumbers.get(r), "id",
                        "duplicate id '" + t.rows.get(r)[idCol] + "'");
            }
        }
        return out;
    }

    private static double[] cells(CsvTable t, int row, List<String> pool) {
        double[] out = new double[pool.size()];
        for (int i = 0; i < pool.size(); i++) {
            String cell = t.rows.get(row)[t.column(pool.get(i))].trim();
            long line = t.lineNumbers.get(row);
            if (cell.isEmpty()) {
                throw new DatasetFormatException(t.file, line, pool.get(i), "empty cell: this model has no score for this query");
            }
            try {
                out[i] = Double.parseDouble(cell);
            } catch (NumberFormatException e) {
                throw new DatasetFormatException(t.file, line, pool.get(i), "expected a number, got \"" + cell + "\"");
            }
            if (!Double.isFinite(out[i])) {
                throw new DatasetFormatException(t.file, line, pool.get(i), "expected a finite number, got " + cell);
            }
        }
        return out;
    }

    private static Map<String, QueryReader.Query> readQueries(Path file) {
        Map<String, QueryReader.Query> out = new HashMap<>();
        for (QueryReader.Query q : QueryReader.read(file)) {
            out.put(q.id(), q);
        }
        return out;
    }
}
