package dev.zooterj.gateway.collect;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zooterj.gateway.backend.Backend;
import dev.zooterj.gateway.http.BackendClient;
import dev.zooterj.gateway.http.BackendException;
import dev.zooterj.gateway.secrets.Redactor;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * InsTag-style tagging by an OpenAI-compatible chat model. The model is asked (template placeholder {@code {query}})
 * for a JSON array of tags. Accepted replies: an array of strings ({@code ["coding", "sql"]}) or InsTag's own
 * format, an array of objects with a {@code "tag"} ({@code [{"tag": "coding", "explanation": "..."}]}). The array may
 * sit inside other text or a code fence. Tags are trimmed, whitespace-collapsed and lower-cased (so "SQL" and "sql"
 * share one tag mean). They are de-duplicated and cut to {@code maxTags}. An empty array is valid. Anything else is an
 * {@link InvalidOutputException} (counted, retried).
 */
public final class Tagger {
    /** The prompt used when the tagger section names no promptFile. */
    public static final String DEFAULT_PROMPT = """
            You tag user queries by intention, the way InsTag does, so that queries asking for similar things share \
            tags. Give a few short, coarse-grained tags (for example "code generation", "math", "creative writing", \
            "sql", "summarization") for this query:

            [query]
            {query}
            [end of query]

            Reply with a JSON array only, in this format: [{"tag": "...", "explanation": "..."}]""";
    /** Lenient about raw line breaks inside strings, which models write now and then. */
    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS).build();
    private static final int MAX_TAG_LENGTH = 100;

    private final BackendClient client;
    private final Backend backend;
    private final PromptTemplate template;
    private final int maxTags;
    private final double temperature;
    private final int maxTokens;

    public Tagger(BackendClient client, Backend backend, PromptTemplate template, int maxTags, double temperature,
                  int maxTokens) {
        if (maxTags < 1) {
            throw new IllegalArgumentException("maxTags must be >= 1, got " + maxTags);
        }
        this.client = client;
        this.backend = backend;
        this.template = template;
        this.maxTags = maxTags;
        this.temperature = temperature;
        this.maxTokens = maxTokens;
    }

    /** The default prompt as a template. */
    public static PromptTemplate defaultTemplate() {
        return new PromptTemplate(DEFAULT_PROMPT, List.of("query"), List.of("query"));
    }

    public List<String> tag(String query) throws BackendException, InvalidOutputException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("messages").addObject().put("role", "user").put("content", template.render(Map.of("query", query)));
        body.put("temperature", temperature);
        body.put("max_tokens", maxTokens);
        // Redacted before parsing (which lowercases): a tagger that echoes a key must not make it a tag.
        return parseTags(Redactor.redact(client.complete(backend, body).content()), maxTags);
    }

    /** The tags in a tagger's reply, by the rules above. */
    public static List<String> parseTags(String reply, int maxTags) throws InvalidOutputException {
        int open = reply.indexOf('[');
        int close = reply.lastIndexOf(']');
        JsonNode arr = null;
        if (open >= 0 && close > open) {
            try {
                arr = JSON.readTree(reply.substring(open, close + 1));
            } catch (IOException ignored) {
                // reported below
            }
        }
        if (arr == null || !arr.isArray()) {
            throw new InvalidOutputException("tagger reply has no JSON array of tags: \"" + JudgeScorer.shorten(reply) + "\"");
        }
        Set<String> tags = new LinkedHashSet<>();
        for (int i = 0; i < arr.size(); i++) {
            JsonNode t = arr.get(i);
            JsonNode v = t.isObject() ? t.get("tag") : t;
            if (v == null || !v.isTextual()) {
                throw new InvalidOutputException("tagger reply: element " + i + " is not a string or {\"tag\": string}: " + t);
            }
            String tag = v.textValue().replaceAll("\\s+", " ").strip().toLowerCase(Locale.ROOT);
            if (tag.isEmpty() || tag.length() > MAX_TAG_LENGTH) {
                throw new InvalidOutputException("tagger reply: element " + i + " is " + (tag.isEmpty() ? "empty"
                        : "longer than " + MAX_TAG_LENGTH + " characters"));
            }
            tags.add(tag);
        }
        return List.copyOf(new ArrayList<>(tags).subList(0, Math.min(maxTags, tags.size())));
    }

    /** Model, prompt and limits: tags in the journal are reused only while these are the same. */
    public String identity() {
        return "tagger model=" + backend.model() + " prompt=" + CollectQuery.hash(template.text()) + " max_tags=" + maxTags
                + " temperature=" + temperature;
    }

    public int maxConcurrent() {
        return backend.maxConcurrent();
    }

    /** @throws IllegalStateException when the backend's API key variable is not set */
    public void checkReady() {
        backend.apiKey();
    }

    public Backend backend() {
        return backend;
    }

    /** The same tagger on another backend (the same one with a lower concurrency limit). */
    Tagger withBackend(Backend b) {
        return new Tagger(client, b, template, maxTags, temperature, maxTokens);
    }

    @Override
    public String toString() {
        return "tagger " + backend.name() + " (" + backend.model() + ", at most " + maxTags + " tags)";
    }
}
