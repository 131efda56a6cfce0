package dev.zooterj.nn.router;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.label.LabelConfig;
import dev.zooterj.core.label.RewardNormalization;
import dev.zooterj.core.routing.Router;
import dev.zooterj.data.tags.DatasetTagger;
import dev.zooterj.data.tags.TagScheme;
import dev.zooterj.nn.head.HeadConfig;
import dev.zooterj.nn.train.EpochStats;
import dev.zooterj.nn.train.TrainingConfig;
import dev.zooterj.nn.train.TrainingMode;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Zooter (Lu et al. 2024): a head over a pretrained encoder choice (frozen or fine-tuned) or a small one from scratch, trained with
 * KL(s* ‖ softmax(head(encoder(q)))) on tag-enhanced reward distributions. Its settings are a {@link RouterSpec}; rows
 * are re-tagged first when the spec's tag scheme asks (fitted on the rows trained on, not the validation hold-out),
 * and the tagger is saved with the router. Directories are {@link RouterStore}'s.
 */
public final class ZooterKind implements RouterKind<ZooterKind.Settings> {
    public static final String NAME = "zooter";

    /** Zooter's settings: the router spec, settable by the names of {@code train}'s options. */
    public record Settings(RouterSpec spec) implements KindSettings<Settings> {
        public Settings {
            java.util.Objects.requireNonNull(spec, "spec");
        }

        @Override
        public long seed() {
            return spec.training().seed();
        }

        @Override
        public Map<String, String> values() {
            Map<String, String> v = new LinkedHashMap<>();
            LabelConfig l = spec.labels();
            TrainingConfig t = spec.training();
            v.put("encoder", spec.encoder());
            v.put("mode", spec.mode().label());
            v.put("head-hidden", String.valueOf(spec.head().hidden()));
            v.put("tau", String.valueOf(l.tau()));
            v.put("normalize", l.normalization().name().toLowerCase(Locale.ROOT));
            v.put("beta", String.valueOf(l.beta()));
            v.put("hard", String.valueOf(l.hard()));
            v.put("tags", spec.tags().toString());
            v.put("epochs", String.valueOf(t.epochs()));
            v.put("batch", String.valueOf(t.batchSize()));
            v.put("lr", String.valueOf(t.learningRate()));
            v.put("weight-decay", String.valueOf(t.weightDecay()));
            v.put("warmup", String.valueOf(t.warmupFraction()));
            v.put("clip", String.valueOf(t.clipNorm()));
            v.put("validation", String.valueOf(t.validationFraction()));
            v.put("patience", String.valueOf(t.patience()));
            v.put("seed", String.valueOf(t.seed()));
            v.put("max-tokens", String.valueOf(spec.maxTokens()));
            v.put("train-word-embeddings", String.valueOf(spec.trainWordEmbeddings()));
            v.put("head-start", spec.headStart().label());
            return v;
        }

        @Override
        public Settings with(String name, String value) {
            RouterSpec s = spec;
            LabelConfig l = s.labels();
            TrainingConfig t = s.training();
            return new Settings(switch (name) {
                case "encoder" -> new RouterSpec(encoderChoice(value), s.scratchConfig(), s.mode(), s.head(), l, t, s.maxTokens(),
                        s.trainWordEmbeddings(), s.embeddingCache(), s.tags(), s.headStart());
                case "mode" -> new RouterSpec(s.encoder(), s.scratchConfig(), TrainingMode.parse(value.trim()), s.head(), l, t,
                        s.maxTokens(), s.trainWordEmbeddings(), s.embeddingCache(), s.tags(), s.headStart());
                case "head-hidden" -> new RouterSpec(s.encoder(), s.scratchConfig(), s.mode(),
                        new HeadConfig(KindSettings.parseInt(name, value, 0)), l, t, s.maxTokens(), s.trainWordEmbeddings(),
                        s.embeddingCache(), s.tags(), s.headStart());
                case "tau" -> s.withLabels(l.withTau(KindSettings.parseDouble(name, value, 0, Double.MAX_VALUE)));
                case "normalize" -> s.withLabels(l.withNormalization(RewardNormalization.parse(value.trim())));
                case "beta" -> s.withLabels(l.withBeta(KindSettings.parseDouble(name, value, 0, 1)));
                case "hard" -> s.withLabels(l.withHard(KindSettings.parseBoolean(name, value)));
                case "tags" -> s.withTags(TagScheme.parse(value.trim()));
                case "epochs" -> s.withTraining(t.withEpochs(KindSettings.parseInt(name, value, 1)));
                case "batch" -> s.withTraining(new TrainingConfig(t.epochs(), KindSettings.parseInt(name, value, 1), t.learningRate(),
                        t.weightDecay(), t.warmupFraction(), t.clipNorm(), t.seed(), t.validationFraction(), t.patience()));
                case "lr" -> s.withTraining(new TrainingConfig(t.epochs(), t.batchSize(), KindSettings.parseDouble(name, value, 1e-12, 10),
                        t.weightDecay(), t.warmupFraction(), t.clipNorm(), t.seed(), t.validationFraction(), t.patience()));
                case "weight-decay" -> s.withTraining(new TrainingConfig(t.epochs(), t.batchSize(), t.learningRate(),
                        KindSettings.parseDouble(name, value, 0, 10), t.warmupFraction(), t.clipNorm(), t.seed(), t.validationFraction(),
                        t.patience()));
                case "warmup" -> s.withTraining(new TrainingConfig(t.epochs(), t.batchSize(), t.learningRate(), t.weightDecay(),
                        KindSettings.parseDouble(name, value, 0, 0.999), t.clipNorm(), t.seed(), t.validationFraction(), t.patience()));
                case "clip" -> s.withTraining(new TrainingConfig(t.epochs(), t.batchSize(), t.learningRate(), t.weightDecay(),
                        t.warmupFraction(), KindSettings.parseDouble(name, value, 0, Double.MAX_VALUE), t.seed(), t.validationFraction(),
                        t.patience()));
                case "validation" -> s.withTraining(new TrainingConfig(t.epochs(), t.batchSize(), t.learningRate(), t.weightDecay(),
                        t.warmupFraction(), t.clipNorm(), t.seed(), KindSettings.parseDouble(name, value, 0, 0.999), t.patience()));
                case "patience" -> s.withTraining(new TrainingConfig(t.epochs(), t.batchSize(), t.learningRate(), t.weightDecay(),
                        t.warmupFraction(), t.clipNorm(), t.seed(), t.validationFraction(), KindSettings.parseInt(name, value, 0)));
                case "seed" -> s.withTraining(t.withSeed(KindSettings.parseLong(name, value)));
                case "max-tokens" -> new RouterSpec(s.encoder(), s.scratchConfig(), s.mode(), s.head(), l, t,
                        KindSettings.parseInt(name, value, 2), s.trainWordEmbeddings(), s.embeddingCache(), s.tags(), s.headStart());
                case "train-word-embeddings" -> new RouterSpec(s.encoder(), s.scratchConfig(), s.mode(), s.head(), l, t, s.maxTokens(),
                        KindSettings.parseBoolean(name, value), s.embeddingCache(), s.tags(), s.headStart());
                case "head-start" -> s.withHeadStart(RouterSpec.HeadStart.parse(value.trim()));
                default -> throw KindSettings.unknown(NAME, name, values());
            });
        }
    }

    /** {@code scratch} or a pretrained encoder choice ({@link FrozenEncoder#of}), in its canonical spelling. */
    private static String encoderChoice(String value) {
        String v = value.trim();
        if (RouterSpec.SCRATCH.equals(v)) {
            return v;
        }
        try {
            return FrozenEncoder.of(v).name();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("setting 'encoder': scratch, or " + e.getMessage());
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Zooter: a pretrained encoder (frozen head, fine-tuned) or a scratch one trained on tag-enhanced reward distributions (KL)";
    }

    @Override
    public Settings defaults() {
        return new Settings(new RouterSpec(RouterSpec.MINILM, null, TrainingMode.HEAD, HeadConfig.linear(), LabelConfig.paper(),
                TrainingConfig.headDefaults(), 256, false, null, TagScheme.DATA));
    }

    /**
     * τ (small values included: τ = 1 on rewards in [0, 1] gives nearly uniform labels) × normalisation, then β, then
     * the head (linear or a 256-wide MLP), then epochs; searched in that order by {@link Tuner#tuneStages}, at most 17
     * head-mode fits on cached embeddings.
     */
    @Override
    public List<Map<String, List<String>>> validationStages() {
        Map<String, List<String>> labels = new LinkedHashMap<>();
        labels.put("tau", List.of("0.01", "0.03", "0.1", "0.3", "1.0"));
        labels.put("normalize", List.of("none", "standardize"));
        return List.of(labels, Map.of("beta", List.of("0.0", "0.3", "1.0")), Map.of("head-hidden", List.of("0", "256")),
                Map.of("epochs", List.of("10", "30")));
    }

    @Override
    public Map<String, List<String>> validationGrid() {
        Map<String, List<String>> g = new LinkedHashMap<>();
        validationStages().forEach(g::putAll);
        return g;
    }

    @Override
    public FittedRouter fit(RewardDataset train, Settings settings, KindContext context) {
        RouterSpec spec = settings.spec();
        if (spec.embeddingCache() == null && context.embeddingCache() != null
                && (spec.mode() == TrainingMode.HEAD || spec.headStart() == RouterSpec.HeadStart.PROBE)) {
            spec = new RouterSpec(spec.encoder(), spec.scratchConfig(), spec.mode(), spec.head(), spec.labels(), spec.training(),
                    spec.maxTokens(), spec.trainWordEmbeddings(), context.embeddingCache(), spec.tags(), spec.headStart());
        }
        RewardDataset rows = train;
        DatasetTagger tagger = null;
        // the spec's frozen encoder; the context's when it is the same choice, so its weights are read once
        FrozenEncoder frozen = RouterSpec.SCRATCH.equals(spec.encoder()) ? null
                : context.encoder().name().equals(spec.encoder()) ? context.encoder() : FrozenEncoder.of(spec.encoder());
        if (!spec.tags().equals(TagScheme.DATA)) {
            EncoderEmbedder embedder = spec.tags().needsEmbeddings()
                    ? new EncoderEmbedder(frozen != null ? frozen : context.encoder(),
                            Math.min(spec.maxTokens(), FrozenEncoder.MAX_POSITIONS), spec.embeddingCache(), context.listener()) : null;
            // Fitted on the rows the router trains on, not on its validation hold-out.
            DatasetTagger.Fitted f = DatasetTagger.fitAndApply(train, ZooterTrainer.fittingRows(train, spec), spec.tags(), embedder,
                    spec.training().seed(), false);
            rows = f.data();
            tagger = f.tagger();
        }
        TrainedRouter trained = ZooterTrainer.train(rows, spec, context.datasetName(), context.datasetSha256(),
                context.checkpoints(), context.listener(), frozen);
        long distinctTags = rows.records().stream().flatMap(r -> r.tags().stream()).distinct().count();
        return new Fitted(trained, new Settings(spec), tagger, distinctTags, null);
    }

    @Override
    public Router load(Path dir, JsonNode manifest, KindContext context) {
        ZooterRouter r = RouterStore.load(dir).router();
        if (context.embeddingCache() != null && "head".equals(manifest.path("mode").asText())) {
            // a frozen pretrained encoder: its embeddings of these queries may be cached already
            r = r.withEmbeddingCache(context.embeddingCache(), RouterStore.frozenWeightsIdentity(manifest));
        }
        return r;
    }

    /**
     * A trained Zooter router.
     *
     * @param tagger       the tagger its rows were tagged by (null when they kept their own tags)
     * @param distinctTags distinct tags over all the rows it was given
     */
    public record Fitted(TrainedRouter trained, Settings settings, DatasetTagger tagger, long distinctTags, Tuning tuningOrNull)
            implements FittedRouter {
        @Override
        public String kind() {
            return NAME;
        }

        @Override
        public Router router() {
            return ZooterTrainer.cachedRouter(trained);
        }

        @Override
        public String summary() {
            var curve = trained.result().curve();
            if (curve.isEmpty()) {
                return "";
            }
            EpochStats best = curve.get(Math.max(0, trained.result().bestEpoch() - 1));
            String tags = tagger == null || tagger.summary().isEmpty() ? "" : "; tags " + tagger.summary();
            return String.format(Locale.ROOT, "kept epoch %d, validation KL %.4f, top-1 %.3f%s", best.epoch(), best.validationKl(),
                    best.validationTop1(), tags);
        }

        @Override
        public Optional<Tuning> tuning() {
            return Optional.ofNullable(tuningOrNull);
        }

        @Override
        public FittedRouter withTuning(Tuning tuning) {
            return new Fitted(trained, settings, tagger, distinctTags, tuning);
        }

        @Override
        public void save(Path dir) {
            RouterStore.save(trained, dir, tagger, EmbeddingRouterStore.settingsAndTuning(this));
        }
    }
}
