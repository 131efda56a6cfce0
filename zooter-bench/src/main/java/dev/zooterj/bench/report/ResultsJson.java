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
 *  "entropy_bins": [..],
 *  "cost_sweep" (when the sweep ran): {"router": kind, "max_cost": x, "points": {METHOD: [{"cost", "quality", "lambda"}]},
 *                 "aiq": {METHOD: x, "single_models": x},
 *                 "pair": {"strong", "weak", "strong_quality", "weak_quality", "apgr", "cpt50", "cpt80", "curve": [..]}}}
 * Route-or-rerank points are methods of their own ({@code rerank_1.5}, {@code best3_fixed}) with their average and
 * generations_per_query.
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
        ArrayNode comparisons = root.putArray("comparisons");
        for (BenchResults.Comparison c : r.comparisons()) {
            ObjectNode o = comparisons.addObject();
            o.put("method", c.method());
            o.put("against", c.against());
            ObjectNode gs = o.putObject("groups");
            c.groups().forEach((group, i) -> {
                ObjectNode d = gs.putObject(group);
                d.put("against", c.models().get(group));
                number(d, "estimate", i.estimate());
                number(d, "low", i.low());
                number(d, "high", i.high());
                number(d, "level", i.level());
                d.put("resamples", i.resamples());
            });
        }
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
        if (r.costSweep() != null) {
            root.set("cost_sweep", costSweep(r.costSweep()));
        }
        return root;
    }

    private static ObjectNode costSweep(BenchResults.CostSweep c) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("router", c.router());
        number(o, "max_cost", c.maxCost());
        ObjectNode points = o.putObject("points");
        c.points().forEach((name, ps) -> {
            ArrayNode a = points.putArray(name);
            for (BenchResults.CostPoint p : ps) {
                ObjectNode po = a.addObject();
                number(po, "cost", p.cost());
                number(po, "quality", p.quality());
                if (Double.isFinite(p.lambda())) {
                    po.put("lambda", p.lambda());
                }
            }
        });
        ObjectNode aiq = o.putObject("aiq");
        c.aiq().forEach((k, v) -> number(aiq, k, v));
        if (c.pair() != null) {
            BenchResults.PairCurve p = c.pair();
            ObjectNode po = o.putObject("pair");
            po.put("strong", p.strong());
            po.put("weak", p.weak());
            number(po, "strong_quality", p.strongQuality());
            number(po, "weak_quality", p.weakQuality());
            number(po, "apgr", p.apgr());
            number(po, "cpt50", p.cpt50());
            number(po, "cpt80", p.cpt80());
            ArrayNode curve = po.putArray("curve");
            for (double[] xy : p.curve()) {
                ObjectNode pt = curve.addObject();
                number(pt, "strong_share", xy[0]);
                number(pt, "quality", xy[1]);
            }
        }
        return o;
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
