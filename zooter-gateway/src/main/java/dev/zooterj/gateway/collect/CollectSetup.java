package dev.zooterj.gateway.collect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zooterj.gateway.backend.Backend;
import dev.zooterj.gateway.backend.BackendsFile;
import dev.zooterj.gateway.backend.BackendsFileException;
import dev.zooterj.gateway.http.BackendClient;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What {@code collect} reads from the backends file: the candidates ({@code backends}), the reward model (a
 * {@code judge} or a {@code rewardEndpoint} section, exactly one) and an optional {@code tagger}.
 *
 * <pre>{@code
 * "judge": {"backend": "<a name in backends>" | inline: "baseUrl", "model", "apiKeyEnv", "timeoutSeconds",
 *                                                        "maxConcurrent", "name" (default "judge"),
 *           "promptFile": "judge.txt",          // required; {query} and {response}; relative to the backends file
 *           "min": 1, "max": 10,                // required: the score range; a score outside it is invalid
 *           "temperature": 0, "maxTokens": 1024}
 * "rewardEndpoint": {"url": "http://localhost:8080/score", "apiKeyEnv", "timeoutSeconds": 60, "maxConcurrent": 8}
 * "tagger": {"backend" | inline as for the judge (default name "tagger"),
 *            "promptFile": optional ({query}; default Tagger.DEFAULT_PROMPT), "maxTags": 10,
 *            "temperature": 0, "maxTokens": 512}
 * }</pre>
 * Inline connection fields mean what they mean in {@code backends} and are validated by the same code. Every problem
 * is a {@link BackendsFileException} naming the file, the field path and what was expected.
 *
 * @param tagger null when there is no tagger section
 */
public record CollectSetup(List<Backend> candidates, RewardScorer scorer, Tagger tagger) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> CONNECTION = Set.of("baseUrl", "model", "apiKeyEnv", "timeoutSeconds", "maxConcurrent");
    private static final Set<String> CHAT = Set.of("backend", "name", "baseUrl", "model", "apiKeyEnv", "timeoutSeconds",
            "maxConcurrent", "promptFile", "temperature", "maxTokens");

    /** Reads the collect sections of a loaded backends file. */
    public static CollectSetup from(BackendsFile file, BackendClient client) {
        JsonNode judge = file.section("judge").orElse(null);
        JsonNode endpoint = file.section("rewardEndpoint").orElse(null);
        if (judge != null && endpoint != null) {
            throw new BackendsFileException(file.file(), "rewardEndpoint", "give either 'judge' or 'rewardEndpoint', not both");
        }
        if (judge == null && endpoint == null) {
            throw new BackendsFileException(file.file(), null, "no reward model: add a 'judge' section (an "
                    + "OpenAI-compatible model and a prompt file) or a 'rewardEndpoint' section (a URL that scores "
                    + "{query, response})");
        }
        RewardScorer scorer = judge != null ? judge(new Section(file, "judge", judge), client)
                : rewardEndpoint(new Section(file, "rewardEndpoint", endpoint));
        Tagger tagger = file.section("tagger").map(t -> tagger(new Section(file, "tagger", t), client)).orElse(null);
        if (scorer instanceof JudgeScorer j && tagger != null) {
            checkSharedName(file, j.backend(), tagger.backend());
        }
        return new CollectSetup(file.backends(), scorer, tagger);
    }

    /**
     * The files a collect run reads besides its queries: the backends file and the judge's and tagger's prompt files,
     * by the names to use in messages. Outputs must not be any of them ({@link CollectPaths#checkSafe}).
     */
    public static Map<String, Path> inputFiles(BackendsFile file) {
        Map<String, Path> in = new LinkedHashMap<>();
        in.put("--backends", file.file());
        for (String section : List.of("judge", "tagger")) {
            file.section(section).map(n -> n.get("promptFile")).filter(JsonNode::isTextual)
                    .ifPresent(v -> in.put(section + ".promptFile", promptPath(file, v.textValue())));
        }
        return in;
    }

    /** A prompt file named in the backends file: relative to that file's directory. */
    private static Path promptPath(BackendsFile file, String name) {
        return file.file().toAbsolutePath().getParent().resolve(name);
    }

    /**
     * This setup with at most {@code concurrency} requests in flight per backend (0: unchanged). Every backend is
     * capped, the candidates' and the judge's and tagger's alike, so a judge or tagger that is also a candidate shares
     * that candidate's cap: {@link BackendClient} enforces it per backend name across generating, scoring and tagging.
     */
    public CollectSetup withConcurrency(int concurrency) {
        if (concurrency == 0) {
            return this;
        }
        List<Backend> capped = candidates.stream().map(b -> b.withConcurrencyLimit(concurrency)).toList();
        RewardScorer s = scorer;
        if (scorer instanceof JudgeScorer j) {
            s = j.withBackend(j.backend().withConcurrencyLimit(concurrency));
        } else if (scorer instanceof HttpRewardScorer h) {
            s = h.withMaxConcurrent(Math.min(h.maxConcurrent(), concurrency));
        }
        Tagger t = tagger == null ? null : tagger.withBackend(tagger.backend().withConcurrencyLimit(concurrency));
        return new CollectSetup(capped, s, t);
    }

    /**
     * An inline judge and an inline tagger may share a name only when they describe the same backend: requests are
     * limited per backend name, so two servers under one name would share one limit.
     */
    private static void checkSharedName(BackendsFile file, Backend judge, Backend tagger) {
        if (!judge.name().equals(tagger.name()) || judge.equals(tagger)) {
            return;
        }
        List<String> differ = new ArrayList<>();
        if (!judge.baseUrl().equals(tagger.baseUrl())) {
            differ.add("baseUrl");
        }
        if (!judge.model().equals(tagger.model())) {
            differ.add("model");
        }
        if (!Objects.equals(judge.apiKeyEnv(), tagger.apiKeyEnv())) {
            differ.add("apiKeyEnv");
        }
        if (!judge.timeout().equals(tagger.timeout())) {
            differ.add("timeoutSeconds");
        }
        if (judge.maxConcurrent() != tagger.maxConcurrent()) {
            differ.add("maxConcurrent");
        }
        throw new BackendsFileException(file.file(), "tagger.name", "'" + tagger.name() + "' is also judge.name, but "
                + "the two differ in " + String.join(", ", differ) + "; give the tagger another \"name\" (or the same "
                + "settings as the judge)");
    }

    private static JudgeScorer judge(Section s, BackendClient client) {
        s.allow(union(CHAT, Set.of("min", "max")));
        Backend b = s.chatBackend();
        PromptTemplate prompt = s.prompt(List.of("query", "response"), List.of("query", "response"));
        double min = s.number("min", null);
        double max = s.number("max", null);
        if (!(min < max)) {
            throw s.error("max", "expected a number above min (" + min + "), got " + max);
        }
        return new JudgeScorer(client, b, prompt, min, max, s.temperature(), s.whole("maxTokens", 1024));
    }

    private static Tagger tagger(Section s, BackendClient client) {
        s.allow(union(CHAT, Set.of("maxTags")));
        Backend b = s.chatBackend();
        PromptTemplate prompt = s.node.has("promptFile") ? s.prompt(List.of("query"), List.of("query"))
                : Tagger.defaultTemplate();
        return new Tagger(client, b, prompt, s.whole("maxTags", 10), s.temperature(), s.whole("maxTokens", 512));
    }

    private static HttpRewardScorer rewardEndpoint(Section s) {
        s.allow(Set.of("url", "apiKeyEnv", "timeoutSeconds", "maxConcurrent"));
        // The URL may carry a key in its query (Azure Functions' ?code=...); HttpRewardScorer never prints it.
        URI url = BackendsFile.httpUrl(s.file.file(), s.name + ".url", s.node.get("url"), true);
        // The other fields mean what they mean for a backend, so they are checked as one (the URL is already valid).
        ObjectNode conn = s.connectionFields();
        conn.put("name", s.name());
        conn.put("baseUrl", url.getScheme() + "://" + url.getRawAuthority() + url.getRawPath());
        conn.put("model", "-");
        Backend b = s.validateAsBackend(conn);
        return new HttpRewardScorer(url, b.apiKeyEnv(), b.timeout(), b.maxConcurrent());
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new TreeSet<>(a);
        u.addAll(b);
        return u;
    }

    /** One section of the backends file, with errors that name {@code section.field}. */
    private record Section(BackendsFile file, String name, JsonNode node) {
        Section {
            if (!node.isObject()) {
                throw new BackendsFileException(file.file(), name, "expected an object, got " + node.getNodeType());
            }
        }

        BackendsFileException error(String field, String problem) {
            return new BackendsFileException(file.file(), name + "." + field, problem);
        }

        void allow(Set<String> fields) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!fields.contains(f)) {
                    throw error(f, "unknown field (expected one of " + String.join(", ", new TreeSet<>(fields)) + ")");
                }
            }
        }

        /** A candidate named by {@code backend}, or the inline connection fields. */
        Backend chatBackend() {
            if (node.has("backend")) {
                JsonNode ref = node.get("backend");
                for (String f : union(CONNECTION, Set.of("name"))) {
                    if (node.has(f)) {
                        throw error(f, "not allowed together with " + name + ".backend (use one or the other)");
                    }
                }
                if (!ref.isTextual()) {
                    throw error("backend", "expected the name of an entry in backends, got " + ref);
                }
                return file.find(ref.textValue()).orElseThrow(() -> error("backend", "no backend named '"
                        + ref.textValue() + "' (have: " + String.join(", ", file.names()) + ")"));
            }
            ObjectNode conn = connectionFields();
            if (!conn.has("baseUrl") && !conn.has("model")) {
                throw error("backend", "missing: name a backend (\"backend\": \"<name>\") or give baseUrl and model");
            }
            JsonNode own = node.get("name");
            String label = own == null ? name : own.isTextual() ? own.textValue() : null;
            if (label == null) {
                throw error("name", "expected a string, got " + own);
            }
            if (file.find(label).isPresent()) {
                throw error("name", "'" + label + "' is also a candidate's name; give the " + name + " another \"name\"");
            }
            conn.put("name", label);
            return validateAsBackend(conn);
        }

        ObjectNode connectionFields() {
            ObjectNode conn = JSON.createObjectNode();
            for (String f : CONNECTION) {
                if (node.has(f)) {
                    conn.set(f, node.get(f));
                }
            }
            return conn;
        }

        /** Validates connection fields with {@link BackendsFile}'s own rules; errors name {@code section.field}. */
        Backend validateAsBackend(ObjectNode conn) {
            return BackendsFile.parseBackend(file.file(), name, conn);
        }

        PromptTemplate prompt(List<String> names, List<String> required) {
            JsonNode v = node.get("promptFile");
            if (v == null || !v.isTextual() || v.textValue().isBlank()) {
                throw error("promptFile", v == null ? "missing (required): a text file with the prompt"
                        : "expected a file name, got " + v);
            }
            Path p = promptPath(file, v.textValue());
            String text;
            try {
                text = Files.readString(p);
            } catch (IOException e) {
                throw error("promptFile", "cannot read " + p + (Files.exists(p) ? ": " + e.getMessage() : ": no such file"));
            }
            try {
                return new PromptTemplate(text, names, required);
            } catch (IllegalArgumentException e) {
                throw error("promptFile", p.getFileName() + " " + e.getMessage());
            }
        }

        double number(String field, Double dflt) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                if (dflt == null) {
                    throw error(field, "missing (required): expected a number");
                }
                return dflt;
            }
            if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
                throw error(field, "expected a finite number, got " + v);
            }
            return v.asDouble();
        }

        double temperature() {
            double t = number("temperature", 0.0);
            if (t < 0) {
                throw error("temperature", "expected a number >= 0, got " + t);
            }
            return t;
        }

        int whole(String field, int dflt) {
            double v = number(field, (double) dflt);
            if (v < 1 || v != Math.rint(v) || v > Integer.MAX_VALUE) {
                throw error(field, "expected a whole number >= 1, got " + node.get(field));
            }
            return (int) v;
        }
    }
}
