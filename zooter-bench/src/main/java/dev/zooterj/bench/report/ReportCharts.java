package dev.zooterj.bench.report;

import dev.zooterj.bench.BenchResults;
import dev.zooterj.bench.MethodResult;
import dev.zooterj.data.AtomicFiles;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.awt.Font;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.DoubleBinaryOperator;
import java.util.function.ToDoubleFunction;

/**
 * The report's PNG charts, drawn with XChart at 900×500 (the routing heat map a little larger). Every chart has
 * a title, axis titles and a legend, and says "(simulated)" in its title when the data is simulated. A chart whose
 * data is missing (no β sweep, no Zooter, no entropy analysis) is not drawn.
 */
final class ReportCharts {
    static final int WIDTH = 900;
    static final int HEIGHT = 500;
    private static final String SANS = Font.SANS_SERIF;
    /** The β-sweep routers have a chart of their own; in the method charts they would only crowd Zooter. */
    private static final String SWEEP_PREFIX = "zooter_beta_";

    static {
        // Charts are drawn off screen; without this a machine with no display fails in AWT.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** The charts, each with its file name. */
    enum Kind {
        GROUP_SCORES("group_scores.png"),
        QUALITY_VS_COST("quality_vs_cost.png"),
        BETA_SWEEP("beta_sweep.png"),
        ROUTING_SHARE("routing_share.png"),
        ENTROPY_VS_SCORE("entropy_vs_score.png"),
        GENERATIONS_CURVE("quality_vs_generations.png"),
        COST_SWEEP("cost_sweep.png");

        final String file;

        Kind(String file) {
            this.file = file;
        }
    }

    /** A chart written next to the report: its title, and a caption that says how to read it. */
    record Drawn(Kind kind, Path path, String title, String caption) {
    }

    /** A chart before it is saved. */
    private record Planned(Chart<?, ?> chart, String caption) {
    }

    private ReportCharts() {
    }

    /** Draws every chart the results have data for into {@code dir}, each file written atomically. */
    static Map<Kind, Drawn> write(BenchResults results, Path dir) {
        Map<Kind, Planned> planned = new EnumMap<>(Kind.class);
        put(planned, Kind.GROUP_SCORES, groupScores(results));
        put(planned, Kind.QUALITY_VS_COST, qualityVsCost(results));
        put(planned, Kind.BETA_SWEEP, betaSweep(results));
        put(planned, Kind.ROUTING_SHARE, routingShare(results));
        put(planned, Kind.ENTROPY_VS_SCORE, entropyVsScore(results));
        put(planned, Kind.GENERATIONS_CURVE, generationsCurve(results));
        put(planned, Kind.COST_SWEEP, costSweep(results));
        Map<Kind, Drawn> out = new EnumMap<>(Kind.class);
        planned.forEach((kind, p) -> {
            Path path = dir.resolve(kind.file);
            AtomicFiles.write(path, stream -> BitmapEncoder.saveBitmap(p.chart(), stream, BitmapEncoder.BitmapFormat.PNG));
            out.put(kind, new Drawn(kind, path, p.chart().getTitle(), p.caption()));
        });
        return out;
    }

    private static void put(Map<Kind, Planned> planned, Kind kind, Planned p) {
        if (p != null) {
            planned.put(kind, p);
        }
    }

    /**
     * Per group, a bar per method. The groups' metrics have different scales (win rate, 1–5, 1–10, accuracy), so
     * each group is rescaled to 0 = worst single model and 1 = oracle (or the best method when there is no oracle):
     * the bars show how much of the room above the worst candidate a method takes.
     */
    private static Planned groupScores(BenchResults r) {
        List<MethodResult> shown = shownMethods(r);
        List<String> groups = r.groups();
        if (shown.isEmpty() || groups.isEmpty()) {
            return null;
        }
        MethodResult oracle = r.method("oracle");
        List<MethodResult> singles = shown.stream().filter(m -> r.models().contains(m.method())).toList();
        String top = oracle != null ? "oracle" : "best method";
        String bottom = singles.isEmpty() ? "worst method" : "worst single model";
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title(title("Group average per method, rescaled per group", r))
                .xAxisTitle("test group").yAxisTitle("0 = " + bottom + ", 1 = " + top + " (higher is better)").build();
        style(chart.getStyler());
        chart.getStyler().setAvailableSpaceFill(0.88).setYAxisDecimalPattern("0.0#");
        Map<String, Color> colors = MethodPalette.of(r);
        double[] low = new double[groups.size()];
        double[] span = new double[groups.size()];
        for (int g = 0; g < groups.size(); g++) {
            String group = groups.get(g);
            low[g] = extreme(singles.isEmpty() ? shown : singles, group, Math::min);
            double high = oracle != null && Double.isFinite(groupAverage(oracle, group)) ? groupAverage(oracle, group)
                    : extreme(shown, group, Math::max);
            span[g] = high - low[g] > 1e-12 ? high - low[g] : 1;
        }
        for (MethodResult m : shown) {
            List<Double> values = new ArrayList<>();
            for (int g = 0; g < groups.size(); g++) {
                double avg = groupAverage(m, groups.get(g));
                values.add(Double.isFinite(avg) ? (avg - low[g]) / span[g] : null);
            }
            if (values.stream().allMatch(Objects::isNull)) {
                continue; // a method with no finite group average has nothing to show
            }
            CategorySeries s = chart.addSeries(legendName(m), groups, values);
            s.setFillColor(colors.get(m.method()));
        }
        if (chart.getSeriesMap().isEmpty()) {
            return null;
        }
        return new Planned(chart, "Group averages per method, rescaled per group so that 0 is the " + bottom
                + " and 1 the " + top + " (the groups' metrics have different scales); the raw averages are in the "
                + "table above.");
    }

    /** One labelled point per method: what it spends against how well it ranks. */
    private static Planned qualityVsCost(BenchResults r) {
        List<MethodResult> shown = shownMethods(r);
        if (shown.isEmpty()) {
            return null;
        }
        boolean cost = shown.stream().allMatch(m -> Double.isFinite(m.costPerQuery()));
        ToDoubleFunction<MethodResult> x = cost ? MethodResult::costPerQuery : MethodResult::generationsPerQuery;
        String xTitle = cost ? "mean cost per query (the records' cost unit)" : "LLM generations per query";
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(title("Quality vs " + (cost ? "cost" : "generations") + " per method", r))
                .xAxisTitle(xTitle).yAxisTitle("All MTR (lower is better)").build();
        style(chart.getStyler());
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter).setMarkerSize(11);
        double[] xs = shown.stream().mapToDouble(x).filter(Double::isFinite).toArray();
        double[] ys = shown.stream().mapToDouble(MethodResult::mtr).filter(Double::isFinite).toArray();
        if (xs.length == 0 || ys.length == 0) {
            return null;
        }
        double[] xRange = padded(xs, 0.15);
        if (Arrays.stream(xs).allMatch(v -> v >= 0)) {
            xRange[0] = Math.max(xRange[0], 0); // no room for negative costs
        }
        double[] yRange = padded(ys, 0.08);
        chart.getStyler().setXAxisMin(xRange[0]).setXAxisMax(xRange[1]).setYAxisMin(yRange[0]).setYAxisMax(yRange[1]);
        chart.getStyler().setYAxisDecimalPattern("0.0");
        if (!cost) {
            // generations are whole numbers (1 for a router, N for ranking): ask for ticks about one unit apart
            // (the plot is ~700 px wide); XChart drops all labels if any two read the same, so no "0.5" steps
            chart.getStyler().setXAxisTickMarkSpacingHint((int) Math.max(40, 0.85 * 700 / (xRange[1] - xRange[0])))
                    .setXAxisDecimalPattern("0");
        }
        Map<String, Color> colors = MethodPalette.of(r);
        PointLabels labels = new PointLabels(new Font(SANS, Font.PLAIN, 12), xRange[0], xRange[1]);
        for (MethodResult m : shown) {
            double px = x.applyAsDouble(m);
            if (!Double.isFinite(px) || !Double.isFinite(m.mtr())) {
                continue;
            }
            XYSeries s = chart.addSeries(legendName(m), new double[]{px}, new double[]{m.mtr()});
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setMarkerColor(darker(colors.get(m.method()), r.models().contains(m.method())));
            labels.add(m.method(), px, m.mtr());
        }
        chart.addAnnotation(labels);
        String caption = "Each method's All MTR (mean task rank over all subsets, lower is better) against "
                + (cost ? "its mean cost per query" : "the LLM generations it needs per query (1 for a router, N when "
                + "every candidate answers)") + "; the β-sweep routers are left out.";
        return new Planned(chart, caption);
    }

    /**
     * Route-or-rerank: average score against generations per query, the rerank curve as a line, the fixed best-k sets
     * as a second line, and the router (1), BMA, RMR (N) and the oracle as labelled points.
     */
    private static Planned generationsCurve(BenchResults r) {
        List<MethodResult> rerank = r.methods().stream().filter(m -> m.method().startsWith("rerank_"))
                .sorted(java.util.Comparator.comparingDouble(MethodResult::generationsPerQuery)).toList();
        if (rerank.isEmpty()) {
            return null;
        }
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(title("Quality vs generations per query: route, rerank, or both", r))
                .xAxisTitle("LLM generations per query (mean)").yAxisTitle("average score (higher is better)").build();
        style(chart.getStyler());
        chart.getStyler().setXAxisDecimalPattern("0.0").setYAxisDecimalPattern("0.000");
        Map<String, Color> colors = MethodPalette.of(r);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        XYSeries line = chart.addSeries("route-or-rerank: router's top-k, best by reward",
                rerank.stream().mapToDouble(MethodResult::generationsPerQuery).toArray(),
                rerank.stream().mapToDouble(MethodResult::average).toArray());
        line.setMarker(SeriesMarkers.CIRCLE);
        line.setLineColor(new Color(0xD62728));
        line.setMarkerColor(new Color(0xD62728));
        line.setLineWidth(2.4f);
        List<MethodResult> fixed = new ArrayList<>();
        for (int k = 2; k < r.models().size(); k++) {
            MethodResult m = r.method("best" + k + "_fixed");
            if (m != null) {
                fixed.add(m);
            }
        }
        if (!fixed.isEmpty()) {
            List<MethodResult> withEnds = new ArrayList<>();
            MethodResult bma = r.method("bma");
            if (bma != null) {
                withEnds.add(bma);
            }
            withEnds.addAll(fixed);
            if (r.method("rmr") != null) {
                withEnds.add(r.method("rmr"));
            }
            XYSeries f = chart.addSeries("fixed best-k sets (training rows): BMA … RMR",
                    withEnds.stream().mapToDouble(MethodResult::generationsPerQuery).toArray(),
                    withEnds.stream().mapToDouble(MethodResult::average).toArray());
            f.setMarker(SeriesMarkers.SQUARE);
            f.setLineStyle(SeriesLines.DASH_DASH);
            f.setLineColor(new Color(0x1F77B4));
            f.setMarkerColor(new Color(0x1F77B4));
        }
        double xMax = r.models().size();
        List<Double> ys = new ArrayList<>();
        chart.getSeriesMap().values().forEach(s -> Arrays.stream(s.getYData()).forEach(ys::add));
        for (String ref : List.of("bma")) {
            MethodResult m = r.method(ref);
            if (m != null && Double.isFinite(m.average())) {
                XYSeries l = chart.addSeries(ref + " (" + Numbers.fixed(m.average(), 3) + ")", new double[]{1, xMax},
                        new double[]{m.average(), m.average()});
                l.setMarker(SeriesMarkers.NONE);
                l.setLineStyle(SeriesLines.DOT_DOT);
                l.setLineColor(colors.getOrDefault(ref, Color.GRAY));
                ys.add(m.average());
            }
        }
        PointLabels labels = new PointLabels(new Font(SANS, Font.PLAIN, 11), 0.8, xMax + 0.2);
        for (MethodResult m : rerank) {
            labels.add(m.method().substring("rerank_".length()) + ": " + Numbers.fixed(m.average(), 3),
                    m.generationsPerQuery(), m.average());
        }
        for (MethodResult m : fixed) {
            labels.add("best" + m.method().replaceAll("\\D", "") + " " + Numbers.fixed(m.average(), 3), m.generationsPerQuery(),
                    m.average());
        }
        MethodResult rmr = r.method("rmr");
        if (rmr != null) {
            labels.add("RMR " + Numbers.fixed(rmr.average(), 3), rmr.generationsPerQuery(), rmr.average());
        }
        chart.addAnnotation(labels);
        double[] yr = padded(ys.stream().mapToDouble(Double::doubleValue).toArray(), 0.06);
        chart.getStyler().setXAxisMin(0.8).setXAxisMax(xMax + 0.2).setYAxisMin(yr[0]).setYAxisMax(yr[1]);
        return new Planned(chart, "Average score against mean LLM generations per query. Red: route-or-rerank, the "
                + "router's top candidates generate (one when it is confident, more when not; the rule fitted on "
                + "validation per budget) and the reward model keeps the best answer; labels give the budget. Blue: "
                + "a fixed set of the k models whose reranking scores best on the training rows, from BMA (1) to RMR "
                + "(N). Dotted: BMA.");
    }

    /** The cost knob: the router's sweep over λ beside the single models and their non-decreasing hull. */
    private static Planned costSweep(BenchResults r) {
        BenchResults.CostSweep c = r.costSweep();
        if (c == null) {
            return null;
        }
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(title("Quality vs cost: the router's cost knob and the single models", r))
                .xAxisTitle("mean cost per query (the records' cost unit)").yAxisTitle("average score (higher is better)").build();
        style(chart.getStyler());
        chart.getStyler().setYAxisDecimalPattern("0.000").setLegendPosition(Styler.LegendPosition.OutsideS);
        List<BenchResults.CostPoint> router = new ArrayList<>(c.points().get(c.router()));
        router.sort(java.util.Comparator.comparingDouble(BenchResults.CostPoint::cost));
        XYSeries line = chart.addSeries(c.router() + ", cost weight λ swept (AIQ " + Numbers.fixed(c.aiq().get(c.router()), 3) + ")",
                router.stream().mapToDouble(BenchResults.CostPoint::cost).toArray(),
                router.stream().mapToDouble(BenchResults.CostPoint::quality).toArray());
        line.setMarker(SeriesMarkers.CIRCLE);
        line.setLineColor(new Color(0xD62728));
        line.setMarkerColor(new Color(0xD62728));
        line.setLineWidth(2.2f);
        List<dev.zooterj.core.ensemble.TradeoffMetrics.Point> singles = new ArrayList<>();
        double lo = c.points().values().stream().flatMap(List::stream).mapToDouble(BenchResults.CostPoint::cost).min().orElse(0);
        PointLabels labels = new PointLabels(new Font(SANS, Font.PLAIN, 11), Math.max(0, lo - 0.08 * (c.maxCost() - lo)),
                c.maxCost() + 0.12 * (c.maxCost() - lo));
        for (String m : r.models()) {
            BenchResults.CostPoint p = c.points().get(m).get(0);
            singles.add(new dev.zooterj.core.ensemble.TradeoffMetrics.Point(p.cost(), p.quality()));
            labels.add(m, p.cost(), p.quality());
        }
        List<dev.zooterj.core.ensemble.TradeoffMetrics.Point> hull = new ArrayList<>(
                dev.zooterj.core.ensemble.TradeoffMetrics.nonDecreasingHull(singles));
        hull.add(new dev.zooterj.core.ensemble.TradeoffMetrics.Point(c.maxCost(), hull.get(hull.size() - 1).y()));
        XYSeries h = chart.addSeries("best mix of single models (AIQ "
                        + Numbers.fixed(c.aiq().get("single_models"), 3) + ")",
                hull.stream().mapToDouble(dev.zooterj.core.ensemble.TradeoffMetrics.Point::x).toArray(),
                hull.stream().mapToDouble(dev.zooterj.core.ensemble.TradeoffMetrics.Point::y).toArray());
        h.setMarker(SeriesMarkers.NONE);
        h.setLineStyle(SeriesLines.DASH_DASH);
        h.setLineColor(new Color(0x555555));
        XYSeries pts = chart.addSeries("single models",
                singles.stream().mapToDouble(dev.zooterj.core.ensemble.TradeoffMetrics.Point::x).toArray(),
                singles.stream().mapToDouble(dev.zooterj.core.ensemble.TradeoffMetrics.Point::y).toArray());
        pts.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        pts.setMarker(SeriesMarkers.DIAMOND);
        pts.setMarkerColor(new Color(0x1F77B4));
        chart.addAnnotation(labels);
        double minCost = c.points().values().stream().flatMap(List::stream).mapToDouble(BenchResults.CostPoint::cost).min().orElse(0);
        double span = Math.max(c.maxCost() - minCost, 1e-9);
        chart.getStyler().setXAxisMin(Math.max(0, minCost - 0.08 * span)).setXAxisMax(c.maxCost() + 0.12 * span);
        return new Planned(chart, "Average score against mean cost per query. Red: the router choosing argmax of "
                + "expected quality − λ·cost, one point per λ (λ = 0 on the right). Grey dashed: the best any random "
                + "mix of single models reaches (their non-decreasing convex hull). AIQ (RouterBench) is the area under "
                + "each curve's hull, held flat to the largest cost, divided by that cost: higher is better.");
    }

    /** All-MTR of Zooter per β, with BMA and the hard-label ablation as reference lines. */
    private static Planned betaSweep(BenchResults r) {
        if (r.betaSweep().isEmpty()) {
            return null;
        }
        double[] betas = r.betaSweep().entrySet().stream()
                .filter(e -> e.getKey() != null && e.getValue() != null && Double.isFinite(e.getKey())
                        && Double.isFinite(e.getValue()))
                .mapToDouble(Map.Entry::getKey).sorted().toArray();
        if (betas.length == 0) {
            return null;
        }
        double[] mtr = Arrays.stream(betas).map(b -> r.betaSweep().get(b)).toArray();
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(title("Zooter's All MTR across the label-enhancement weight β", r))
                .xAxisTitle("β (weight of the query's own reward; 1 = no tag enhancement)")
                .yAxisTitle("All MTR (lower is better)").build();
        style(chart.getStyler());
        chart.getStyler().setXAxisDecimalPattern("0.0#").setYAxisDecimalPattern("0.00");
        double[] xRange = {Math.min(0, betas[0]), Math.max(1, betas[betas.length - 1])};
        chart.getStyler().setXAxisMin(xRange[0] - 0.03).setXAxisMax(xRange[1] + 0.03);
        Map<String, Color> colors = MethodPalette.of(r);
        XYSeries sweep = chart.addSeries("Zooter, soft labels", betas, mtr);
        sweep.setMarker(SeriesMarkers.CIRCLE);
        sweep.setLineColor(colors.getOrDefault("zooter", Color.RED));
        sweep.setMarkerColor(colors.getOrDefault("zooter", Color.RED));
        sweep.setLineWidth(2.2f);
        for (String reference : List.of("hard_label", "bma", "rmr")) {
            MethodResult m = r.method(reference);
            if (m != null && Double.isFinite(m.mtr())) {
                XYSeries line = chart.addSeries(referenceName(m), xRange, new double[]{m.mtr(), m.mtr()});
                line.setMarker(SeriesMarkers.NONE);
                line.setLineStyle(SeriesLines.DASH_DASH);
                line.setLineColor(colors.get(reference));
            }
        }
        return new Planned(chart, "All MTR of Zooter trained with each β (lower is better); dashed lines: the "
                + "hard-label ablation, BMA and reward-model ranking where they ran.");
    }

    /** Where Zooter sends each subset's queries: subsets × models, share in percent. */
    private static Planned routingShare(BenchResults r) {
        MethodResult zooter = r.method("zooter");
        if (zooter == null || zooter.subsetRoutingShare() == null || zooter.subsetRoutingShare().isEmpty()) {
            return null;
        }
        List<String> subsets = r.groupOfSubset().keySet().stream()
                .filter(zooter.subsetRoutingShare()::containsKey).toList();
        // the heat map's y axis grows upwards: reverse, so the first model is on top
        List<String> models = new ArrayList<>(r.models());
        Collections.reverse(models);
        List<Number[]> cells = new ArrayList<>();
        double top = 0;
        for (int s = 0; s < subsets.size(); s++) {
            Map<String, Double> share = zooter.subsetRoutingShare().get(subsets.get(s));
            for (int m = 0; m < models.size(); m++) {
                Double v = share.get(models.get(m));
                double percent = v == null || !Double.isFinite(v) ? 0 : 100 * v;
                cells.add(new Number[]{s, m, percent});
                top = Math.max(top, percent);
            }
        }
        int width = Math.max(WIDTH, 260 + 34 * subsets.size());
        HeatMapChart chart = new HeatMapChartBuilder().width(width).height(HEIGHT + 120)
                .title(title("Zooter's routing share per test subset, % of its queries", r))
                .xAxisTitle("test subset").yAxisTitle("model routed to").build();
        style(chart.getStyler());
        chart.getStyler().setShowValue(true).setMin(0)
                // the colour scale ends at the largest share (rounded up to 10%): shares rarely near 100%
                .setMax(Math.max(10, Math.ceil(top / 10) * 10)).setHeatMapValueDecimalPattern("0")
                .setValueFont(new Font(SANS, Font.PLAIN, 11)).setValueFontColor(new Color(0x222222))
                .setRangeColors(new Color[]{Color.WHITE, new Color(0xC6DBEF), new Color(0x6BAED6), new Color(0x2B7BBA)})
                .setGradientColorColumnHeight(300)
                .setPlotGridLinesVisible(false);
        chart.getStyler().setXAxisLabelRotation(60);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.addSeries("routing share (%)", subsets, models, cells);
        return new Planned(chart, "Share of each test subset's queries that Zooter routes to each model, in percent "
                + "(each column sums to 100).");
    }

    /** The reward-entropy analysis (paper Figure 3): scores per bin of H(s). */
    private static Planned entropyVsScore(BenchResults r) {
        List<BenchResults.EntropyBin> bins = r.entropyBins().stream().filter(b -> b.queries() > 0).toList();
        if (bins.isEmpty()) {
            return null;
        }
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(title("Score by reward entropy H(s) of the query", r))
                .xAxisTitle("reward entropy H(s), bin midpoint (nats)")
                .yAxisTitle("mean score, rescaled to [0, 1] per subset").build();
        style(chart.getStyler());
        chart.getStyler().setXAxisDecimalPattern("0.00").setYAxisDecimalPattern("0.00");
        Map<String, Color> colors = MethodPalette.of(r);
        addBinSeries(chart, bins, "RMR", BenchResults.EntropyBin::rmrScore, colors.getOrDefault("rmr", Color.ORANGE));
        addBinSeries(chart, bins, "oracle", BenchResults.EntropyBin::oracle, colors.getOrDefault("oracle", Color.GREEN));
        addBinSeries(chart, bins, "Zooter", BenchResults.EntropyBin::zooter, colors.getOrDefault("zooter", Color.RED));
        if (chart.getSeriesMap().isEmpty()) {
            return null;
        }
        queryCounts(chart, bins);
        return new Planned(chart, "Mean score (rescaled to [0, 1] per subset) of the test queries in each bin of "
                + "reward entropy H(s); high entropy means the reward model is unsure which answer is best.");
    }

    private static void addBinSeries(XYChart chart, List<BenchResults.EntropyBin> bins, String name,
                                     ToDoubleFunction<BenchResults.EntropyBin> value, Color color) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (BenchResults.EntropyBin b : bins) {
            double y = value.applyAsDouble(b);
            if (Double.isFinite(y)) {
                xs.add((b.low() + b.high()) / 2);
                ys.add(y);
            }
        }
        if (!xs.isEmpty()) {
            XYSeries s = chart.addSeries(name, xs, ys);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setLineColor(color);
            s.setMarkerColor(color);
            s.setLineWidth(2.2f);
        }
    }

    /** Writes each bin's query count at the bottom of the plot, below its points (room is made for it). */
    private static void queryCounts(XYChart chart, List<BenchResults.EntropyBin> bins) {
        double[] ys = chart.getSeriesMap().values().stream().flatMapToDouble(s -> Arrays.stream(s.getYData())).toArray();
        double lo = Arrays.stream(ys).min().orElse(0);
        double hi = Arrays.stream(ys).max().orElse(1);
        double span = hi - lo > 1e-9 ? hi - lo : 1;
        chart.getStyler().setYAxisMin(lo - 0.16 * span).setYAxisMax(hi + 0.05 * span);
        chart.getStyler().setAnnotationTextFont(new Font(SANS, Font.PLAIN, 11)).setAnnotationTextFontColor(new Color(0x555555));
        for (BenchResults.EntropyBin b : bins) {
            chart.addAnnotation(new AnnotationText("n = " + b.queries(), (b.low() + b.high()) / 2, lo - 0.1 * span, false));
        }
    }

    /** Every method except the β-sweep routers, in report order. */
    private static List<MethodResult> shownMethods(BenchResults r) {
        return r.methods().stream().filter(m -> !m.method().startsWith(SWEEP_PREFIX)).toList();
    }

    private static double groupAverage(MethodResult m, String group) {
        MethodResult.GroupResult g = m.groups().get(group);
        return g == null ? Double.NaN : g.average();
    }

    private static double extreme(List<MethodResult> methods, String group, DoubleBinaryOperator pick) {
        return methods.stream().mapToDouble(m -> groupAverage(m, group)).filter(Double::isFinite)
                .reduce(pick).orElse(0);
    }

    private static String legendName(MethodResult m) {
        return m.candidate() != null && !m.candidate().equals(m.method()) ? m.method() + " (= " + m.candidate() + ")"
                : m.method();
    }

    private static String referenceName(MethodResult m) {
        String name = switch (m.method()) {
            case "hard_label" -> "hard labels";
            case "bma" -> "BMA";
            case "rmr" -> "RMR";
            default -> m.method();
        };
        return name + " (" + Numbers.fixed(m.mtr(), 2) + ")";
    }

    /** A value range with a margin on both sides; a single value gets ±1. */
    private static double[] padded(double[] values, double margin) {
        double lo = Arrays.stream(values).min().orElse(0);
        double hi = Arrays.stream(values).max().orElse(1);
        double pad = hi - lo > 1e-12 ? (hi - lo) * margin : 1;
        return new double[]{lo - pad, hi + pad};
    }

    /** Light candidate colours are hard to see as small markers; darken them a little there. */
    private static Color darker(Color c, boolean light) {
        return light ? new Color((int) (c.getRed() * 0.8), (int) (c.getGreen() * 0.8), (int) (c.getBlue() * 0.8)) : c;
    }

    private static String title(String text, BenchResults r) {
        return r.simulated() ? text + " (simulated)" : text;
    }

    private static void style(AxesChartStyler s) {
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderColor(new Color(0xBBBBBB));
        s.setPlotGridLinesColor(new Color(0xE4E4E4));
        s.setChartTitleFont(new Font(SANS, Font.BOLD, 16));
        s.setChartTitleBoxVisible(false);
        s.setAxisTitleFont(new Font(SANS, Font.PLAIN, 13));
        s.setAxisTickLabelsFont(new Font(SANS, Font.PLAIN, 12));
        s.setLegendFont(new Font(SANS, Font.PLAIN, 12));
        s.setLegendBorderColor(new Color(0xCCCCCC));
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        s.setChartPadding(12);
        s.setLocale(Locale.ROOT);
    }
}
