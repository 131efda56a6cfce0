package dev.zooterj.gateway.backend;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.zooterj.gateway.Limits;
import dev.zooterj.gateway.secrets.Redactor;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The backends file that {@code collect} and {@code serve} share: JSON, or YAML when the name ends in
 * {@code .yaml}/{@code .yml}.
 *
 * <pre>{@code
 * {
 *   "backends": [
 *     {"name": "llama", "baseUrl": "http://localhost:8000/v1", "model": "meta-llama/Llama-3.1-8B-Instruct",
 *      "apiKeyEnv": "VLLM_KEY", "timeoutSeconds": 120, "maxConcurrent": 16,
 *      "pricePer1kOutputTokens": 0.0002, "pricePer1kInputTokens": 0.0001}
 *   ],
 *   "judge":  { ... },          // the other top-level sections (judge, rewardEndpoint, tagger) are read by the
 *   "tagger": { ... }           // commands that use them; any other top-level key is an error
 * }
 * }</pre>
 * Required per backend: {@code name}, {@code baseUrl}, {@code model}. Defaults: no key, 60 s timeout, 8 concurrent
 * requests, no prices, answers up to 8 MiB ({@code maxResponseBytes}) and stream events up to 1 MiB
 * ({@code maxEventBytes}), both whole numbers of bytes from 1024. Limits ({@link Limits}): {@code timeoutSeconds} from 0.001 to 3600, {@code maxConcurrent} from 1
 * to 10,000. Each key named by {@code apiKeyEnv} and the secret parts of each URL are registered with
 * {@link Redactor#global()} as the file is read, so no later output carries them. Unknown fields are errors (a misspelt {@code maxConcurent} must not silently fall back to a
 * default). Names are unique. A {@code baseUrl} carries no user info, query or fragment (see {@link #httpUrl}).
 */
public final class BackendsFile {
    /**
     * The top-level keys a backends file may have. Any other key is an error, so a misspelt {@code tager:} does not
     * silently run without a tagger. A new section is added here.
     */
    public static final Set<String> TOP_LEVEL_KEYS = Set.of("backends", "judge", "rewardEndpoint", "tagger");
    private static final Set<String> BACKEND_FIELDS = Set.of("name", "baseUrl", "model", "apiKeyEnv", "timeoutSeconds",
            "maxConcurrent", "pricePer1kOutputTokens", "pricePer1kInputTokens", "maxResponseBytes", "maxEventBytes");
    /** The smallest answer limits a file may set: below that even an error object would not fit. */
    static final long MIN_ANSWER_LIMIT = 1024;

    private final Path file;
    private final List<Backend> backends;
    private final Map<String, Backend> byName;
    private final ObjectNode root;

    private BackendsFile(Path file, List<Backend> backends, ObjectNode root) {
        this.file = file;
        this.backends = List.copyOf(backends);
        Map<String, Backend> m = new LinkedHashMap<>();
        for (Backend b : backends) {
            m.put(b.name(), b);
        }
        this.byName = Collections.unmodifiableMap(m);
        this.root = root;
    }

    /** Reads and validates a backends file. */
    public static BackendsFile load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new BackendsFileException(file, null, "no such file");
        } catch (IOException e) {
            throw new BackendsFileException(file, null, "cannot read: " + e.getMessage());
        }
        String lower = file.getFileName().toString().toLowerCase(Locale.ROOT);
        ObjectMapper mapper = lower.endsWith(".yaml") || lower.endsWith(".yml")
                ? new ObjectMapper(new YAMLFactory()) : new ObjectMapper();
        JsonNode tree;
        try {
            tree = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : "line " + e.getLocation().getLineNr() + ": ";
            throw new BackendsFileException(file, null, where + "not valid "
                    + (mapper.getFactory() instanceof YAMLFactory ? "YAML" : "JSON") + ": " + e.getOriginalMessage());
        }
        if (tree == null || !tree.isObject()) {
            throw new BackendsFileException(file, null, "expected an object with a \"backends\" array");
        }
        return parse(file, (ObjectNode) tree);
    }

    /** Validates an already-parsed tree; {@code file} is used only in messages. */
    public static BackendsFile parse(Path file, ObjectNode root) {
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!TOP_LEVEL_KEYS.contains(key)) {
                throw new BackendsFileException(file, key, "unknown top-level key (expected one of "
                        + String.join(", ", new TreeSet<>(TOP_LEVEL_KEYS)) + ")");
            }
        }
        JsonNode arr = root.get("backends");
        if (arr == null || !arr.isArray() || arr.isEmpty()) {
            throw new BackendsFileException(file, "backends", "expected a non-empty array of backends");
        }
        List<Backend> out = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (int i = 0; i < arr.size(); i++) {
            String at = "backends[" + i + "]";
            Backend b = parseBackend(file, at, arr.get(i));
            if (seen.containsKey(b.name())) {
                throw new BackendsFileException(file, at + ".name", "duplicate name '" + b.name() + "' (first at backends["
                        + seen.get(b.name()) + "])");
            }
            seen.put(b.name(), i);
            out.add(b);
        }
        return new BackendsFile(file, out, root);
    }

    /**
     * Validates one backend object by the rules above; errors name {@code fieldPath.field} (e.g. {@code judge.baseUrl}),
     * so a section that describes a backend inline (a judge) is checked by the same code as the {@code backends} list.
     * {@code file} is used only in messages.
     */
    public static Backend parseBackend(Path file, String fieldPath, JsonNode n) {
        if (n == null || !n.isObject()) {
            throw new BackendsFileException(file, fieldPath, "expected an object");
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!BACKEND_FIELDS.contains(f)) {
                throw new BackendsFileException(file, fieldPath + "." + f, "unknown field (expected one of "
                        + String.join(", ", new TreeSet<>(BACKEND_FIELDS)) + ")");
            }
        }
        String name = requiredText(file, n, fieldPath, "name");
        if (!name.matches("[A-Za-z0-9._:/@+-]+")) {
            throw new BackendsFileException(file, fieldPath + ".name", "expected letters, digits or ._:/@+- only, got '"
                    + name + "'");
        }
        URI uri = httpUrl(file, fieldPath + ".baseUrl", n.get("baseUrl"), false);
        String model = requiredText(file, n, fieldPath, "model");
        String keyEnv = optionalText(file, n, fieldPath, "apiKeyEnv");
        if (keyEnv != null && !keyEnv.isBlank()) {
            Redactor.global().addSecret(System.getenv(keyEnv));  // from now on never written or returned
        }
        double timeoutS = optionalNumber(file, n, fieldPath, "timeoutSeconds", 60);
        if (!(timeoutS >= Limits.MIN_TIMEOUT_SECONDS && timeoutS <= Limits.MAX_TIMEOUT_SECONDS)) {
            throw new BackendsFileException(file, fieldPath + ".timeoutSeconds", "expected seconds from "
                    + Limits.MIN_TIMEOUT_SECONDS + " to " + (long) Limits.MAX_TIMEOUT_SECONDS + ", got "
                    + n.get("timeoutSeconds"));
        }
        double conc = optionalNumber(file, n, fieldPath, "maxConcurrent", 8);
        if (conc < 1 || conc != Math.rint(conc) || conc > Limits.MAX_CONCURRENT) {
            throw new BackendsFileException(file, fieldPath + ".maxConcurrent", "expected a whole number from 1 to "
                    + Limits.MAX_CONCURRENT + ", got " + n.get("maxConcurrent"));
        }
        Double priceOut = optionalPrice(file, n, fieldPath, "pricePer1kOutputTokens");
        Double priceIn = optionalPrice(file, n, fieldPath, "pricePer1kInputTokens");
        long maxResponse = optionalByteCount(file, n, fieldPath, "maxResponseBytes", Backend.DEFAULT_MAX_RESPONSE_BYTES);
        long maxEvent = optionalByteCount(file, n, fieldPath, "maxEventBytes", Backend.DEFAULT_MAX_EVENT_BYTES);
        return new Backend(name, uri, model, keyEnv, Duration.ofMillis(Math.round(timeoutS * 1000)), (int) conc,
                priceOut, priceIn, maxResponse, (int) maxEvent);
    }

    /**
     * Validates an http(s) URL field. User info ({@code user:pass@}) is always refused: URLs are printed and logged,
     * so keys belong in an environment variable named by {@code apiKeyEnv}. A fragment is refused too (it is never
     * sent). A query string is refused unless {@code queryAllowed}: a base URL gets a path appended, which a query
     * would swallow.
     *
     * @param field the field path used in messages, e.g. {@code rewardEndpoint.url}
     */
    public static URI httpUrl(Path file, String field, JsonNode value, boolean queryAllowed) {
        if (value == null || value.isNull()) {
            throw new BackendsFileException(file, field, "missing (required)");
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new BackendsFileException(file, field, "expected a non-empty string, got " + value);
        }
        String text = value.asText();
        URI uri;
        try {
            uri = new URI(text);
            Redactor.global().addUrl(uri);  // its query values and token-like path segments are secrets from now on
        } catch (URISyntaxException e) {
            throw new BackendsFileException(file, field, "not a URL: " + redactedText(text));
        }
        if (uri.getRawUserInfo() != null) {
            throw new BackendsFileException(file, field, "a user name or password in the URL (" + Backend.redacted(uri)
                    + " has user:pass@) is not allowed, since URLs are printed; put the key in an environment variable "
                    + "and name it in apiKeyEnv");
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                || uri.getHost() == null) {
            throw new BackendsFileException(file, field, "expected an http(s) URL such as "
                    + "http://localhost:8000/v1, got '" + redactedText(text) + "'");
        }
        if (uri.getRawFragment() != null) {
            throw new BackendsFileException(file, field, "a fragment (#...) is never sent to the server; remove it from "
                    + Backend.redacted(uri));
        }
        if (!queryAllowed && uri.getRawQuery() != null) {
            throw new BackendsFileException(file, field, "a query string (?...) is not supported here: requests go to "
                    + "baseUrl + /chat/completions; put keys in apiKeyEnv (" + Backend.redacted(uri) + ")");
        }
        return uri;
    }

    /** A URL text that may not even parse, cut before anything that could be a secret (user info, query, fragment). */
    private static String redactedText(String text) {
        int cut = text.length();
        for (char c : new char[]{'?', '#'}) {
            int i = text.indexOf(c);
            cut = i >= 0 ? Math.min(cut, i) : cut;
        }
        int at = text.indexOf('@');
        if (at >= 0 && at < cut) {
            int scheme = text.indexOf("://");
            cut = scheme < 0 || scheme > at ? 0 : scheme + 3;
        }
        return cut == text.length() ? text : text.substring(0, cut) + "…";
    }

    private static String requiredText(Path file, JsonNode n, String at, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new BackendsFileException(file, at + "." + field, "missing (required)");
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new BackendsFileException(file, at + "." + field, "expected a non-empty string, got " + v);
        }
        return v.asText();
    }

    private static String optionalText(Path file, JsonNode n, String at, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new BackendsFileException(file, at + "." + field, "expected a string, got " + v);
        }
        return v.asText();
    }

    private static double optionalNumber(Path file, JsonNode n, String at, String field, double dflt) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isNumber()) {
            throw new BackendsFileException(file, at + "." + field, "expected a number, got " + v);
        }
        return v.asDouble();
    }

    /** A byte limit: a whole number from {@link #MIN_ANSWER_LIMIT} to what a byte array holds. */
    private static long optionalByteCount(Path file, JsonNode n, String at, String field, long dflt) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        double d = v.isNumber() ? v.asDouble() : Double.NaN;
        if (!v.isNumber() || d != Math.rint(d) || d < MIN_ANSWER_LIMIT || d > Backend.MAX_RESPONSE_BYTES_LIMIT) {
            throw new BackendsFileException(file, at + "." + field, "expected a whole number of bytes from "
                    + MIN_ANSWER_LIMIT + " to " + Backend.MAX_RESPONSE_BYTES_LIMIT + ", got " + v);
        }
        return (long) d;
    }

    private static Double optionalPrice(Path file, JsonNode n, String at, String field) {
        if (n.get(field) == null || n.get(field).isNull()) {
            return null;
        }
        double p = optionalNumber(file, n, at, field, 0);
        if (!(p >= 0) || Double.isInfinite(p)) {
            throw new BackendsFileException(file, at + "." + field, "expected a finite price >= 0, got " + p);
        }
        return p;
    }

    public Path file() {
        return file;
    }

    /** The backends in file order. */
    public List<Backend> backends() {
        return backends;
    }

    /** The backend names in file order. */
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    public Optional<Backend> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The named backend, or an error listing the names there are. */
    public Backend get(String name) {
        Backend b = byName.get(name);
        if (b == null) {
            throw new BackendsFileException(file, "backends", "no backend named '" + name + "' (have: "
                    + String.join(", ", byName.keySet()) + ")");
        }
        return b;
    }

    /** Another top-level section (e.g. {@code "judge"}), for the command that reads it; empty when absent. */
    public Optional<JsonNode> section(String name) {
        return Optional.ofNullable(root.get(name)).filter(n -> !n.isNull());
    }
}
