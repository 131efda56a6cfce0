package dev.zooterj.bench.report;

import dev.zooterj.bench.BenchResults;
import dev.zooterj.bench.MethodResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What the human-readable report says, in reading order; {@link MarkdownFormat} and {@link HtmlFormat} render it. */
final class ReportContent {
    private ReportContent() {
    }

    static ReportDocument build(BenchResults r, Map<ReportCharts.Kind, ReportCharts.Drawn> charts) {
        ReportDocument.Builder doc = new ReportDocument.Builder("Zooter-J benchmark report: " + r.suite());
        if (r.simulated()) {
            doc.warning("SIMULATED data:", "every number in this report comes from a simulated model zoo, not from "
                    + "real model outputs. It exercises the pipeline; it says nothing about real models.");
        }
        doc.paragraph("Source: " + text(r.source()));
        doc.paragraph("Models (" + r.models().size() + "): " + String.join(", ", r.models()) + ".");
        doc.paragraph("Test layout: " + r.groupOfSubset().size() + " subsets in " + r.groups().size() + " groups: "
                + String.join(", ", r.groups().stream().map(g -> g + " (" + subsetsOf(r, g).size() + ")").toList()) + ".");

        resultTable(doc, r, charts);
        gapClosed(doc, r);
        comparisons(doc, r);
        differences(doc, r);
        betaSweep(doc, r, charts);
        routingShare(doc, r, charts);
        entropy(doc, r, charts);
        spectrum(doc, r, charts);

        doc.section("Settings");
        if (r.settings().isEmpty()) {
            doc.paragraph("No settings were recorded.");
        } else {
            List<List<String>> rows = new ArrayList<>();
            r.settings().forEach((k, v) -> rows.add(List.of(k, text(v))));
            doc.table(List.of("setting", "value"), rows, "");
        }
        doc.section("Re-run");
        doc.paragraph("This command reproduces the run:");
        doc.code(r.rerun() == null || r.rerun().isBlank() ? "(no command was recorded)" : r.rerun());
        return doc.build();
    }

    /** The paper's Table 1: methods × groups (average, MTR), then All MTR, %Uplift and what a query costs. */
    private static void resultTable(ReportDocument.Builder doc, BenchResults r,
                                    Map<ReportCharts.Kind, ReportCharts.Drawn> charts) {
        doc.section("Results (the paper's Table 1 layout)");
        boolean cost = r.methods().stream().anyMatch(m -> Double.isFinite(m.costPerQuery()));
        List<String> header = new ArrayList<>(List.of("method"));
        for (String g : r.groups()) {
            header.add(g + " avg");
            header.add(g + " MTR");
        }
        header.addAll(List.of("All MTR", "%Uplift", "generations/query"));
        if (cost) {
            header.add("cost/query");
        }
        List<List<String>> rows = new ArrayList<>();
        for (MethodResult m : r.methods()) {
            List<String> row = new ArrayList<>(List.of(label(m)));
            for (String g : r.groups()) {
                MethodResult.GroupResult gr = m.groups().get(g);
                row.add(gr == null ? Numbers.MISSING : Numbers.score(gr.average()));
                row.add(gr == null ? Numbers.MISSING : Numbers.fixed(gr.mtr(), 2));
            }
            row.add(Numbers.fixed(m.mtr(), 2));
            row.add(Numbers.fixed(m.uplift(), 2));
            row.add(Numbers.compact(m.generationsPerQuery()));
            if (cost) {
                row.add(Numbers.score(m.costPerQuery()));
            }
            rows.add(row);
        }
        doc.table(header, rows, "avg: mean of the group's subset means, on the group's own metric. MTR: mean task "
                + "rank, per subset among the " + r.models().size() + " candidates plus the method (1 = best; lower "
                + "is better; a method identical to a candidate, shown as \"(= model)\", is ranked as that candidate). "
                + "%Uplift: share of subsets on which the method ranks first.");
        figure(doc, charts, ReportCharts.Kind.GROUP_SCORES);
        figure(doc, charts, ReportCharts.Kind.QUALITY_VS_COST);
    }

    /** (zooter − bma) / (oracle − bma) per group: how much of the room above the best single model Zooter takes. */
    private static void gapClosed(ReportDocument.Builder doc, BenchResults r) {
        MethodResult zooter = r.method("zooter");
        MethodResult bma = r.method("bma");
        MethodResult oracle = r.method("oracle");
        if (zooter == null || bma == null || oracle == null) {
            return;
        }
        doc.section("Share of the BMA → oracle gap closed by Zooter");
        List<List<String>> rows = new ArrayList<>();
        for (String g : r.groups()) {
            double z = average(zooter, g);
            double b = average(bma, g);
            double o = average(oracle, g);
            double closed = r.gapClosed("zooter", g);
            rows.add(List.of(g, Numbers.score(b), Numbers.score(z), Numbers.score(o), Numbers.percent(closed)));
        }
        doc.table(List.of("group", "BMA", "Zooter", "oracle", "gap closed"), rows,
                "gap closed = (Zooter − BMA) / (oracle − BMA) on the group averages: 0% is no better than BMA, 100% "
                        + "is as good as the oracle, below 0% is worse than BMA.");
    }

    private static void comparisons(ReportDocument.Builder doc, BenchResults r) {
        if (r.comparisons().isEmpty()) {
            return;
        }
        doc.section("The default router against the first things a user tries");
        List<List<String>> rows = new ArrayList<>();
        for (BenchResults.Comparison c : r.comparisons()) {
            c.groups().forEach((g, i) -> rows.add(List.of(c.method() + " − " + c.against(), g, c.models().get(g),
                    Numbers.score(i.estimate()), Numbers.score(i.low()), Numbers.score(i.high()), plain(i, c.method(), c.models().get(g)))));
        }
        doc.table(List.of("comparison", "group", "against", "difference", "low", "high", "reading"), rows,
                "Difference of group averages (the mean over the group's subsets), with a 95% percentile bootstrap interval "
                        + "(test queries resampled within each subset). The best single model of a group is picked on the test rows: "
                        + "a reference that uses test knowledge.");
    }

    private static String plain(BenchResults.Interval i, String a, String b) {
        if (i.low() > 0) {
            return a + " better";
        }
        if (i.high() < 0) {
            return b + " better";
        }
        return Double.isFinite(i.low()) && Double.isFinite(i.high()) ? "no clear difference" : Numbers.MISSING;
    }

    private static void differences(ReportDocument.Builder doc, BenchResults r) {
        doc.section("Zooter − BMA: bootstrap intervals");
        if (r.differences().isEmpty()) {
            doc.paragraph("No bootstrap ran (it needs Zooter and BMA).");
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        r.differences().forEach((g, i) -> rows.add(List.of(g, Numbers.score(i.estimate()), Numbers.score(i.low()),
                Numbers.score(i.high()), Numbers.percent(i.level()), String.valueOf(i.resamples()), reading(i))));
        doc.table(List.of("group", "mean difference", "low", "high", "level", "resamples", "reading"), rows,
                "Mean per-query score difference Zooter − BMA on the group's metric, with a percentile bootstrap "
                        + "interval (queries resampled within the group).");
    }

    private static String reading(BenchResults.Interval i) {
        if (i.low() > 0) {
            return "Zooter better";
        }
        if (i.high() < 0) {
            return "BMA better";
        }
        return Double.isFinite(i.low()) && Double.isFinite(i.high()) ? "no clear difference" : Numbers.MISSING;
    }

    private static void betaSweep(ReportDocument.Builder doc, BenchResults r,
                                  Map<ReportCharts.Kind, ReportCharts.Drawn> charts) {
        doc.section("β sweep");
        if (r.betaSweep().isEmpty()) {
            doc.paragraph("No β sweep ran.");
            return;
        }
        double best = r.betaSweep().values().stream().filter(v -> v != null && Double.isFinite(v))
                .mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        List<List<String>> rows = new ArrayList<>();
        r.betaSweep().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            double mtr = e.getValue() == null ? Double.NaN : e.getValue();
            rows.add(List.of(Numbers.plain(e.getKey()), Numbers.fixed(mtr, 2), mtr == best ? "lowest" : ""));
        });
        List<String> references = new ArrayList<>();
        for (String name : List.of("zooter", "hard_label", "bma")) {
            MethodResult m = r.method(name);
            if (m != null) {
                references.add(name + " " + Numbers.fixed(m.mtr(), 2));
            }
        }
        doc.table(List.of("β", "All MTR", ""), rows, "All MTR of Zooter trained with each β (lower is better)."
                + (references.isEmpty() ? "" : " For reference: " + String.join(", ", references) + "."));
        figure(doc, charts, ReportCharts.Kind.BETA_SWEEP);
    }

    private static void routingShare(ReportDocument.Builder doc, BenchResults r,
                                     Map<ReportCharts.Kind, ReportCharts.Drawn> charts) {
        doc.section("Where Zooter routes");
        MethodResult zooter = r.method("zooter");
        if (zooter == null || zooter.routingShare() == null || zooter.routingShare().isEmpty()) {
            doc.paragraph("Zooter did not run.");
            return;
        }
        List<String> header = new ArrayList<>(List.of("model", "all test queries"));
        header.addAll(r.groups());
        List<List<String>> rows = new ArrayList<>();
        for (String model : r.models()) {
            List<String> row = new ArrayList<>(List.of(model, Numbers.percent(share(zooter.routingShare(), model))));
            for (String g : r.groups()) {
                row.add(Numbers.percent(groupShare(zooter, subsetsOf(r, g), model)));
            }
            rows.add(row);
        }
        doc.table(header, rows, "Share of queries Zooter sends to each model: over all test queries, and per group as "
                + "the mean over the group's subsets.");
        figure(doc, charts, ReportCharts.Kind.ROUTING_SHARE);
    }

    private static void entropy(ReportDocument.Builder doc, BenchResults r,
                                Map<ReportCharts.Kind, ReportCharts.Drawn> charts) {
        doc.section("Reward-entropy analysis");
        if (r.entropyBins().isEmpty()) {
            doc.paragraph("No entropy analysis ran.");
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        for (BenchResults.EntropyBin b : r.entropyBins()) {
            rows.add(List.of(Numbers.fixed(b.low(), 2) + " – " + Numbers.fixed(b.high(), 2), String.valueOf(b.queries()),
                    Numbers.fixed(b.rmrScore(), 3), Numbers.fixed(b.oracle(), 3), Numbers.fixed(b.zooter(), 3)));
        }
        doc.table(List.of("H(s) bin (nats)", "queries", "RMR", "oracle", "Zooter"), rows,
                "Test queries binned by the entropy H(s) of their normalised rewards; scores rescaled to [0, 1] per "
                        + "subset. The paper (Figure 3) finds RMR scores higher where the entropy is low: a high "
                        + "entropy means the reward model is unsure which answer is best.");
        figure(doc, charts, ReportCharts.Kind.ENTROPY_VS_SCORE);
    }

    /** Route-or-rerank and the cost knob: the points between one generation and N, and quality against cost. */
    private static void spectrum(ReportDocument.Builder doc, BenchResults r,
                                 Map<ReportCharts.Kind, ReportCharts.Drawn> charts) {
        List<MethodResult> points = r.methods().stream().filter(m -> m.method().startsWith("rerank_")
                || m.method().matches("best\\d+_fixed") || m.method().equals("rmr") || m.method().equals("bma")).toList();
        if (points.stream().anyMatch(m -> m.method().startsWith("rerank_"))) {
            doc.section("Route or rerank: quality vs generations per query");
            List<List<String>> rows = new ArrayList<>();
            for (MethodResult m : points) {
                String rule = r.settings().getOrDefault(m.method() + " chosen on validation", "");
                rows.add(List.of(m.method(), Numbers.fixed(m.average(), 4), Numbers.fixed(m.generationsPerQuery(), 2),
                        Double.isFinite(m.costPerQuery()) ? Numbers.fixed(m.costPerQuery(), 1) : "", text(rule)));
            }
            doc.table(List.of("method", "average", "generations/query", "cost/query", "chosen on training rows"), rows,
                    "rerank_B: the router's top candidates generate, as many as its confidence rule gives (chosen per fold "
                            + "on out-of-fold estimates of the training rows so that the mean stays within B), and the "
                            + "answer with the highest reward is kept. bestK_fixed: the K models whose reranking scores best "
                            + "on the training rows always answer. rmr: all N answer.");
            figure(doc, charts, ReportCharts.Kind.GENERATIONS_CURVE);
        }
        BenchResults.CostSweep c = r.costSweep();
        if (c != null) {
            doc.section("The cost knob: quality vs cost");
            List<List<String>> rows = new ArrayList<>();
            for (BenchResults.CostPoint p : c.points().get(c.router())) {
                rows.add(List.of(Numbers.fixed(p.lambda(), 6), Numbers.fixed(p.cost(), 1), Numbers.fixed(p.quality(), 4)));
            }
            doc.table(List.of("λ", "cost/query", "average"), rows, c.router() + " picking argmax of expected quality − λ·cost. "
                    + "AIQ " + c.router() + ": " + Numbers.fixed(c.aiq().get(c.router()), 4) + "; single models' hull: "
                    + Numbers.fixed(c.aiq().get("single_models"), 4) + " (largest cost " + Numbers.fixed(c.maxCost(), 1) + ").");
            if (c.pair() != null) {
                BenchResults.PairCurve p = c.pair();
                doc.paragraph("RouteLLM's metrics for strong " + p.strong() + " (" + Numbers.fixed(p.strongQuality(), 4)
                        + ") and weak " + p.weak() + " (" + Numbers.fixed(p.weakQuality(), 4) + "): APGR "
                        + Numbers.fixed(p.apgr(), 3) + ", CPT(50%) " + Numbers.fixed(100 * p.cpt50(), 1) + "%, CPT(80%) "
                        + Numbers.fixed(100 * p.cpt80(), 1) + "% (share of queries sent to the strong model).");
            }
            figure(doc, charts, ReportCharts.Kind.COST_SWEEP);
        }
    }

    private static void figure(ReportDocument.Builder doc, Map<ReportCharts.Kind, ReportCharts.Drawn> charts,
                               ReportCharts.Kind kind) {
        ReportCharts.Drawn d = charts.get(kind);
        if (d != null) {
            doc.figure(d.path().getFileName().toString(), d.title(), d.caption());
        }
    }

    private static String label(MethodResult m) {
        String name = m.candidate() != null && !m.candidate().equals(m.method()) ? m.method() + " (= " + m.candidate() + ")"
                : m.method();
        return USES_TEST_KNOWLEDGE.contains(m.method()) ? name + " [uses test knowledge]" : name;
    }

    /** Reference lines that read the test rows' scores: ceilings to compare with, never methods to deploy. */
    static final java.util.Set<String> USES_TEST_KNOWLEDGE = java.util.Set.of("dataset_oracle", "oracle");

    private static List<String> subsetsOf(BenchResults r, String group) {
        List<String> out = new ArrayList<>();
        r.groupOfSubset().forEach((s, g) -> {
            if (g.equals(group)) {
                out.add(s);
            }
        });
        return out;
    }

    private static double average(MethodResult m, String group) {
        MethodResult.GroupResult g = m.groups().get(group);
        return g == null ? Double.NaN : g.average();
    }

    private static double share(Map<String, Double> shares, String model) {
        Double v = shares.get(model);
        return v == null ? Double.NaN : v;
    }

    private static double groupShare(MethodResult m, List<String> subsets, String model) {
        Map<String, Map<String, Double>> bySubset = m.subsetRoutingShare() == null ? Map.of() : m.subsetRoutingShare();
        return subsets.stream().filter(bySubset::containsKey).mapToDouble(s -> share(bySubset.get(s), model))
                .average().orElse(Double.NaN);
    }

    private static String text(String s) {
        return s == null || s.isBlank() ? "(not recorded)" : s;
    }
}
