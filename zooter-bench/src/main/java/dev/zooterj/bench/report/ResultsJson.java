package dev.zooterj.bench.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zooterj.bench.BenchResults;
import dev.zooterj.bench.MethodResult;

import java.io.UncheckedIOException;

/**
 * {@code results.json}, the machine-readable result that other tools read. The schema is fixed:
 * <pre>
 * {"suite": str, "simulated": bool, "models": [..],
 *  "methods": {NAME: {"average": x, "mtr": x, "uplift": x,
 *                     "groups": {GROUP: {"average": x, "mtr": x, "uplift": x}},
 *                     "subsets": {SUBSET: score}, "generations_per_query": x,
 *                     "cost_per_query": x (only when known), "routing_share": {MODEL: share}, "candidate": str}},
 *  "source", "settings", "rerun", "beta_sweep": {"0.3": allMtr}, "differences": {GROUP: interval},
 *  "entropy_bins": [..]}
 * </pre>
 * Non-finite numbers are written as {@code null}: JSON has no NaN.
 */
final class ResultsJson {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ResultsJson() {
    }

    static String render(BenchResults results) {
        try {
            return MAPPER.writeValueAsString(tree(results)) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write results.json: " + e.getOriginalMessage(), e);
        }
    }

    static ObjectNode tree(BenchResults r) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("suite", r.suite());
        root.put("simulated", r.simulated());
        ArrayNode models = root.putArray("models");
        r.models().forEach(models::add);
        ObjectNode methods = root.putObject("methods");
        r.methods().forEach(m -> methods.set(m.method(), method(m)));
        root.put("source", r.source());
        ObjectNode settings = root.putObject("settings");
        r.settings().forEach(settings::put);
        root.put("rerun", r.rerun());
        ObjectNode sweep = root.putObject("beta_sweep");
        // Double.toString gives "0.3", "1.0": the same keys Python's json writes for float keys
        r.betaSweep().forEach((beta, mtr) -> number(sweep, Double.toString(beta), mtr));
        ObjectNode differences = root.putObject("differences");
        r.differences().forEach((group, i) -> {
            ObjectNode d = differences.putObject(group);
            number(d, "estimate", i.estimate());
            number(d, "low", i.low());
            number(d, "high", i.high());
            number(d, "level", i.level());
            d.put("resamples", i.resamples());
        });
        ArrayNode bins = root.putArray("entropy_bins");
        for (BenchResults.EntropyBin b : r.entropyBins()) {
            ObjectNode o = bins.addObject();
            number(o, "low", b.low());
            number(o, "high", b.high());
            o.put("queries", b.queries());
            number(o, "rmr_score", b.rmrScore());
            number(o, "oracle", b.oracle());
            number(o, "zooter", b.zooter());
        }
        return root;
    }

    private static ObjectNode method(MethodResult m) {
        ObjectNode o = MAPPER.createObjectNode();
        if (ReportContent.USES_TEST_KNOWLEDGE.contains(m.method())) {
            o.put("uses_test_knowledge", true);
        }
        number(o, "average", m.average());
        number(o, "mtr", m.mtr());
        number(o, "uplift", m.uplift());
        ObjectNode groups = o.putObject("groups");
        m.groups().forEach((name, g) -> {
            ObjectNode go = groups.putObject(name);
            number(go, "average", g.average());
            number(go, "mtr", g.mtr());
            number(go, "uplift", g.uplift());
        });
        ObjectNode subsets = o.putObject("subsets");
        m.subsets().forEach((name, score) -> number(subsets, name, score));
        number(o, "generations_per_query", m.generationsPerQuery());
        if (Double.isFinite(m.costPerQuery())) {
            o.put("cost_per_query", m.costPerQuery());
        }
        if (m.routingShare() != null && !m.routingShare().isEmpty()) {
            ObjectNode share = o.putObject("routing_share");
            m.routingShare().forEach((model, s) -> number(share, model, s));
        }
        if (m.candidate() != null) {
            o.put("candidate", m.candidate());
        }
        return o;
    }

    private static void number(ObjectNode o, String key, Double v) {
        if (v == null || !Double.isFinite(v)) {
            o.putNull(key);
        } else {
            o.put(key, v);
        }
    }
}
