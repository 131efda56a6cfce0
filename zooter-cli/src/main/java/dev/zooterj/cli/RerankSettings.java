package dev.zooterj.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zooterj.core.routing.RerankRule;
import dev.zooterj.data.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * A router directory's route-or-rerank rule: {@code rerank.json} (written by {@code calibrate --generations B}, recorded
 * under {@code "rerank"} in {@code router.json}) holds the rule family, its threshold and the largest set;
 * {@code serve} applies it (rerank mode) unless {@code --generations K} says otherwise.
 */
final class RerankSettings {
    static final String FILE = "rerank.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RerankSettings() {
    }

    /** Writes rerank.json, then router.json with the same object under "rerank"; each atomically. */
    static void save(Path dir, ObjectNode rerank) throws IOException {
        Path manifest = dir.resolve("router.json");
        ObjectNode m = (ObjectNode) JSON.readTree(manifest.toFile());
        AtomicFiles.writeString(dir.resolve(FILE), JSON.writeValueAsString(rerank) + "\n");
        m.set("rerank", rerank);
        AtomicFiles.writeString(manifest, JSON.writeValueAsString(m) + "\n");
    }

    /** The fields of rerank.json that define the rule. */
    static void put(ObjectNode o, RerankRule rule) {
        o.put("rule", rule.rule().name().toLowerCase(Locale.ROOT));
        o.put("threshold", rule.threshold());
        o.put("max_k", rule.maxK());
        o.put("describe", rule.describe());
    }

    /** The stored rule, or null when the directory has none. */
    static RerankRule read(Path dir) {
        Path f = dir.resolve(FILE);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        JsonNode n;
        try {
            n = JSON.readTree(f.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(f + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        RerankRule.Rule rule = rule(n.path("rule").asText(), f + " field 'rule'");
        if (!n.path("max_k").canConvertToInt() || n.path("max_k").asInt() < 1) {
            throw new IllegalArgumentException(f + ": field 'max_k': expected an integer >= 1, got " + n.path("max_k"));
        }
        if (rule != RerankRule.Rule.FIXED && !(n.path("threshold").isNumber() && Double.isFinite(n.path("threshold").asDouble()))) {
            throw new IllegalArgumentException(f + ": field 'threshold': expected a number, got " + n.path("threshold"));
        }
        return new RerankRule(rule, n.path("threshold").asDouble(0), n.path("max_k").asInt());
    }

    /** A rule family by its lower-case name ({@code margin}, {@code top1}, ...). */
    static RerankRule.Rule rule(String name, String where) {
        for (RerankRule.Rule r : RerankRule.Rule.values()) {
            if (r.name().equalsIgnoreCase(name)) {
                return r;
            }
        }
        throw new IllegalArgumentException(where + ": expected one of " + Arrays.stream(RerankRule.Rule.values())
                .map(r -> r.name().toLowerCase(Locale.ROOT)).toList() + ", got '" + name + "'");
    }
}
