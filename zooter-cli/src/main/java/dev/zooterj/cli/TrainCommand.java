package dev.zooterj.cli;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.progress.ProgressBar;
import dev.zooterj.data.tags.DatasetTagger;
import dev.zooterj.data.tags.TagScheme;
import dev.zooterj.nn.encoder.BertConfig;
import dev.zooterj.nn.head.HeadConfig;
import dev.zooterj.nn.io.Hashing;
import dev.zooterj.nn.router.FittedRouter;
import dev.zooterj.nn.router.FrozenEncoder;
import dev.zooterj.nn.router.KindContext;
import dev.zooterj.nn.router.KindSettings;
import dev.zooterj.nn.router.RouterKind;
import dev.zooterj.nn.router.RouterKinds;
import dev.zooterj.nn.router.RouterSpec;
import dev.zooterj.nn.router.RouterStore;
import dev.zooterj.nn.router.Tuner;
import dev.zooterj.nn.router.ZooterKind;
import dev.zooterj.nn.router.ZooterTrainer;
import dev.zooterj.nn.train.EpochStats;
import dev.zooterj.nn.train.TrainingConfig;
import dev.zooterj.nn.train.TrainingMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a router of any kind (--kind; default auto: the best kind on validation). Zooter: KL(s* ‖ softmax(head(encoder(q)))) on the dataset's labels, and save it",
                "as a router directory (weights, settings, provenance, training curve), written atomically.",
                "Modes: head (MiniLM frozen, embeddings cached on disk; fast), finetune (MiniLM layers train;",
                "slow on a CPU), scratch (a small encoder from random init). A stratified --validation share is",
                "held out; tag means use the remaining training rows only. An interrupted run resumes from",
                "its last finished epoch when the same command is run again.",
                "--tags re-tags the rows first (cluster and keywords are fitted on the rows trained on, clusters",
                "on the pretrained MiniLM embeddings); the fitted tagger is saved in the router directory."})
final class TrainCommand implements Callable<Integer> {
    @Mixin
    DataInput input;

    @Mixin
    LabelOptions labels;

    @Option(names = "--out", required = true, paramLabel = "ROUTER_DIR", description = "Router directory to write.")
    Path out;

    @Option(names = "--kind", completionCandidates = KindNames.class,
            description = "Router kind: ${COMPLETION-CANDIDATES} (default: auto, the best kind on the --validation hold-out; "
                    + "zooter when a Zooter option below is given). The options below set zooter; --set sets any kind.")
    String kind;

    /** Options that only set Zooter: giving one without --kind trains a zooter router. */
    static final java.util.Set<String> ZOOTER_OPTIONS = java.util.Set.of("--encoder", "--mode", "--epochs", "--batch", "--lr",
            "--weight-decay", "--warmup", "--clip", "--patience", "--max-tokens", "--head-hidden", "--train-word-embeddings",
            "--head-start", "--scratch-layers", "--scratch-hidden", "--tags", "--tau", "--beta", "--normalize", "--hard-labels");

    @Option(names = "--set", paramLabel = "NAME=VALUE", description = "One setting of the kind, e.g. k=16 (cluster_best, knn) or beta=0.1; repeatable.")
    List<String> sets;

    @Option(names = "--tune", description = "Choose the kind's validation grid (knn: k; cluster_best: k, alpha) on the --validation hold-out.")
    boolean tune;

    @Option(names = "--subset-weight", paramLabel = "SUBSET=W",
            description = "Weight of a subset in the validation metric that chooses settings and kinds (default 1 each: the plain macro"
                    + " mean over subsets; 0 leaves a subset out of the objective, its rows still train); repeatable.")
    List<String> subsetWeights;

    @Option(names = "--split", paramLabel = "NAME", description = "Train only on rows whose split is NAME (e.g. train).")
    String split;

    @Option(names = "--encoder", defaultValue = "minilm", paramLabel = "NAME",
            description = "Pretrained encoder: minilm (all-MiniLM-L6-v2), bge-small-en, bge-small-zh (Chinese), e5-small, "
                    + "or two joined by '+' (e.g. minilm+bge-small-zh: vectors concatenated, head mode only); or scratch "
                    + "(default: ${DEFAULT-VALUE}).")
    String encoder;

    @Option(names = "--mode", description = "head, finetune or scratch (default: head for minilm, scratch for scratch).")
    String mode;

    @Option(names = "--epochs", description = "Epochs (default: head 30, finetune 5, scratch 10).")
    Integer epochs;

    @Option(names = "--batch", description = "Batch size (default: head 64, finetune/scratch 32).")
    Integer batch;

    @Option(names = "--lr", description = "Peak learning rate (default: head 3e-3, finetune 1e-5 as in the paper, scratch 5e-4).")
    Double lr;

    @Option(names = "--weight-decay", description = "AdamW weight decay (default: head 1e-4, finetune 5e-7 as in the paper, scratch 1e-4).")
    Double weightDecay;

    @Option(names = "--warmup", defaultValue = "0.05", description = "Warm-up share of all steps (default: ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--clip", defaultValue = "1.0", description = "Global gradient-norm clip, 0 = none (default: ${DEFAULT-VALUE}).")
    double clip;

    @Option(names = "--validation", defaultValue = "0.1", description = "Held-out validation share (default: ${DEFAULT-VALUE}).")
    double validation;

    @Option(names = "--patience", defaultValue = "5", description = "Early stopping after this many epochs without better validation KL; 0 = off (default: ${DEFAULT-VALUE}).")
    int patience;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of initialisation, shuffling and the validation split (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--max-tokens", description = "Tokens kept per query (default: 256 for minilm, the encoder's positions for scratch).")
    Integer maxTokens;

    @Option(names = "--head-hidden", defaultValue = "0", description = "0 for a linear head, else the MLP head's hidden width (default: ${DEFAULT-VALUE}).")
    int headHidden;

    @Option(names = "--train-word-embeddings", description = "finetune: also train the word-embedding table.")
    boolean trainWordEmbeddings;

    @Option(names = "--head-start", paramLabel = "random|probe", description = "finetune: the head starts random (the paper's) "
            + "or probe (first fitted on the frozen encoder's embeddings, then encoder and head train together) "
            + "(default: ${DEFAULT-VALUE}).", defaultValue = "random")
    String headStart;

    @Option(names = "--scratch-layers", defaultValue = "2", description = "scratch encoder layers (default: ${DEFAULT-VALUE}).")
    int scratchLayers;

    @Option(names = "--scratch-hidden", defaultValue = "128", description = "scratch encoder width (default: ${DEFAULT-VALUE}).")
    int scratchHidden;

    @Option(names = "--tags", defaultValue = "data", converter = TagsCommand.SchemeConverter.class, paramLabel = "SCHEME",
            description = "Tags for label enhancement: data (the rows' own), subset, cluster:K[,K2...], keywords or none (default: ${DEFAULT-VALUE}).")
    TagScheme tags;

    @Mixin
    CacheOptions cache;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        RewardDataset data = input.read(o);
        if (split != null) {
            data = data.split(split);
            if (data.size() == 0) {
                throw new IllegalArgumentException(input.data + " has no rows with split '" + split + "'");
            }
        } else if (data.records().stream().anyMatch(r -> r.split() != null && !r.split().isEmpty())) {
            java.util.Set<String> splits = new java.util.TreeSet<>();
            data.records().forEach(r -> splits.add(r.split() == null ? "" : r.split()));
            o.println("warning: rows carry splits (" + String.join(", ", splits) + ") but --split is not given: training on"
                    + " all of them" + (tags.equals(TagScheme.DATA) ? "" : ", and fitting " + tags + " tags on them")
                    + "; pass --split train to keep evaluation rows out");
        }
        if (kind == null) {
            boolean zooterOption = spec.commandLine().getParseResult().matchedOptions().stream()
                    .anyMatch(opt -> ZOOTER_OPTIONS.contains(opt.longestName()));
            kind = zooterOption ? dev.zooterj.nn.router.ZooterKind.NAME : dev.zooterj.nn.router.AutoKind.NAME;
            o.println("kind: " + kind + (zooterOption ? " (a Zooter option was given)"
                    : " (the default: each candidate kind tuned; the best on validation kept, task_best unless beaten by more than one standard error)"));
        }
        RouterSpec routerSpec = routerSpec();
        String sha = Hashing.sha256(input.data);
        RouterKind<?> k = RouterKinds.get(kind);
        boolean zooter = k instanceof ZooterKind;
        if (!zooter && RouterSpec.SCRATCH.equals(routerSpec.encoder())) {
            throw new IllegalArgumentException("--encoder scratch is for --kind zooter only: " + kind
                    + " embeds with a pretrained encoder, one of " + dev.zooterj.nn.encoder.PretrainedModel.names());
        }
        // every kind that embeds uses the --encoder choice (a scratch Zooter's tags use the default MiniLM)
        FrozenEncoder frozen = RouterSpec.SCRATCH.equals(routerSpec.encoder()) ? null : FrozenEncoder.of(routerSpec.encoder());
        Path checkpoints = out.toAbsolutePath().getParent().resolve("." + out.getFileName() + ".checkpoint");
        KindContext context = new KindContext(null, routerSpec.maxTokens(), cache.dir(), new BarListener(System.err, o), checkpoints,
                input.data.toString(), sha, frozen,
                KindNames.parseSubsetWeights(subsetWeights, data.bySubset().keySet()));
        if (zooter) {
            LabelWarnings.warnIfFlat(o, data, routerSpec.labels());
        }
        o.println("training a " + kind + " router on " + data.size() + " rows × " + data.models().size() + " models from " + input.data);
        o.println("  " + (zooter ? routerSpec.describe() : "encoder=" + context.encoder().name() + ", max tokens "
                + context.embedder().maxTokens()));
        o.flush();
        FittedRouter trained = fit(k, data, routerSpec, context, o);
        trained.save(out);
        deleteCheckpoints(checkpoints);
        o.println();
        if (trained instanceof ZooterKind.Fitted z) {
            if (z.tagger() != null) {
                String summary = z.tagger().summary();
                o.println("tags " + tags + " fitted on the training share of the " + data.size() + " rows (not the validation"
                        + " hold-out)" + (summary.isEmpty() ? "" : ": " + summary));
            }
            o.println("epoch  train KL   val KL  val top-1   seconds");
            for (EpochStats s : z.trained().result().curve()) {
                o.println(String.format(Locale.ROOT, "%5d  %8.4f  %7.4f  %8.3f  %8.1f%s", s.epoch(), s.trainLoss(), s.validationKl(),
                        s.validationTop1(), s.seconds(), s.epoch() == z.trained().result().bestEpoch() ? "  ← kept" : ""));
            }
            if (z.trained().result().stoppedEarly()) {
                o.println("stopped early: no better validation KL for " + patience + " epochs");
            }
        }
        o.println(trained.summary());
        trained.tuning().ifPresent(t -> o.println("chosen on validation: " + t.describe()));
        o.println("saved router to " + out + " (" + RouterStore.MANIFEST + " names the kind and holds settings and provenance)");
        return 0;
    }

    /** The kind's settings: Zooter's from the options above, any kind's defaults with --seed; then --set; tuned with --tune. */
    private <S extends KindSettings<S>> FittedRouter fit(RouterKind<S> k, RewardDataset data, RouterSpec routerSpec, KindContext context,
                                                         PrintWriter o) {
        S s = k.defaults();
        if (s instanceof ZooterKind.Settings) {
            @SuppressWarnings("unchecked")
            S fromOptions = (S) new ZooterKind.Settings(routerSpec);
            s = fromOptions;
        }
        s = s.with("seed", String.valueOf(seed));
        Map<String, String> fixed = KindNames.parseKindSets(kind, sets);
        s = s.with(fixed);
        o.println("  " + (s instanceof ZooterKind.Settings z ? z.spec().describe() : s.values()));
        o.flush();
        List<Map<String, List<String>>> stages = tune ? Tuner.stagesWithout(k, fixed.keySet()) : List.of();
        if (tune) {
            if (stages.isEmpty() && !List.of("auto", "hierarchical").contains(kind)) {
                o.println("note: --tune: " + kind + " has no settings to choose on validation" + (fixed.isEmpty() ? "" : " besides those --set fixes"));
            }
        }
        return Tuner.tuneStages(k, s, stages, validation > 0 ? validation : Tuner.DEFAULT_VALIDATION, data, context,
                (settings, score, done, total) -> {
                    o.println(String.format(Locale.ROOT, "  validation %d/%d: %s → %.4f", done, total, settings, score));
                    o.flush();
                });
    }

    RouterSpec routerSpec() {
        TrainingMode m = mode != null ? TrainingMode.parse(mode)
                : RouterSpec.SCRATCH.equals(encoder) ? TrainingMode.SCRATCH : TrainingMode.HEAD;
        TrainingConfig t = new TrainingConfig(
                epochs != null ? epochs : switch (m) { case HEAD -> 30; case FINETUNE -> 5; case SCRATCH -> 10; },
                batch != null ? batch : m == TrainingMode.HEAD ? 64 : 32,
                lr != null ? lr : switch (m) { case HEAD -> 3e-3; case FINETUNE -> 1e-5; case SCRATCH -> 5e-4; },
                weightDecay != null ? weightDecay : m == TrainingMode.FINETUNE ? 5e-7 : 1e-4,
                warmup, clip, seed, validation, patience);
        BertConfig scratch = BertConfig.small(30522, scratchHidden, scratchLayers);
        RouterSpec.HeadStart start = RouterSpec.HeadStart.parse(headStart.trim());   // probe outside finetune: the spec says why not
        Path cacheDir = m == TrainingMode.HEAD || start == RouterSpec.HeadStart.PROBE ? cache.dir() : null;
        int tokens = maxTokens != null ? maxTokens : RouterSpec.SCRATCH.equals(encoder) ? scratch.maxPositions() : 256;
        return new RouterSpec(encoder, scratch, m, new HeadConfig(headHidden), labels.config(), t, tokens,
                trainWordEmbeddings, cacheDir, tags, start);
    }

    private static void deleteCheckpoints(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (java.io.IOException ignored) {
            // a leftover checkpoint only costs disk space; the router itself is saved
        }
    }

    /** Progress bars on stderr for embedding and for each epoch; epoch summaries on stdout. */
    static final class BarListener implements ZooterTrainer.Listener {
        private final PrintStream bars;
        private final PrintWriter out;
        private ProgressBar bar;

        BarListener(PrintStream bars, PrintWriter out) {
            this.bars = bars;
            this.out = out;
        }

        @Override
        public void embeddingStarted(int texts) {
            if (texts > 0) {
                bar = new ProgressBar(bars, "embedding", texts, "q");
            } else {
                out.println("all embeddings found in the cache");
                out.flush();
            }
        }

        @Override
        public void embeddingBatch(int texts) {
            if (bar != null) {
                bar.step(texts);
            }
        }

        @Override
        public void stage(String line) {
            out.println(line);
            out.flush();
        }

        @Override
        public void resumed(int fromEpoch) {
            out.println("resuming from the checkpoint: epoch " + fromEpoch);
            out.flush();
        }

        @Override
        public void checkpointIgnored(String why) {
            out.println("note: found a checkpoint but did not use it: " + why);
            out.flush();
        }

        @Override
        public void epochStarted(int epoch, int steps) {
            if (bar != null) {
                bar.close();
            }
            bar = new ProgressBar(bars, String.format(Locale.ROOT, "epoch %2d", epoch), steps, "steps");
        }

        @Override
        public void stepDone(int epoch, double loss) {
            bar.setSuffix(String.format(Locale.ROOT, "KL %.4f", loss));
            bar.step(1);
        }

        @Override
        public void epochEnded(EpochStats s) {
            bar.close();
            bar = null;
            out.println(s.summary());
            out.flush();
        }
    }
}
