package dev.zooterj.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zooterj.core.data.ChatMessage;
import dev.zooterj.core.data.RewardRecord;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads queries: JSONL with {@code id} and {@code query} (or {@code instruction}, as AlpacaEval names it, or
 * {@code messages}, whose first user turn is routed), and optionally {@code subset} (or {@code dataset}).
 * Rewards and other fields may be present and are ignored, so a dataset file works too.
 */
public final class QueryReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A query: its id (integral ids are read as their decimal text), text and subset (or null). */
    public record Query(String id, String text, String subset) {
    }

    private QueryReader() {
    }

    public static List<Query> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DatasetFormatException(file, 0, null, "file not found");
        }
        List<Query> out = new ArrayList<>();
        Map<String, Long> seen = new HashMap<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            long n = 0;
            while ((line = in.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                Query q = parse(file, n, line);
                Long first = seen.putIfAbsent(q.id(), n);
                if (first != null) {
                    throw new DatasetFormatException(file, n, "id", "duplicate id '" + q.id() + "' (first on line " + first + ")");
                }
                out.add(q);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * One non-blank line of a queries file, parsed as {@link #read} parses it (without the duplicate-id check, which
     * needs the whole file): for readers that see a file a line at a time, such as the Spark jobs.
     *
     * @throws DatasetFormatException naming the file, the line and the field at fault
     */
    public static Query parse(Path file, long n, String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new DatasetFormatException(file, n, null, "malformed JSON: " + e.getOriginalMessage().lines().findFirst().orElse(""));
        }
        if (!node.isObject()) {
            throw new DatasetFormatException(file, n, null, "expected a JSON object");
        }
        JsonNode id = node.get("id");
        if (id == null || !(id.isTextual() || id.isIntegralNumber())) {
            throw new DatasetFormatException(file, n, "id", "missing: expected a string");
        }
        String text = text(file, n, node);
        JsonNode subset = node.has("subset") ? node.get("subset") : node.get("dataset");
        return new Query(id.asText(), text, subset == null || !subset.isTextual() ? null : subset.textValue());
    }

    private static String text(Path file, long n, JsonNode node) {
        JsonNode q = node.has("query") ? node.get("query") : node.get("instruction");
        if (q != null && q.isTextual() && !q.textValue().isBlank()) {
            return q.textValue();
        }
        JsonNode messages = node.get("messages");
        if (messages != null && messages.isArray()) {
            List<ChatMessage> turns = new ArrayList<>();
            for (JsonNode m : messages) {
                if (m.path("role").isTextual() && m.path("content").isTextual()) {
                    turns.add(new ChatMessage(m.get("role").textValue(), m.get("content").textValue()));
                }
            }
            String first = RewardRecord.firstUserTurn(turns);
            if (first != null && !first.isBlank()) {
                return first;
            }
            throw new DatasetFormatException(file, n, "messages", "expected a non-empty turn with role 'user'");
        }
        throw new DatasetFormatException(file, n, "query", "missing or empty: expected a non-empty string (or 'messages')");
    }
}
