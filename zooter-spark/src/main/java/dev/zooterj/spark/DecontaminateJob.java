package dev.zooterj.spark;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.data.tags.Decontaminator;
import dev.zooterj.data.tags.TextNormalizer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decontamination on Spark, as {@code zooter decontaminate}: the evaluation sets are indexed once per executor JVM by
 * the single-machine {@link Decontaminator} (same normalisation, same n-gram hashing) and each training row is checked
 * where it lies. Rows keep their order; kept rows are written as they were read.
 */
public final class DecontaminateJob {
    /** A row's verdict. */
    public record Checked(DatasetRow row, boolean checked, boolean tooShort, boolean[] overlaps) implements Serializable {
        public boolean dropped() {
            for (boolean o : overlaps) {
                if (o) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * The outcome: every row's verdict (in input order) and the report {@code zooter decontaminate} prints.
     */
    public record Result(JavaRDD<Checked> rows, Decontaminator.Report report) {
        public JavaRDD<String> kept() {
            return rows.filter(c -> !c.dropped()).map(c -> c.row().line());
        }

        public JavaRDD<String> droppedIds() {
            return rows.filter(Checked::dropped).map(c -> c.row().id());
        }
    }

    private static final Map<Long, Decontaminator> INDEXES = new ConcurrentHashMap<>();

    private DecontaminateJob() {
    }

    /**
     * @param against      evaluation sets read on the driver (e.g. {@link Decontaminator.EvaluationSet#read})
     * @param againstSplits the input's own splits used as evaluation sets (their rows are not checked)
     * @param split        check only this split's rows, or null for all rows outside {@code againstSplits}
     */
    public static Result run(JavaSparkContext sc, JavaRDD<DatasetRow> rows, int ngram, List<Decontaminator.EvaluationSet> against,
                             List<String> againstSplits, String split) {
        List<Decontaminator.EvaluationSet> sets = new ArrayList<>();
        for (String s : againstSplits) {
            List<String> texts = rows.filter(r -> s.equals(r.split())).map(DatasetRow::text).collect();
            if (texts.isEmpty()) {
                throw new IllegalArgumentException("--against-split '" + s + "': no rows with this split");
            }
            sets.add(new Decontaminator.EvaluationSet("split '" + s + "'", texts));
        }
        sets.addAll(against);
        Decontaminator index = new Decontaminator(ngram, sets);
        List<String[]> shipped = new ArrayList<>();
        for (Decontaminator.EvaluationSet s : sets) {
            List<String> v = new ArrayList<>();
            v.add(s.name());
            v.addAll(s.queries());
            shipped.add(v.toArray(String[]::new));
        }
        Broadcast<List<String[]>> b = sc.broadcast(shipped);
        long key = b.id();
        List<String> skip = List.copyOf(againstSplits);
        JavaRDD<Checked> checked = rows.mapPartitions(it -> {
            Decontaminator d = INDEXES.computeIfAbsent(key, k -> rebuild(ngram, b.value()));
            return new Batched<>(it, 1024, chunk -> {
                List<Checked> out = new ArrayList<>(chunk.size());
                for (DatasetRow r : chunk) {
                    boolean check = (split == null || Objects.equals(split, r.split())) && !skip.contains(r.split());
                    boolean[] overlaps = new boolean[shipped.size()];
                    if (check) {
                        List<String> hit = d.overlappingSets(r.text());
                        for (int s = 0; s < overlaps.length; s++) {
                            overlaps[s] = hit.contains(b.value().get(s)[0]);
                        }
                    }
                    out.add(new Checked(r, check, check && TextNormalizer.words(r.text()).size() < ngram, overlaps));
                }
                return out;
            });
        });
        checked = checked.persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
        long[] counts = checked.map(c -> {
            long[] v = new long[3 + c.overlaps().length];
            v[0] = c.checked() ? 1 : 0;
            v[1] = c.tooShort() ? 1 : 0;
            v[2] = c.dropped() ? 1 : 0;
            for (int s = 0; s < c.overlaps().length; s++) {
                v[3 + s] = c.overlaps()[s] ? 1 : 0;
            }
            return v;
        }).fold(new long[3 + sets.size()], (a, x) -> {
            long[] s = a.clone();
            for (int i = 0; i < s.length; i++) {
                s[i] += x[i];
            }
            return s;
        });
        long total = checked.count();
        // the per-set sizes, too-short counts and distinct n-grams, exactly as the single-machine report gives them
        List<Decontaminator.SetReport> empty = index.apply(new RewardDataset(List.of("-"), List.of())).report().sets();
        List<Decontaminator.SetReport> setReports = new ArrayList<>();
        for (int s = 0; s < empty.size(); s++) {
            Decontaminator.SetReport e = empty.get(s);
            setReports.add(new Decontaminator.SetReport(e.name(), e.queries(), e.tooShort(), e.distinctNgrams(), (int) counts[3 + s]));
        }
        List<String> droppedIds = checked.filter(Checked::dropped).map(c -> c.row().id()).collect();
        Decontaminator.Report report = new Decontaminator.Report(ngram, (int) counts[0], (int) (total - counts[0]), (int) counts[1],
                (int) counts[2], setReports, droppedIds);
        return new Result(checked, report);
    }

    private static Decontaminator rebuild(int ngram, List<String[]> shipped) {
        List<Decontaminator.EvaluationSet> sets = new ArrayList<>();
        for (String[] s : shipped) {
            sets.add(new Decontaminator.EvaluationSet(s[0], List.of(s).subList(1, s.length)));
        }
        return new Decontaminator(ngram, sets);
    }
}
