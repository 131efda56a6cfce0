package dev.zooterj.gateway.collect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;

/**
 * Reads one journal line field by field, as the dataset reader reads a row: a line that is JSON but not a valid entry
 * is reported as {@code field 'x': what is wrong} rather than passed on with nulls (which used to surface, much later,
 * as a bare NullPointerException).
 */
final class JournalEntries {
    /** What each entry type needs: field name and kind, in the order they are checked. */
    private enum Kind { TEXT, OPTIONAL_TEXT, WHOLE, NUMBER, TEXT_MAP, TEXT_LIST }

    private static final Map<String, List<Map.Entry<String, Kind>>> FIELDS = Map.of(
            "header", List.of(Map.entry("version", Kind.WHOLE), Map.entry("queries", Kind.TEXT),
                    Map.entry("queryCount", Kind.WHOLE), Map.entry("backends", Kind.TEXT_MAP),
                    Map.entry("scorer", Kind.TEXT), Map.entry("tagger", Kind.OPTIONAL_TEXT),
                    Map.entry("generation", Kind.TEXT)),
            "answer", List.of(Map.entry("id", Kind.TEXT), Map.entry("query", Kind.TEXT), Map.entry("backend", Kind.TEXT),
                    Map.entry("model", Kind.TEXT), Map.entry("generation", Kind.TEXT), Map.entry("answer", Kind.TEXT),
                    Map.entry("finishReason", Kind.OPTIONAL_TEXT), Map.entry("promptTokens", Kind.WHOLE),
                    Map.entry("completionTokens", Kind.WHOLE), Map.entry("latencyMs", Kind.WHOLE),
                    Map.entry("attempts", Kind.WHOLE)),
            "reward", List.of(Map.entry("id", Kind.TEXT), Map.entry("backend", Kind.TEXT), Map.entry("answer", Kind.TEXT),
                    Map.entry("scorer", Kind.TEXT), Map.entry("reward", Kind.NUMBER),
                    Map.entry("detail", Kind.OPTIONAL_TEXT)),
            "tags", List.of(Map.entry("id", Kind.TEXT), Map.entry("query", Kind.TEXT), Map.entry("tagger", Kind.TEXT),
                    Map.entry("tags", Kind.TEXT_LIST)));

    /** The line is not a JSON object at all: maybe a half-written last line. */
    static final class Unreadable extends Exception {
        Unreadable(String message) {
            super(message);
        }
    }

    /** The line is a JSON object but not a valid entry; the message names the field. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }

    private JournalEntries() {
    }

    static Journal.Entry parse(ObjectMapper json, String text) throws Unreadable, Invalid {
        JsonNode tree;
        try {
            tree = json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new Unreadable(e.getOriginalMessage());
        }
        if (!(tree instanceof ObjectNode o)) {
            throw new Unreadable("expected a JSON object, got " + (tree == null ? "nothing" : tree.getNodeType()));
        }
        JsonNode type = o.get("type");
        if (type == null || !type.isTextual() || !FIELDS.containsKey(type.textValue())) {
            throw new Invalid("field 'type': expected one of answer, header, reward, tags, got "
                    + (type == null ? "none" : type));
        }
        String what = type.textValue();
        for (Map.Entry<String, Kind> f : FIELDS.get(what)) {
            String problem = check(o.get(f.getKey()), f.getValue());
            if (problem != null) {
                throw new Invalid("field '" + f.getKey() + "': " + problem + " (" + what + " entry)");
            }
        }
        if (what.equals("reward") && !Double.isFinite(o.get("reward").asDouble())) {
            throw new Invalid("field 'reward': expected a finite number, got " + o.get("reward") + " (reward entry)");
        }
        try {
            return json.treeToValue(o, Journal.Entry.class);
        } catch (JsonProcessingException e) {
            throw new Invalid(e.getOriginalMessage());
        }
    }

    /** What is wrong with one field's value, or null. */
    private static String check(JsonNode v, Kind kind) {
        boolean absent = v == null || v.isNull();
        if (absent) {
            return kind == Kind.OPTIONAL_TEXT ? null : v == null ? "missing" : "null, expected " + expected(kind);
        }
        boolean ok = switch (kind) {
            case TEXT, OPTIONAL_TEXT -> v.isTextual();
            case WHOLE -> v.canConvertToLong() && v.isIntegralNumber();
            case NUMBER -> v.isNumber();
            case TEXT_MAP -> v.isObject() && allText(v);
            case TEXT_LIST -> v.isArray() && allText(v);
        };
        return ok ? null : "expected " + expected(kind) + ", got " + shorten(v.toString());
    }

    private static boolean allText(JsonNode container) {
        for (JsonNode n : container) {
            if (!n.isTextual()) {
                return false;
            }
        }
        return true;
    }

    private static String expected(Kind kind) {
        return switch (kind) {
            case TEXT, OPTIONAL_TEXT -> "a string";
            case WHOLE -> "a whole number";
            case NUMBER -> "a number";
            case TEXT_MAP -> "an object of strings";
            case TEXT_LIST -> "an array of strings";
        };
    }

    private static String shorten(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
