package dev.zooterj.cli;

import dev.zooterj.bench.BenchResults;
import dev.zooterj.bench.BenchRunner;
import dev.zooterj.bench.MethodResult;
import dev.zooterj.bench.ResultTable;
import dev.zooterj.bench.report.ReportWriter;
import dev.zooterj.bench.suite.AlpacaEvalSuite;
import dev.zooterj.bench.suite.BenchmarkSuite;
import dev.zooterj.bench.suite.JsonlSuite;
import dev.zooterj.bench.suite.PaperSimSuite;
import dev.zooterj.bench.suite.RouterDcSuite;
import dev.zooterj.data.sim.SimulatedZoo;
import dev.zooterj.data.tags.TagScheme;
import dev.zooterj.nn.head.HeadConfig;
import dev.zooterj.nn.router.RouterSpec;
import dev.zooterj.nn.router.ZooterTrainer;
import dev.zooterj.nn.train.TrainingConfig;
import dev.zooterj.nn.train.TrainingMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmark Zooter against every baseline the way the paper does: each single model, BMA (best on",
                "average on the training rows), random (expected score), the learned router kinds of --methods (task_best,",
                "cluster_best, knn, zooter: MiniLM head mode, beta 0.3; each kind's settings chosen on a validation hold-out of",
                "the training rows unless --no-tune), the hard-label ablation, an optional beta sweep, and the reference lines",
                "that use test knowledge: the dataset oracle (best model per subset on the test rows), reward-model ranking",
                "(all N answer) and the oracle; group averages, MTR, %%Uplift, bootstrap intervals of Zooter - BMA and the",
                "reward-entropy analysis.",
                "Suites: paper-sim (simulated, always available), alpacaeval (two-judge protocol, k-fold),",
                "routerdc (train -> test and out-of-distribution), jsonl (--data train.jsonl --eval test.jsonl)."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--suite", defaultValue = "paper-sim", description = "paper-sim, alpacaeval, routerdc or jsonl (default: ${DEFAULT-VALUE}).")
    String suite;

    @Option(names = "--data", paramLabel = "DIR|FILE", description = "The suite's data: alpacaeval folder, RouterDC file or folder, or the jsonl training file (default: ../shared/data/<suite> for the real suites).")
    Path data;

    @Option(names = "--eval", paramLabel = "FILE", description = "jsonl suite: the test dataset.")
    Path eval;

    @Option(names = "--out", paramLabel = "DIR", description = "Write report.md, results.json, report.html and PNG charts here.")
    Path out;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of folds, router training, bootstrap and the simulated zoo (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--folds", defaultValue = "5", description = "alpacaeval: k of the stratified k-fold (default: ${DEFAULT-VALUE}).")
    int folds;

    @Option(names = "--pool", split = ",", paramLabel = "MODEL", description = "alpacaeval: candidate models (default: the six open models of METHOD.md).")
    List<String> pool;

    @Mixin
    LabelOptions labels;

    @Option(names = "--beta-sweep", split = ",", paramLabel = "B", description = "Also train routers with these betas, e.g. 0,0.1,0.3,0.5,0.7,0.9,1.")
    List<Double> betaSweep;

    @Option(names = "--no-hard-label", description = "Skip the hard-label ablation.")
    boolean noHardLabel;

    @Option(names = "--methods", split = ",", paramLabel = "KIND",
            description = "Learned router kinds to fit per fold (default: task_best,cluster_best,knn,zooter); kinds: ${COMPLETION-CANDIDATES}.",
            completionCandidates = KindNames.class)
    List<String> methods;

    @Option(names = "--no-tune", description = "Fit every kind with its default settings instead of choosing them on validation.")
    boolean noTune;

    @Option(names = "--set", paramLabel = "KIND.NAME=VALUE", description = "Fix one setting of a kind (not tuned), e.g. cluster_best.k=16 or knn.k=10; repeatable.")
    List<String> sets;

    @Option(names = "--knn", paramLabel = "K", description = "Shorthand for --set knn.k=K; 0 drops knn from --methods.")
    Integer knn;

    @Option(names = "--no-router", description = "Baselines only (no router training).")
    boolean noRouter;

    @Option(names = "--epochs", description = "Router training epochs (default: 30 in head mode, 5 with --mode finetune).")
    Integer epochs;

    @Option(names = "--mode", defaultValue = "head", paramLabel = "head|finetune",
            description = "Zooter's training mode: head (frozen encoder, cached embeddings; the default) or finetune (the encoder's "
                    + "weights are trained too, the paper's lr 1e-5, weight decay 5e-7, batch 32; slow on CPU: pair it with "
                    + "--no-tune and a small --max-tokens).")
    String mode;

    @Option(names = "--head-start", paramLabel = "random|probe", defaultValue = "random",
            description = "With --mode finetune: the head starts random (the paper's) or probe (first fitted on the frozen "
                    + "encoder's embeddings) (default: ${DEFAULT-VALUE}).")
    String headStart;

    @Option(names = "--head-hidden", defaultValue = "0", description = "0 = linear head, else the MLP head width (default: ${DEFAULT-VALUE}).")
    int headHidden;

    @Option(names = "--encoder", defaultValue = "minilm", paramLabel = "NAME",
            description = "Frozen encoder of every router kind that embeds (Zooter, knn, task_best, cluster_best) and of tags: minilm, bge-small-en, bge-small-zh, e5-small, or two "
                    + "joined by '+', e.g. minilm+bge-small-zh (default: ${DEFAULT-VALUE}).")
    String encoder;

    @Option(names = "--max-tokens", defaultValue = "128", description = "Tokens kept per query (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--bootstrap", defaultValue = "1000", description = "Bootstrap resamples (default: ${DEFAULT-VALUE}).")
    int bootstrap;

    @Option(names = "--tags", defaultValue = "data", converter = TagsCommand.SchemeConverter.class, paramLabel = "SCHEME",
            description = {"Tags for label enhancement, fitted per fold on its training rows only: data (the rows' own: the subset",
                    "for the real suites, simulated InsTag-like tags for paper-sim), subset, cluster:K[,K2...] (k-means of MiniLM",
                    "embeddings), keywords or none (default: ${DEFAULT-VALUE}). Applies to Zooter, the hard-label ablation and the beta sweep."})
    TagScheme tags;

    @Mixin
    CacheOptions cache;

    @Option(names = "--train-size", defaultValue = "3000", description = "paper-sim: simulated training queries (default: ${DEFAULT-VALUE}).")
    int trainSize;

    @Option(names = "--per-subset", defaultValue = "40", description = "paper-sim: simulated queries per subset (default: ${DEFAULT-VALUE}).")
    int perSubset;

    @Option(names = "--no-rerank", description = "Skip route-or-rerank and the fixed best-k sets (reported by default: the suite's rows carry rewards).")
    boolean noRerank;

    @Option(names = "--budgets", split = ",", paramLabel = "B",
            description = "Route-or-rerank: mean generations per query of each point (default: 1,1.25,1.5,2,3; N is always added).")
    List<Double> budgets;

    @Option(names = "--rerank-kind", paramLabel = "KIND",
            description = "The router kind whose estimates pick the sets and drive the cost knob (default: zooter when fitted, else the first of --methods).")
    String rerankKind;

    @Option(names = "--rerank-folds", defaultValue = "5",
            description = "k of the k-fold inside each fold's training rows that gives the validation estimates for the rerank rule and the cost calibration (default: ${DEFAULT-VALUE}).")
    int rerankFolds;

    @Option(names = "--cost-sweep", negatable = true, paramLabel = "",
            description = "Sweep the cost weight and report quality vs cost, AIQ, and RouteLLM's APGR/CPT for a strong/weak pair (default: on when the test rows carry cost).")
    Boolean costSweep;

    @Option(names = "--cost-weight", paramLabel = "LAMBDA",
            description = "Also report the router picking argmax of expected quality - LAMBDA * mean cost (method cost_weighted).")
    Double costWeight;

    @Option(names = "--subset-weight", paramLabel = "SUBSET=W",
            description = "Weight of a training subset in the validation metric that chooses settings and kinds (default: the suite's;"
                    + " routerdc gives arc_easy 0, its in-distribution mean leaving it apart; 1 elsewhere); repeatable.")
    List<String> subsetWeights;

    @Option(names = "--pair", split = ",", paramLabel = "MODEL",
            description = "STRONG,WEAK for RouteLLM's APGR and CPT (default: strong = best on the first fold's training rows, weak = the cheapest there).")
    List<String> pair;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        BenchmarkSuite s = suite();
        if (subsetWeights != null) {
            java.util.Set<String> trained = new java.util.TreeSet<>();
            s.folds().forEach(f -> trained.addAll(f.train().bySubset().keySet()));
            s = BenchmarkSuite.withObjective(s, KindNames.parseSubsetWeights(subsetWeights, trained));
        }
        TrainingMode trainingMode = TrainingMode.parse(mode.trim());
        if (trainingMode == TrainingMode.SCRATCH) {
            throw new IllegalArgumentException("--mode: expected head or finetune, got " + mode + " (scratch encoders are for train)");
        }
        boolean finetune = trainingMode == TrainingMode.FINETUNE;
        if (finetune && !noTune && !noRouter) {
            throw new IllegalArgumentException("--mode finetune trains the encoder once per validation fit (up to 17 for zooter); add --no-tune");
        }
        TrainingConfig training = (finetune ? TrainingConfig.paperFinetune() : TrainingConfig.headDefaults())
                .withEpochs(epochs != null ? epochs : finetune ? 5 : 30).withSeed(seed);
        RouterSpec.HeadStart start = RouterSpec.HeadStart.parse(headStart.trim());   // probe outside finetune: the spec says why not
        RouterSpec router = noRouter ? null : new RouterSpec(encoder, null, trainingMode, new HeadConfig(headHidden),
                labels.config(), training, maxTokens, false, finetune && start == RouterSpec.HeadStart.RANDOM ? null : cache.dir(),
                tags, start);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("labels", labels.config().toString());
        settings.put("router", router == null ? "none" : router.describe());
        settings.put("seed", String.valueOf(seed));
        settings.put("folds", s.name().equals("alpacaeval") ? String.valueOf(folds) : "1 (fixed train/test)");
        settings.put("tags", tags.equals(TagScheme.DATA) ? TagScheme.DATA.describe() + " (subset names for the real suites)" : tags.describe());
        settings.put("bootstrap", bootstrap + " resamples, 95% percentile interval of the mean per-query difference");
        settings.put("validation objective", s.objective().isEmpty() ? "macro mean over the training subsets"
                : "macro mean over the training subsets, weighted " + s.objective() + " (others 1)");
        o.println(s.source());
        if (router == null && !tags.equals(TagScheme.DATA)) {
            o.println("note: --tags " + tags + " has no effect with --no-router (only the routers learn from tag-enhanced labels)");
        } else {
            o.println("tags: " + settings.get("tags"));
        }
        o.flush();
        List<String> kinds = new ArrayList<>(methods == null ? BenchRunner.DEFAULT_METHODS : methods);
        Map<String, Map<String, String>> fixed = KindNames.parseSets(sets);
        if (knn != null) {
            if (knn == 0) {
                kinds.remove(dev.zooterj.nn.router.KnnKind.NAME);
            } else {
                fixed.computeIfAbsent(dev.zooterj.nn.router.KnnKind.NAME, k -> new LinkedHashMap<>()).put("k", String.valueOf(knn));
            }
        }
        settings.put("methods", String.join(",", kinds) + (noTune ? " (default settings)" : " (settings chosen on validation)"));
        BenchRunner.Spectrum spectrum = new BenchRunner.Spectrum(!noRerank, budgets == null ? BenchRunner.DEFAULT_BUDGETS : budgets,
                rerankKind, rerankFolds, costSweep, costWeight, pair);
        BenchResults results = BenchRunner.run(s, new BenchRunner.Options(router, betaSweep == null ? List.of() : betaSweep,
                        !noHardLabel && router != null, kinds, !noTune, fixed, null, seed, bootstrap, 5), spectrum,
                settings, rerun(), line -> {
                    o.println(line);
                    o.flush();
                });
        o.println();
        o.println((results.simulated() ? "SIMULATED data — " : "") + "suite " + results.suite() + ": group average of the subset metric; "
                + "MTR = mean task rank among the candidates plus the method (lower is better); %Upl = share of subsets ranked first");
        o.println(ResultTable.format(results.groups(), results.methods()));
        o.println("dataset_oracle (each subset's best model on its test rows), rmr and oracle use test knowledge: reference lines, not routers.");
        printExtras(o, results);
        if (out != null) {
            List<Path> files = ReportWriter.write(results, out);
            o.println("wrote " + files.size() + " files to " + out + ": " + files.stream().map(p -> p.getFileName().toString()).toList());
        }
        o.println("Re-run: " + results.rerun());
        return 0;
    }

    static void printExtras(PrintWriter o, BenchResults r) {
        r.settings().forEach((k, v) -> {
            if (k.endsWith(" chosen on validation")) {
                o.println(k + ": " + v);
            }
        });
        MethodResult zooter = r.method("zooter");
        MethodResult bma = r.method("bma");
        MethodResult oracle = r.method("oracle");
        if (zooter != null && bma != null && oracle != null) {
            for (String g : r.groups()) {
                double closed = r.gapClosed("zooter", g);
                BenchResults.Interval ci = r.differences().get(g);
                o.println(String.format(Locale.ROOT, "%s: zooter − bma = %+.4f (95%% CI %+.4f … %+.4f); share of the BMA→oracle gap closed %.1f%%",
                        g, ci.estimate(), ci.low(), ci.high(), 100 * closed));
            }
            o.println("zooter routing share: " + zooter.routingShare().entrySet().stream()
                    .map(e -> e.getKey() + " " + Console.pct(e.getValue()).trim()).reduce((a, b) -> a + ", " + b).orElse(""));
        }
        if (!r.betaSweep().isEmpty()) {
            o.println("beta sweep (All MTR, lower is better): " + r.betaSweep().entrySet().stream()
                    .map(e -> String.format(Locale.ROOT, "β=%s %.2f", BenchRunner.formatBeta(e.getKey()), e.getValue()))
                    .reduce((a, b) -> a + ", " + b).orElse(""));
        }
        List<MethodResult> spectrum = r.methods().stream().filter(m -> m.method().startsWith("rerank_")
                || m.method().matches("best\\d+_fixed") || m.method().equals("rmr")).toList();
        if (spectrum.stream().anyMatch(m -> m.method().startsWith("rerank_"))) {
            o.println("quality vs generations per query (route-or-rerank; the set's answers compared by the rewards, graded by the scores):");
            for (MethodResult m : spectrum) {
                o.println(String.format(Locale.ROOT, "  %-14s %.4f at %.2f generations/query", m.method(), m.average(),
                        m.generationsPerQuery()));
            }
        }
        if (r.costSweep() != null) {
            BenchResults.CostSweep c = r.costSweep();
            o.println("quality vs mean cost per query (" + c.router() + ", cost weight swept):");
            for (BenchResults.CostPoint p : c.points().get(c.router())) {
                o.println(String.format(Locale.ROOT, "  lambda %-10.4g cost %10.2f quality %.4f", p.lambda(), p.cost(), p.quality()));
            }
            c.aiq().forEach((k, v) -> o.println(String.format(Locale.ROOT, "AIQ %s: %.4f (largest cost %.2f)", k, v, c.maxCost())));
            if (c.pair() != null) {
                BenchResults.PairCurve p = c.pair();
                o.println(String.format(Locale.ROOT, "strong %s (%.4f) / weak %s (%.4f): APGR %.3f, CPT(50%%) %.1f%%, CPT(80%%) %.1f%%",
                        p.strong(), p.strongQuality(), p.weak(), p.weakQuality(), p.apgr(), 100 * p.cpt50(), 100 * p.cpt80()));
            }
        }
        if (!r.entropyBins().isEmpty()) {
            o.println("reward entropy H(s) bins → queries, RMR / oracle / zooter score (normalised 0–1):");
            for (BenchResults.EntropyBin b : r.entropyBins()) {
                o.println(String.format(Locale.ROOT, "  [%.2f, %.2f) %6d  %.3f / %.3f / %.3f", b.low(), b.high(), b.queries(),
                        b.rmrScore(), b.oracle(), b.zooter()));
            }
        }
    }

    private BenchmarkSuite suite() {
        return switch (suite) {
            case "paper-sim" -> new PaperSimSuite(SimulatedZoo.Config.defaults().withSeed(seed).withTrainingQueries(trainSize)
                    .withQueriesPerSubset(perSubset));
            case "alpacaeval" -> new AlpacaEvalSuite(dataOr("alpaca_eval"), pool, folds, seed);
            case "routerdc" -> new RouterDcSuite(dataOr("routerdc"));
            case "jsonl" -> {
                if (data == null || eval == null) {
                    throw new IllegalArgumentException("--suite jsonl needs --data train.jsonl and --eval test.jsonl");
                }
                yield new JsonlSuite(data, eval, false);
            }
            default -> throw new IllegalArgumentException("unknown suite '" + suite + "'; expected paper-sim, alpacaeval, routerdc or jsonl");
        };
    }

    private Path dataOr(String sharedFolder) {
        if (data != null) {
            return data;
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("../shared/data/" + sharedFolder).normalize();
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("no data for --suite " + suite + ": pass --data (../shared/data/" + sharedFolder
                + " was not found; see the README's 'Real data' section for where to get it)");
    }

    private String rerun() {
        List<String> args = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
        return "./zooter " + String.join(" ", args);
    }
}
