package dev.zooterj.data.importer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.data.DatasetFormatException;
import dev.zooterj.data.ReadReport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Imports RouterDC's per-query correctness file ({@code routerdc_split2_model7.jsonl}: {@code source_file,
 * dataset, split, idx, question, scores}); {@code dataset} becomes the subset and the tag, {@code split} is kept, and
 * the id is {@code dataset/split/idx}.
 *
 * <p>What a stored value means differs by task, and RouterDC's own evaluation treats them differently. The
 * multiple-choice tasks ({@link #MULTIPLE_CHOICE}) store the length-normalised likelihood of the gold option when the
 * model's argmax is correct and 0 otherwise; RouterDC's metric binarises them ({@code score > 0} → 1), i.e. accuracy.
 * The generation tasks (gsm8k, humaneval, mbpp, javascript) store the fraction of 10 samples (T = 0.2) that are
 * correct, used as is. So each row's {@code scores} is that metric, and its {@code rewards} the raw stored value: a
 * graded correctness signal to train on.
 */
public final class RouterDcImporter {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Tasks whose metric is accuracy: the stored value binarised ({@code > 0} → 1). MATH_prealgebra is 0/1 already. */
    public static final java.util.Set<String> MULTIPLE_CHOICE = java.util.Set.of("mmlu", "cmmlu", "arc_challenge", "arc_easy",
            "ceval", "MATH_prealgebra");

    public record Result(RewardDataset dataset, ReadReport report) {
    }

    private RouterDcImporter() {
    }

    public static Result importData(Path file, boolean lenient) {
        if (!Files.isRegularFile(file)) {
            throw new DatasetFormatException(file, 0, null, "file not found");
        }
        ReadReport report = new ReadReport(file);
        List<RewardRecord> records = new ArrayList<>();
        Map<String, Long> lineOfId = new HashMap<>();
        List<String> models = null;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            long n = 0;
            while ((line = in.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                report.rowRead();
                try {
                    JsonNode node;
                    try {
                        node = JSON.readTree(line);
                    } catch (IOException e) {
                        throw new DatasetFormatException(file, n, null, "malformed JSON");
                    }
                    String dataset = text(file, n, node, "dataset");
                    String split = text(file, n, node, "split");
                    String question = text(file, n, node, "question");
                    JsonNode idx = node.get("idx");
                    if (idx == null || !idx.isIntegralNumber()) {
                        throw new DatasetFormatException(file, n, "idx", "expected an integer");
                    }
                    JsonNode scores = node.get("scores");
                    if (scores == null || !scores.isObject() || scores.isEmpty()) {
                        throw new DatasetFormatException(file, n, "scores", "expected an object of model → number");
                    }
                    if (models == null) {
                        models = new ArrayList<>();
                        scores.fieldNames().forEachRemaining(models::add);
                    }
                    double[] v = vector(file, n, scores, models);
                    String id = dataset + "/" + split + "/" + idx.asLong();
                    Long first = lineOfId.putIfAbsent(id, n);
                    if (first != null) {
                        throw new DatasetFormatException(file, n, "idx", "duplicate id '" + id + "' (first on line " + first + ")");
                    }
                    records.add(new RewardRecord(id, question, null, List.of(dataset), dataset, split, v, metric(dataset, v), null));
                    report.rowKept();
                } catch (DatasetFormatException e) {
                    if (!lenient) {
                        throw e;
                    }
                    report.skipped(e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (models == null) {
            throw new DatasetFormatException(file, 0, null, "no valid rows");
        }
        return new Result(new RewardDataset(models, records), report);
    }

    /** RouterDC's metric for one row: binarised for the multiple-choice tasks, the raw value otherwise. */
    static double[] metric(String dataset, double[] raw) {
        if (!MULTIPLE_CHOICE.contains(dataset)) {
            return raw.clone();
        }
        double[] out = new double[raw.length];
        for (int i = 0; i < raw.length; i++) {
            out[i] = raw[i] > 0 ? 1 : 0;
        }
        return out;
    }

    private static String text(Path file, long n, JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.textValue().isBlank()) {
            throw new DatasetFormatException(file, n, field, "expected a non-empty string");
        }
        return v.textValue();
    }

    private static double[] vector(Path file, long n, JsonNode scores, List<String> models) {
        if (scores.size() != models.size()) {
            throw new DatasetFormatException(file, n, "scores", "expected the " + models.size() + " models " + models
                    + ", got " + scores.size());
        }
        double[] out = new double[models.size()];
        for (Iterator<Map.Entry<String, JsonNode>> it = scores.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            int i = models.indexOf(e.getKey());
            if (i < 0) {
                throw new DatasetFormatException(file, n, "scores." + e.getKey(), "unknown model; expected " + models);
            }
            if (!e.getValue().isNumber() || !Double.isFinite(e.getValue().doubleValue())) {
                throw new DatasetFormatException(file, n, "scores." + e.getKey(), "expected a finite number");
            }
            out[i] = e.getValue().doubleValue();
        }
        return out;
    }
}
