package dev.zooterj.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.zooterj.core.progress.ProgressBar;
import dev.zooterj.core.routing.RoutingDecision;
import dev.zooterj.data.AtomicFiles;
import dev.zooterj.data.DecisionRows;
import dev.zooterj.data.QueryReader;
import dev.zooterj.core.routing.Router;
import dev.zooterj.nn.router.Calibration;
import dev.zooterj.nn.router.KindContext;
import dev.zooterj.nn.router.RouterKinds;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "route", mixinStandardHelpOptions = true,
        description = {"Route queries with a trained router: one query on the command line (prints the chosen model,",
                "the distribution and its entropy), or a JSONL file of {id, query} to decisions JSONL:",
                "{\"id\": ..., \"model\": ..., \"distribution\": {model: p}, \"entropy\": ...}"})
final class RouteCommand implements Callable<Integer> {
    @Option(names = "--router", required = true, paramLabel = "ROUTER_DIR", description = "A directory written by 'zooter train' (any kind).")
    Path router;

    @Option(names = {"--in", "--data"}, paramLabel = "FILE", description = "JSONL of queries (id and query or messages).")
    Path in;

    @Option(names = "--out", paramLabel = "FILE", description = "Decisions JSONL to write (with --in).")
    Path out;

    @Parameters(arity = "0..1", paramLabel = "QUERY", description = "A single query to route.")
    String query;

    @Option(names = "--cost-weight", paramLabel = "LAMBDA",
            description = "Pick argmax of the router's estimate - LAMBDA * cost (costs from --costs or the router's calibration).")
    Double costWeight;

    @Option(names = "--costs", split = ",", paramLabel = "MODEL=COST", description = "Cost per query of every model, for --cost-weight.")
    Map<String, Double> costs;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if ((query == null) == (in == null)) {
            throw new IllegalArgumentException("give either a QUERY or --in FILE (with --out FILE)");
        }
        if (in != null && out == null) {
            throw new IllegalArgumentException("--in needs --out FILE for the decisions");
        }
        PrintWriter o = spec.commandLine().getOut();
        Router r = Calibration.apply(RouterKinds.load(router, KindContext.miniLm(256, null)), router, costWeight, costs);
        if (Calibration.read(router) != null && costWeight == null) {
            System.err.println("applying the calibration in " + router.resolve(Calibration.FILE));
        }
        if (query != null) {
            RoutingDecision d = r.route(query);
            o.println("model: " + d.model());
            o.println(String.format(Locale.ROOT, "entropy: %.4f nats (max %.4f)", d.entropy(), Math.log(d.models().size())));
            List<Map.Entry<String, Double>> dist = new ArrayList<>(d.distributionByModel().entrySet());
            dist.sort(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()));
            int w = dist.stream().mapToInt(e -> e.getKey().length()).max().orElse(10);
            for (Map.Entry<String, Double> e : dist) {
                o.println(String.format(Locale.ROOT, "  %-" + w + "s  %.4f  %s", e.getKey(), e.getValue(), Console.bar(e.getValue(), 30)));
            }
            return 0;
        }
        List<QueryReader.Query> queries = QueryReader.read(in);
        List<RoutingDecision> decisions = new ArrayList<>(queries.size());
        try (ProgressBar bar = new ProgressBar(System.err, "routing", queries.size(), "q")) {
            for (int from = 0; from < queries.size(); from += DecisionRows.CHUNK) {
                List<String> texts = queries.subList(from, Math.min(queries.size(), from + DecisionRows.CHUNK)).stream().map(QueryReader.Query::text).toList();
                decisions.addAll(r.route(texts));
                bar.step(texts.size());
            }
        }
        AtomicFiles.write(out, stream -> {
            try (JsonGenerator g = new JsonFactory().createGenerator(stream, JsonEncoding.UTF8)) {
                g.setRootValueSeparator(null);
                for (int i = 0; i < queries.size(); i++) {
                    DecisionRows.write(g, queries.get(i).id(), decisions.get(i));
                    g.writeRaw('\n');
                }
            }
        });
        Map<String, Long> share = new java.util.LinkedHashMap<>();
        r.models().forEach(m -> share.put(m, 0L));
        decisions.forEach(d -> share.merge(d.model(), 1L, Long::sum));
        o.println("routed " + queries.size() + " queries → " + out);
        share.forEach((m, n) -> o.println(String.format(Locale.ROOT, "  %-30s %6d  %s", m, n, Console.pct((double) n / queries.size()))));
        return 0;
    }
}
