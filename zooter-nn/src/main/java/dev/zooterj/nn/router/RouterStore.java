package dev.zooterj.nn.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zooterj.core.label.LabelConfig;
import dev.zooterj.core.label.RewardNormalization;
import dev.zooterj.data.AtomicFiles;
import dev.zooterj.data.tags.DatasetTagger;
import dev.zooterj.data.tags.TagScheme;
import dev.zooterj.nn.encoder.BertConfig;
import dev.zooterj.nn.encoder.BertEncoder;
import dev.zooterj.nn.head.HeadConfig;
import dev.zooterj.nn.head.RoutingHead;
import dev.zooterj.nn.io.Hashing;
import dev.zooterj.nn.io.NamedArrays;
import dev.zooterj.nn.tokenizer.WordPieceTokenizer;
import dev.zooterj.nn.train.EpochStats;
import dev.zooterj.nn.train.TrainingMode;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Saves and loads router directories:
 * <pre>
 * router.json   format, models (in order), encoder and tokenizer identity, head, label settings, training
 *               settings, provenance (dataset hash and size, seed, versions), training curve, file checksums
 * head.bin      the head's weights
 * encoder.bin   the encoder's weights, when training changed them (finetune, scratch)
 * tagger.bin    the fitted tagger ({@link DatasetTagger}), when the training rows were tagged by clusters or keywords
 * </pre>
 * A directory is written next to its target and renamed into place, so a crash never leaves a half-written
 * router. Loading checks every part and refuses a mismatch with a message that says what differs.
 */
public final class RouterStore {
    public static final String FORMAT = "zooter-router/1";
    public static final String MANIFEST = "router.json";
    public static final String HEAD = "head.bin";
    public static final String ENCODER = "encoder.bin";
    public static final String TAGGER = "tagger.bin";
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RouterStore() {
    }

    /** A loaded router and its manifest. */
    public record Loaded(ZooterRouter router, JsonNode manifest) {
    }

    /** Saves a router whose training rows kept their own tags, or were tagged by a scheme that needs no fitting. */
    public static void save(TrainedRouter trained, Path dir) {
        save(trained, dir, null);
    }

    /**
     * Saves a router with the tagger its training rows were tagged by ({@link RouterSpec#tags()}), so the same tags can
     * be given to other rows later ({@link #tagger(Path)}).
     *
     * @param tagger the fitted tagger; required when the spec's scheme is fitted (cluster, keywords), else may be null
     */
    public static void save(TrainedRouter trained, Path dir, DatasetTagger tagger) {
        save(trained, dir, tagger, null);
    }

    /**
     * As {@link #save(TrainedRouter, Path, DatasetTagger)}, with more top-level fields for {@value #MANIFEST} (the
     * {@link ZooterKind} adds its settings and how they were chosen).
     */
    static void save(TrainedRouter trained, Path dir, DatasetTagger tagger, ObjectNode extra) {
        TagScheme scheme = trained.spec().tags();
        if (tagger != null && !tagger.scheme().equals(scheme)) {
            throw new IllegalArgumentException("the tagger is for tags " + tagger.scheme() + " but the router was trained with tags " + scheme);
        }
        if (scheme.fitted() && tagger == null) {
            throw new IllegalArgumentException("a router trained with " + scheme + " tags needs its fitted tagger to be saved with it");
        }
        boolean withTagger = tagger != null && scheme.fitted();
        Path parent = dir.toAbsolutePath().getParent();
        Path tmp = parent.resolve("." + dir.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            Files.createDirectories(tmp);
            ZooterRouter router = trained.router();
            NamedArrays.write(tmp.resolve(HEAD), router.head().weights());
            boolean encoderTrained = trained.spec().mode() != TrainingMode.HEAD;
            if (encoderTrained) {
                NamedArrays.write(tmp.resolve(ENCODER), ((BertEncoder) router.encoder()).weights());
            }
            if (withTagger) {
                tagger.save(tmp.resolve(TAGGER));
            }
            ObjectNode m = manifest(trained, encoderTrained);
            if (extra != null) {
                m.setAll(extra);
            }
            ObjectNode tags = m.putObject("tags");
            tags.put("scheme", scheme.toString());
            if (withTagger) {
                tags.put("tagger", TAGGER);
                tags.put("trainingRows", tagger.trainingRows());
                tags.put("seed", tagger.seed());
            }
            ObjectNode files = m.putObject("files");
            files.put(HEAD, Hashing.sha256(tmp.resolve(HEAD)));
            if (encoderTrained) {
                files.put(ENCODER, Hashing.sha256(tmp.resolve(ENCODER)));
            }
            if (withTagger) {
                files.put(TAGGER, Hashing.sha256(tmp.resolve(TAGGER)));
            }
            AtomicFiles.writeString(tmp.resolve(MANIFEST), JSON.writeValueAsString(m));
            replaceDirectory(tmp, dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save router to " + dir + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    private static ObjectNode manifest(TrainedRouter t, boolean encoderTrained) {
        RouterSpec spec = t.spec();
        ZooterRouter r = t.router();
        ObjectNode m = JSON.createObjectNode();
        m.put("format", FORMAT);
        m.put("kind", ZooterKind.NAME);
        ArrayNode models = m.putArray("models");
        r.models().forEach(models::add);
        ObjectNode enc = m.putObject("encoder");
        enc.put("kind", spec.encoder());
        if (r.components().size() == 1) {
            enc.set("config", JSON.valueToTree(((BertEncoder) r.encoder()).config()));
        } else {
            ArrayNode configs = enc.putArray("configs");
            r.components().forEach(c -> configs.add(JSON.valueToTree(((BertEncoder) c.encoder()).config())));
        }
        if (!RouterSpec.SCRATCH.equals(spec.encoder())) {
            if (r.components().size() == 1) {
                BertEncoder only = (BertEncoder) r.encoder();
                enc.put("pooling", only.pooling().label());
                enc.put("normalize", only.normalize());
                enc.put("prefix", r.components().get(0).prefix());
            } else {
                ArrayNode parts = enc.putArray("parts");
                for (ZooterRouter.Component c : r.components()) {
                    BertEncoder e = (BertEncoder) c.encoder();
                    parts.addObject().put("dimension", e.dimension()).put("pooling", e.pooling().label())
                            .put("normalize", e.normalize()).put("prefix", c.prefix());
                }
            }
            enc.put("identity", FrozenEncoder.of(spec.encoder()).identity());
        }
        enc.put("dimension", r.components().stream().mapToInt(c -> c.encoder().dimension()).sum());
        enc.put("weights", encoderTrained ? ENCODER : "classpath:" + FrozenEncoder.of(spec.encoder()).weightsIdentity());
        enc.put("maxTokens", spec.maxTokens());
        m.put("tokenizer", r.components().stream().map(c -> c.tokenizer().identity())
                .collect(java.util.stream.Collectors.joining("|")));
        m.putObject("head").put("hidden", spec.head().hidden());
        m.put("mode", spec.mode().label());
        ObjectNode labels = m.putObject("labels");
        labels.put("tau", spec.labels().tau());
        labels.put("normalization", spec.labels().normalization().name().toLowerCase());
        labels.put("beta", spec.labels().beta());
        labels.put("hard", spec.labels().hard());
        m.set("training", JSON.valueToTree(spec.training()));
        m.put("trainWordEmbeddings", spec.trainWordEmbeddings());
        if (spec.mode() == TrainingMode.FINETUNE) {
            m.put("headStart", spec.headStart().label());
        }
        ObjectNode prov = m.putObject("provenance");
        TrainedRouter.Provenance p = t.provenance();
        prov.put("dataset", p.dataset());
        prov.put("datasetSha256", p.datasetSha256());
        prov.put("rows", p.rows());
        prov.put("trainRows", p.trainRows());
        prov.put("validationRows", p.validationRows());
        prov.put("tags", p.tagCount());
        prov.put("seed", spec.training().seed());
        prov.put("createdAt", Instant.now().toString());
        prov.put("zooterVersion", Versions.zooter());
        prov.put("nd4jVersion", Versions.nd4j());
        prov.put("java", Versions.java());
        prov.put("os", Versions.os());
        ArrayNode curve = m.putArray("curve");
        for (EpochStats s : t.result().curve()) {
            ObjectNode e = curve.addObject();
            e.put("epoch", s.epoch());
            e.put("trainLoss", s.trainLoss());
            putNumber(e, "validationKl", s.validationKl());
            putNumber(e, "validationTop1", s.validationTop1());
            e.put("seconds", s.seconds());
        }
        m.put("bestEpoch", t.result().bestEpoch());
        m.put("stoppedEarly", t.result().stoppedEarly());
        return m;
    }

    private static void putNumber(ObjectNode o, String field, double v) {
        if (Double.isFinite(v)) {
            o.put(field, v);
        } else {
            o.putNull(field);
        }
    }

    public static Loaded load(Path dir) {
        Path manifestFile = dir.resolve(MANIFEST);
        JsonNode m = manifest(dir);
        String format = m.path("format").asText();
        if (!FORMAT.equals(format)) {
            throw new IllegalArgumentException(manifestFile + ": format '" + format + "', this version reads " + FORMAT);
        }
        String kind = m.path("kind").asText(ZooterKind.NAME);
        if (!ZooterKind.NAME.equals(kind)) {
            throw new IllegalArgumentException(dir + " holds a " + kind + " router, not a zooter one: load it with RouterKinds.load");
        }
        List<String> models = models(m, manifestFile);
        JsonNode enc = m.path("encoder");
        String encoderKind = enc.path("kind").asText(RouterSpec.MINILM);
        FrozenEncoder choice;
        try {
            choice = RouterSpec.SCRATCH.equals(encoderKind) ? null : FrozenEncoder.of(encoderKind);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(manifestFile + ": encoder.kind: " + e.getMessage());
        }
        List<WordPieceTokenizer> tokenizers = choice == null ? List.of(WordPieceTokenizer.miniLm()) : choice.tokenizers();
        String tokenizerId = m.path("tokenizer").asText();
        String buildTokenizers = tokenizers.stream().map(WordPieceTokenizer::identity)
                .collect(java.util.stream.Collectors.joining("|"));
        if (!buildTokenizers.equals(tokenizerId)) {
            throw new IllegalArgumentException(dir + ": the router was trained with tokenizer " + tokenizerId
                    + " but this build's " + encoderKind + " has " + buildTokenizers);
        }
        String weights = enc.path("weights").asText();
        List<ZooterRouter.Component> components;
        if (ENCODER.equals(weights)) {
            BertConfig config = JSON.convertValue(enc.path("config"), BertConfig.class);
            Map<String, INDArray> w = NamedArrays.read(verified(dir, m, ENCODER));
            BertEncoder encoder;
            var model = choice == null ? null : choice.models().get(0);
            try {
                encoder = model == null ? BertEncoder.of(config, w) : BertEncoder.of(config, w, model.pooling(), model.normalize());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(dir.resolve(ENCODER) + " does not fit the encoder config in " + MANIFEST + ": " + e.getMessage());
            }
            components = List.of(new ZooterRouter.Component(tokenizers.get(0), encoder, model == null ? "" : model.prefix()));
        } else if (choice != null && ("classpath:" + choice.weightsIdentity()).equals(weights)) {
            components = choice.components();
            List<BertConfig> saved = new ArrayList<>();
            if (enc.has("configs")) {
                enc.path("configs").forEach(c -> saved.add(JSON.convertValue(c, BertConfig.class)));
            } else {
                saved.add(JSON.convertValue(enc.path("config"), BertConfig.class));
            }
            List<BertConfig> built = components.stream().map(c -> ((BertEncoder) c.encoder()).config()).toList();
            if (!saved.equals(built)) {
                throw new IllegalArgumentException(manifestFile + ": encoder config " + saved + " differs from this build's "
                        + encoderKind + " " + built);
            }
        } else {
            throw new IllegalArgumentException(manifestFile + ": the router was trained with encoder weights '" + weights
                    + "', which this build's " + encoderKind + " does not have (expected " + ENCODER
                    + (choice == null ? "" : " or classpath:" + choice.weightsIdentity()) + ")");
        }
        int dimension = components.stream().mapToInt(c -> c.encoder().dimension()).sum();
        HeadConfig headConfig = new HeadConfig(m.path("head").path("hidden").asInt());
        RoutingHead head;
        try {
            head = RoutingHead.fromWeights(headConfig, dimension, models.size(), NamedArrays.read(verified(dir, m, HEAD)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(dir.resolve(HEAD) + " does not fit " + models.size() + " models and a "
                    + dimension + "-d encoder: " + e.getMessage());
        }
        int maxTokens = enc.path("maxTokens").asInt(256);
        tagScheme(m, manifestFile);
        if (m.path("tags").has("tagger")) {
            verified(dir, m, TAGGER);
        }
        return new Loaded(new ZooterRouter(models, components, head, maxTokens), m);
    }

    /**
     * The {@link FrozenEncoder#weightsIdentity()} of a router whose encoder was frozen (its weights come from the class
     * path): what {@link ZooterRouter#withEmbeddingCache} needs.
     *
     * @throws IllegalArgumentException when the router's encoder was trained (its weights are in the directory)
     */
    public static String frozenWeightsIdentity(JsonNode manifest) {
        String weights = manifest.path("encoder").path("weights").asText();
        if (!weights.startsWith("classpath:")) {
            throw new IllegalArgumentException("the router's encoder weights are '" + weights + "', not a frozen pretrained encoder");
        }
        return weights.substring("classpath:".length());
    }

    /** The label settings the router was trained with. */
    public static LabelConfig labels(JsonNode manifest) {
        JsonNode l = manifest.path("labels");
        return new LabelConfig(l.path("tau").asDouble(), RewardNormalization.parse(l.path("normalization").asText("none")),
                l.path("beta").asDouble(), l.path("hard").asBoolean());
    }

    /**
     * The manifest's {@code models}: a non-empty array of distinct, non-blank names. A duplicate would make two head
     * outputs one backend (and the router's probabilities for it ambiguous), so it is refused, naming both positions.
     */
    public static List<String> models(JsonNode m, Path manifestFile) {
        JsonNode arr = m.get("models");
        if (arr == null || !arr.isArray() || arr.isEmpty()) {
            throw new IllegalArgumentException(manifestFile + ": field 'models': expected a non-empty array of model names, got "
                    + (arr == null ? "none" : arr));
        }
        List<String> models = new ArrayList<>();
        Map<String, Integer> first = new HashMap<>();
        for (int i = 0; i < arr.size(); i++) {
            JsonNode n = arr.get(i);
            if (!n.isTextual() || n.textValue().isBlank()) {
                throw new IllegalArgumentException(manifestFile + ": field 'models[" + i + "]': expected a non-blank model name, got " + n);
            }
            Integer seen = first.putIfAbsent(n.textValue(), i);
            if (seen != null) {
                throw new IllegalArgumentException(manifestFile + ": field 'models[" + i + "]': duplicate model name '"
                        + n.textValue() + "' (also models[" + seen + "]); each head output must be a different model");
            }
            models.add(n.textValue());
        }
        return models;
    }

    /** The parsed {@value #MANIFEST} of a router directory, or a one-line error saying what is missing or broken. */
    public static JsonNode manifest(Path dir) {
        Path manifestFile = dir.resolve(MANIFEST);
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("router directory " + dir + " not found");
        }
        if (!Files.isRegularFile(manifestFile)) {
            throw new IllegalArgumentException(dir + " is not a router directory: " + MANIFEST + " is missing");
        }
        try {
            return JSON.readTree(manifestFile.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(manifestFile + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    /** The tags the router's training rows carried ({@link TagScheme#DATA} for routers saved before tag schemes). */
    public static TagScheme tagScheme(JsonNode manifest) {
        return tagScheme(manifest, Path.of(MANIFEST));
    }

    private static TagScheme tagScheme(JsonNode manifest, Path where) {
        JsonNode s = manifest.path("tags").path("scheme");
        if (s.isMissingNode()) {
            return TagScheme.DATA;
        }
        try {
            return TagScheme.parse(s.asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": field 'tags.scheme': " + e.getMessage());
        }
    }

    /**
     * The tagger saved with the router in {@code dir}, checked against the manifest's checksum; empty when its training
     * rows kept their own tags or were tagged by a scheme that needs no fitting (subset, none).
     */
    public static Optional<DatasetTagger> tagger(Path dir) {
        Path manifestFile = dir.resolve(MANIFEST);
        JsonNode m = manifest(dir);
        TagScheme scheme = tagScheme(m, manifestFile);
        if (!m.path("tags").has("tagger")) {
            if (scheme.fitted()) {
                throw new IllegalArgumentException(manifestFile + ": the router was trained with " + scheme + " tags but lists no tagger");
            }
            return Optional.empty();
        }
        DatasetTagger t = DatasetTagger.load(verified(dir, m, TAGGER));
        if (!t.scheme().equals(scheme)) {
            throw new IllegalArgumentException(dir.resolve(TAGGER) + " is a " + t.scheme() + " tagger but " + MANIFEST + " says " + scheme);
        }
        return Optional.of(t);
    }

    /** {@code dir/name}, checked against the SHA-256 the manifest's {@code files} records for it. */
    public static Path verified(Path dir, JsonNode m, String name) {
        Path f = dir.resolve(name);
        if (!Files.isRegularFile(f)) {
            throw new IllegalArgumentException(dir + ": " + name + " is missing");
        }
        String expected = m.path("files").path(name).asText();
        String actual = Hashing.sha256(f);
        if (!expected.equals(actual)) {
            throw new IllegalArgumentException(f + " has changed since the router was saved: sha256 " + actual
                    + ", " + MANIFEST + " says " + expected);
        }
        return f;
    }

    /**
     * Moves a fully written temporary router directory into place: an existing router directory (or an empty one) is
     * replaced, anything else is refused. Every router kind, in this module or another, saves through this.
     */
    public static void replaceDirectory(Path tmp, Path dir) throws IOException {
        Path old = null;
        if (Files.exists(dir)) {
            if (!Files.isRegularFile(dir.resolve(MANIFEST)) && !isEmptyDirectory(dir)) {
                throw new IOException(dir + " exists and is not a router directory; refusing to replace it");
            }
            old = dir.toAbsolutePath().getParent().resolve("." + dir.getFileName() + ".old-" + UUID.randomUUID());
            Files.move(dir, old);
        }
        AtomicFiles.moveAtomically(tmp, dir);
        if (old != null) {
            deleteQuietly(old);
        }
    }

    private static boolean isEmptyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    /** Deletes a temporary directory tree, best effort. */
    public static void deleteQuietly(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a stray temporary directory is harmless
        }
    }
}
