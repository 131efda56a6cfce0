package dev.zooterj.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zooterj.core.progress.ProgressBar;
import dev.zooterj.core.routing.CostAwarePolicy;
import dev.zooterj.core.routing.Estimate;
import dev.zooterj.core.routing.Estimator;
import dev.zooterj.core.routing.Estimators;
import dev.zooterj.core.routing.RerankRule;
import dev.zooterj.core.routing.Router;
import dev.zooterj.core.routing.ThresholdCalibration;
import dev.zooterj.data.QueryReader;
import dev.zooterj.nn.router.Calibration;
import dev.zooterj.nn.router.KindContext;
import dev.zooterj.nn.router.RouterKinds;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = {"Set a router's threshold on your own traffic, so that it means the same thing there: with --share S",
                "--model M, the bias toward M at which a share S of the given queries goes to M; with --mean-cost C, the cost",
                "weight (argmax of the router's estimate - lambda * cost) at which the mean cost per query is at most C.",
                "Stored in ROUTER_DIR/calibration.json and recorded in router.json (both written atomically); 'route' applies it.",
                "With --generations B: the route-or-rerank rule (--rerank-rule, at most --max-k candidates) whose mean",
                "generations per query on the given queries is the most within B; stored in ROUTER_DIR/rerank.json and",
                "router.json; 'serve' applies it (rerank mode)."})
final class CalibrateCommand implements Callable<Integer> {
    @Option(names = "--router", required = true, paramLabel = "ROUTER_DIR", description = "A router directory (any kind).")
    Path router;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "JSONL of queries (id and query or messages): your traffic.")
    Path data;

    @Option(names = "--share", paramLabel = "S", description = "Share of the queries, in [0, 1], to send to --model.")
    Double share;

    @Option(names = "--model", paramLabel = "M", description = "The model that gets --share of the traffic.")
    String model;

    @Option(names = "--mean-cost", paramLabel = "C", description = "Target mean cost per query (needs --costs).")
    Double meanCost;

    @Option(names = "--costs", split = ",", paramLabel = "MODEL=COST", description = "Cost per query of every model, e.g. gpt=10,llama=1.")
    Map<String, Double> costs;

    @Option(names = "--generations", paramLabel = "B", description = "Route-or-rerank: target mean generations per query (>= 1).")
    Double generations;

    @Option(names = "--rerank-rule", defaultValue = "margin", paramLabel = "RULE",
            description = "With --generations: top1, margin, entropy, mass, ratio or fixed (default: ${DEFAULT-VALUE}).")
    String rerankRule;

    @Option(names = "--max-k", defaultValue = "3", paramLabel = "K",
            description = "With --generations: the largest set that generates (default: ${DEFAULT-VALUE}; at most the number of models).")
    int maxK;

    @Option(names = "--out", paramLabel = "DIR", description = "Router directory to write the calibration to (default: --router).")
    Path out;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        int modes = (share == null ? 0 : 1) + (meanCost == null ? 0 : 1) + (generations == null ? 0 : 1);
        if (modes != 1) {
            throw new IllegalArgumentException("give one of --share S --model M, --mean-cost C --costs MODEL=COST,..., "
                    + "or --generations B");
        }
        RerankRule.Rule family = RerankSettings.rule(rerankRule, "--rerank-rule");
        if (share != null && model == null) {
            throw new IllegalArgumentException("--share needs --model M");
        }
        if (meanCost != null && (costs == null || costs.isEmpty())) {
            throw new IllegalArgumentException("--mean-cost needs --costs MODEL=COST,... for every model");
        }
        Path dir = out == null ? router : out;
        if (!dir.equals(router)) {
            throw new IllegalArgumentException("--out must be the router directory itself (the calibration is stored there)");
        }
        PrintWriter o = spec.commandLine().getOut();
        Router r = RouterKinds.load(router, KindContext.miniLm(256, null));
        List<String> models = r.models();
        List<QueryReader.Query> queries = QueryReader.read(data);
        if (queries.isEmpty()) {
            throw new IllegalArgumentException(data + ": no queries");
        }
        Estimator est = Estimators.of(r);
        List<Estimate> estimates = new ArrayList<>(queries.size());
        try (ProgressBar bar = new ProgressBar(System.err, "estimating", queries.size(), "q")) {
            for (int from = 0; from < queries.size(); from += 256) {
                List<String> texts = queries.subList(from, Math.min(queries.size(), from + 256)).stream()
                        .map(QueryReader.Query::text).toList();
                estimates.addAll(est.estimate(texts));
                bar.step(texts.size());
            }
        }
        ObjectNode c = new ObjectMapper().createObjectNode();
        c.put("data", data.toString());
        c.put("data_sha256", sha256(data));
        c.put("queries", queries.size());
        if (generations != null) {
            RerankRule rule = ThresholdCalibration.rerankForGenerations(estimates, family, maxK, generations);
            double got = ThresholdCalibration.meanGenerations(estimates, rule);
            RerankSettings.put(c, rule);
            c.put("generations", generations);
            c.put("measured_generations", got);
            RerankSettings.save(router, c);
            o.println(String.format(Locale.ROOT, "route-or-rerank: %s; mean generations per query on these %d queries %.4f (budget %.4f)",
                    rule.describe(), queries.size(), got, generations));
            o.println("stored in " + router.resolve(RerankSettings.FILE) + " and router.json; 'zooter serve --router " + router
                    + "' applies it (rerank mode; --generations 1 turns it off)");
            return 0;
        }
        if (share != null) {
            int idx = models.indexOf(model);
            if (idx < 0) {
                throw new IllegalArgumentException("--model: '" + model + "' is not one of the router's models " + models);
            }
            double bias = ThresholdCalibration.biasForShare(estimates, idx, share);
            double got = ThresholdCalibration.share(estimates, idx, bias);
            c.put("policy", "share");
            c.put("model", model);
            c.put("share", share);
            c.put("bias", bias);
            c.put("measured_share", got);
            o.println(String.format(Locale.ROOT, "bias toward %s: %+.6g (added to its %s); share of these %d queries sent to it: %.4f (asked %.4f)",
                    model, bias, estimates.get(0).kind() == Estimate.Kind.DISTRIBUTION ? "probability" : "expected score",
                    queries.size(), got, share));
        } else {
            double[] cost = Calibration.costs(models, costs, "--costs");
            CostAwarePolicy p = Calibration.identity(cost, 0);
            double lambda = ThresholdCalibration.lambdaForMeanCost(estimates, p, meanCost);
            double got = ThresholdCalibration.meanCost(estimates, p.withLambda(lambda));
            c.put("policy", "cost");
            c.put("mean_cost", meanCost);
            c.put("lambda", lambda);
            c.put("measured_mean_cost", got);
            ObjectNode cs = c.putObject("costs");
            for (int i = 0; i < models.size(); i++) {
                cs.put(models.get(i), cost[i]);
            }
            o.println(String.format(Locale.ROOT, "cost weight lambda = %.6g: mean cost per query on these %d queries %.4f (target %.4f; without it %.4f)",
                    lambda, queries.size(), got, meanCost, ThresholdCalibration.meanCost(estimates, p)));
        }
        Calibration.save(router, c);
        o.println("stored in " + router.resolve(Calibration.FILE) + " and router.json; 'zooter route --router " + router + "' applies it");
        return 0;
    }

    private static String sha256(Path p) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (var in = java.nio.file.Files.newInputStream(p)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
