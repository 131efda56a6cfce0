package dev.zooterj.gateway.collect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.zooterj.core.data.ChatMessage;
import dev.zooterj.data.DatasetFormatException;
import dev.zooterj.data.QueryReader;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One query to collect answers for.
 *
 * @param id       unique in its file
 * @param text     the query, or the first user turn of {@code messages}: what the scorer, the tagger and a router read
 * @param messages the chat turns when the query was given as {@code messages}, else null
 * @param tags     the input's tags (the tagger's are added to them)
 * @param subset   the input's {@code subset} (or {@code dataset}), or null
 * @param split    the input's {@code split}, or null
 */
public record CollectQuery(String id, String text, List<ChatMessage> messages, List<String> tags, String subset,
                           String split) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public CollectQuery {
        tags = tags == null ? List.of() : List.copyOf(tags);
        messages = messages == null ? null : List.copyOf(messages);
    }

    public static CollectQuery of(String id, String text) {
        return new CollectQuery(id, text, null, List.of(), null, null);
    }

    /**
     * The messages each candidate is sent: the query as one user turn, or, for a chat, the turns up to and including
     * the first user turn (a system prompt before it is kept). Later turns would need the candidate's own earlier
     * answers, and a router routes on the first turn anyway.
     */
    public ArrayNode requestMessages() {
        ArrayNode out = JSON.createArrayNode();
        if (messages == null) {
            out.addObject().put("role", "user").put("content", text);
            return out;
        }
        for (ChatMessage m : messages) {
            out.addObject().put("role", m.role()).put("content", m.content());
            if (m.isUser()) {
                break;
            }
        }
        return out;
    }

    /** Hash of what the candidates are sent: an answer in the journal is reused only for the same messages. */
    public String hash() {
        return hash(requestMessages().toString());
    }

    /** 16 hex digits of the text's SHA-256. */
    public static String hash(String text) {
        return HexFormat.of().formatHex(sha256().digest(text.getBytes(StandardCharsets.UTF_8)), 0, 8);
    }

    /** SHA-256 over every query's id and {@link #hash()}, in order: the journal header's record of the queries. */
    public static String fingerprint(List<CollectQuery> queries) {
        MessageDigest d = sha256();
        for (CollectQuery q : queries) {
            d.update((q.id() + "\u0000" + q.hash() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(d.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads a queries JSONL file. Ids, texts and duplicates are validated by {@link QueryReader}. This adds what
     * collect passes through to the dataset: {@code tags} (a list of strings), {@code messages} (all turns) and
     * {@code split}. A bad field is an error naming the file, the line and the field.
     */
    public static List<CollectQuery> read(Path file) {
        List<QueryReader.Query> base = QueryReader.read(file);
        List<CollectQuery> out = new ArrayList<>(base.size());
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            long lineNo = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                QueryReader.Query q = base.get(out.size());
                JsonNode node = JSON.readTree(line);
                out.add(new CollectQuery(q.id(), q.text(), messages(file, lineNo, node), tags(file, lineNo, node),
                        q.subset(), text(file, lineNo, node, "split")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static List<String> tags(Path file, long line, JsonNode node) {
        JsonNode v = node.get("tags");
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new DatasetFormatException(file, line, "tags", "expected a list of strings, got " + v.getNodeType());
        }
        List<String> tags = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual() || v.get(i).textValue().isBlank()) {
                throw new DatasetFormatException(file, line, "tags[" + i + "]", "expected a non-empty string, got " + v.get(i));
            }
            tags.add(v.get(i).textValue());
        }
        return tags;
    }

    private static List<ChatMessage> messages(Path file, long line, JsonNode node) {
        if (node.hasNonNull("query") || node.hasNonNull("instruction") || !node.has("messages")) {
            return null;
        }
        JsonNode v = node.get("messages");
        List<ChatMessage> turns = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            JsonNode m = v.get(i);
            if (!m.path("role").isTextual() || !m.path("content").isTextual()) {
                throw new DatasetFormatException(file, line, "messages[" + i + "]", "expected {\"role\": string, \"content\": string}");
            }
            turns.add(new ChatMessage(m.get("role").textValue(), m.get("content").textValue()));
        }
        return turns;
    }

    private static String text(Path file, long line, JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new DatasetFormatException(file, line, field, "expected a string, got " + v);
        }
        return v.textValue();
    }
}
