package dev.zooterj.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.zooterj.core.data.ChatMessage;
import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the JSONL dataset contract, one query per line:
 * <pre>{"id": "q1", "query": "...", "tags": ["python"], "subset": "coding",
 *  "rewards": {"model-a": 1.2, "model-b": -0.3}, "scores": {...}, "cost": {...}}</pre>
 * {@code messages} ([{role, content}, ...]) may replace {@code query}; the first user turn is what a router
 * reads. {@code split} optionally names the split a row belongs to. Lines are parsed one at a time, so a
 * file is never held in memory as text.
 */
public final class RewardDatasetReader {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS) // so NaN/Infinity get a field-level error
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** A dataset with the report of what was kept and skipped. */
    public record Result(RewardDataset dataset, ReadReport report) {
    }

    private RewardDatasetReader() {
    }

    /** Reads strictly: the first bad row throws {@link DatasetFormatException}. */
    public static RewardDataset read(Path file) {
        return read(file, ReadOptions.strict()).dataset();
    }

    public static Result read(Path file, ReadOptions options) {
        if (!Files.isRegularFile(file)) {
            throw new DatasetFormatException(file, 0, null, Files.exists(file)
                    ? "not a regular file" : "file not found");
        }
        ReadReport report = new ReadReport(file);
        List<RewardRecord> records = new ArrayList<>();
        Map<String, Long> lineOfId = new HashMap<>();
        List<String> models = options.models();
        long lineNo = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (lineNo == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
                if (line.isBlank()) {
                    report.blankLine();
                    continue;
                }
                report.rowRead();
                try {
                    RowParser row = new RowParser(file, lineNo, parse(file, lineNo, line));
                    if (models == null) {
                        models = row.modelsOf("rewards");
                    }
                    RewardRecord record = row.toRecord(models);
                    Long first = lineOfId.putIfAbsent(record.id(), lineNo);
                    if (first != null) {
                        throw new DatasetFormatException(file, lineNo, "id",
                                "duplicate id '" + record.id() + "' (first on line " + first + ")");
                    }
                    records.add(record);
                    report.rowKept();
                } catch (DatasetFormatException e) {
                    if (!options.lenient()) {
                        throw e;
                    }
                    report.skipped(e);
                }
            }
        } catch (java.nio.charset.MalformedInputException e) {
            throw new DatasetFormatException(file, lineNo + 1, null, "not valid UTF-8 text");
        } catch (NoSuchFileException e) {
            throw new DatasetFormatException(file, 0, null, "file not found");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (models == null) {
            throw new DatasetFormatException(file, 0, null, report.rowsRead() == 0
                    ? "no rows: expected one JSON object per line" : "no valid row to take the model set from");
        }
        return new Result(new RewardDataset(models, records), report);
    }

    private static JsonNode parse(Path file, long lineNo, String line) {
        try {
            JsonNode node = JSON.readTree(line);
            if (node == null || !node.isObject()) {
                throw new DatasetFormatException(file, lineNo, null,
                        "expected a JSON object, got " + (node == null ? "nothing" : node.getNodeType().name().toLowerCase()));
            }
            return node;
        } catch (JsonProcessingException e) {
            String msg = e.getOriginalMessage();
            int cut = msg.indexOf('\n');
            throw new DatasetFormatException(file, lineNo, null, "malformed JSON: "
                    + (cut > 0 ? msg.substring(0, cut) : msg)
                    + " (column " + (e.getLocation() == null ? "?" : e.getLocation().getColumnNr()) + ")");
        }
    }

    /** Field-by-field validation of one parsed line. */
    private static final class RowParser {
        private final Path file;
        private final long line;
        private final JsonNode node;

        RowParser(Path file, long line, JsonNode node) {
            this.file = file;
            this.line = line;
            this.node = node;
        }

        private DatasetFormatException error(String field, String problem) {
            return new DatasetFormatException(file, line, field, problem);
        }

        List<String> modelsOf(String field) {
            JsonNode obj = requiredObject(field);
            List<String> names = new ArrayList<>();
            obj.fieldNames().forEachRemaining(names::add);
            return names;
        }

        RewardRecord toRecord(List<String> models) {
            String id = requiredString("id");
            if (id.isBlank()) {
                throw error("id", "expected a non-empty string");
            }
            List<ChatMessage> messages = node.has("messages") ? messages() : null;
            String query;
            if (node.has("query")) {
                query = requiredString("query");
                if (query.isBlank()) {
                    throw error("query", "expected a non-empty string");
                }
            } else if (messages != null) {
                query = RewardRecord.firstUserTurn(messages);
                if (query == null || query.isBlank()) {
                    throw error("messages", "expected at least one non-empty turn with role 'user'");
                }
            } else {
                throw error("query", "missing: each row needs 'query' (a string) or 'messages' (chat turns)");
            }
            return new RewardRecord(id, query, messages, tags(), optionalString("subset"), optionalString("split"),
                    modelVector("rewards", models, true), modelVector("scores", models, false),
                    modelVector("cost", models, false));
        }

        private String requiredString(String field) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                throw error(field, "missing: expected a string");
            }
            if (!v.isTextual()) {
                throw error(field, "expected a string, got " + typeOf(v));
            }
            return v.textValue();
        }

        private String optionalString(String field) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isTextual()) {
                throw error(field, "expected a string, got " + typeOf(v));
            }
            return v.textValue();
        }

        private List<String> tags() {
            JsonNode v = node.get("tags");
            if (v == null || v.isNull()) {
                return List.of();
            }
            if (!v.isArray()) {
                throw error("tags", "expected a list of strings, got " + typeOf(v));
            }
            List<String> tags = new ArrayList<>(v.size());
            for (int i = 0; i < v.size(); i++) {
                JsonNode t = v.get(i);
                if (!t.isTextual() || t.textValue().isBlank()) {
                    throw error("tags[" + i + "]", "expected a non-empty string, got " + typeOf(t));
                }
                tags.add(t.textValue());
            }
            return tags;
        }

        private List<ChatMessage> messages() {
            JsonNode v = node.get("messages");
            if (!v.isArray() || v.isEmpty()) {
                throw error("messages", "expected a non-empty list of {\"role\", \"content\"} objects, got " + typeOf(v));
            }
            List<ChatMessage> out = new ArrayList<>(v.size());
            for (int i = 0; i < v.size(); i++) {
                JsonNode m = v.get(i);
                JsonNode role = m.get("role");
                JsonNode content = m.get("content");
                if (!m.isObject() || role == null || !role.isTextual() || content == null || !content.isTextual()) {
                    throw error("messages[" + i + "]", "expected {\"role\": string, \"content\": string}");
                }
                out.add(new ChatMessage(role.textValue(), content.textValue()));
            }
            return out;
        }

        private JsonNode requiredObject(String field) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                throw error(field, "missing: expected an object of model name → number");
            }
            if (!v.isObject()) {
                throw error(field, "expected an object of model name → number, got " + typeOf(v));
            }
            if (v.isEmpty()) {
                throw error(field, "expected at least one model, got an empty object");
            }
            return v;
        }

        /** A model → number object as a vector in {@code models} order; must cover exactly those models. */
        private double[] modelVector(String field, List<String> models, boolean required) {
            if (!required && (node.get(field) == null || node.get(field).isNull())) {
                return null;
            }
            JsonNode obj = requiredObject(field);
            Map<String, Integer> index = new LinkedHashMap<>();
            for (int i = 0; i < models.size(); i++) {
                index.put(models.get(i), i);
            }
            double[] out = new double[models.size()];
            boolean[] seen = new boolean[models.size()];
            for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                Integer i = index.get(e.getKey());
                String path = field + "." + e.getKey();
                if (i == null) {
                    throw error(path, "unknown model '" + e.getKey() + "'; the declared models are " + models);
                }
                JsonNode v = e.getValue();
                if (!v.isNumber()) {
                    throw error(path, "expected a number, got " + typeOf(v));
                }
                double d = v.doubleValue();
                if (!Double.isFinite(d)) {
                    throw error(path, "expected a finite number, got " + d);
                }
                out[i] = d;
                seen[i] = true;
            }
            List<String> missing = new ArrayList<>();
            for (int i = 0; i < seen.length; i++) {
                if (!seen[i]) {
                    missing.add(models.get(i));
                }
            }
            if (!missing.isEmpty()) {
                throw error(field, "missing model" + (missing.size() > 1 ? "s " : " ") + missing
                        + "; every row must cover the declared models " + models);
            }
            return out;
        }

        private static String typeOf(JsonNode v) {
            if (v.isTextual()) {
                return "string \"" + abbreviate(v.textValue()) + "\"";
            }
            if (v.isNumber()) {
                return "number " + v.asText();
            }
            return v.getNodeType().name().toLowerCase();
        }

        private static String abbreviate(String s) {
            return s.length() <= 30 ? s : s.substring(0, 27) + "...";
        }
    }
}
