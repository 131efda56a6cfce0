package dev.zooterj.dl4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zooterj.core.label.LabelConfig;
import dev.zooterj.data.AtomicFiles;
import dev.zooterj.data.tags.TextEmbedder;
import dev.zooterj.nn.io.Hashing;
import dev.zooterj.nn.router.KindContext;
import dev.zooterj.nn.router.FrozenEncoder;
import dev.zooterj.nn.router.RouterStore;
import dev.zooterj.nn.router.Versions;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Router directories of kind {@value Dl4jKind#NAME}: a DL4J network over a frozen embedder's vectors.
 * <pre>
 * router.json   format, kind "dl4j", models, embedder (identity, max tokens, dimension), the network's layers,
 *               labels, settings (when the dl4j kind trained it), provenance (where the network came from: the
 *               kind's training or an imported file with its SHA-256; dataset, rows, seed, versions), checksums
 * network.zip   the network, as DL4J's ModelSerializer writes it (no updater state)
 * </pre>
 * Written next to the target and renamed into place, as every router directory. {@code route}, {@code evaluate},
 * {@code bench} and {@code serve} load these through the registry ({@code RouterKinds.load}).
 */
public final class Dl4jRouters {
    public static final String NETWORK = "network.zip";
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Dl4jRouters() {
    }

    /**
     * Where a network came from, for {@code router.json}'s provenance.
     *
     * @param source        what made it, e.g. {@code "imported from /path/model.zip"} or {@code "trained by the dl4j kind"}
     * @param sourceSha256  the imported file's SHA-256 ("" when not imported from a file)
     * @param dataset       the training data's name
     * @param datasetSha256 its SHA-256 ("" when unknown)
     * @param rows          training rows
     * @param seed          the seed the training used
     * @param labels        the label settings the network was trained on (null when unknown)
     */
    record Provenance(String source, String sourceSha256, String dataset, String datasetSha256, int rows, long seed,
                             LabelConfig labels) {
        public Provenance {
            source = source == null ? "" : source;
            sourceSha256 = sourceSha256 == null ? "" : sourceSha256;
            dataset = dataset == null ? "" : dataset;
            datasetSha256 = datasetSha256 == null ? "" : datasetSha256;
        }
    }

    /** What the network's inputs are: the identity, max tokens and dimension of the embedder that produced them. */
    record EmbedderSpec(String encoder, int maxTokens, int dimension) {
        static EmbedderSpec of(TextEmbedder e) {
            return new EmbedderSpec(e.encoder(), e.maxTokens(), e.dimension());
        }
    }

    /**
     * Makes a network trained on a {@link RewardDataSetIterator} (with embedding features) a router directory.
     *
     * @param source  where the network came from, for provenance (e.g. "trained by examples/dl4j-consumer")
     * @param dataset the training data's name, for provenance
     * @throws IllegalArgumentException when the iterator's features are tokens (a router needs the encoder that turns a
     *                                  query into the network's input) or the network does not fit the data
     */
    public static void importNetwork(MultiLayerNetwork net, RewardDataSetIterator trainedOn, String source, String dataset, Path dir) {
        if (trainedOn.features() != RewardDataSetIterator.Features.EMBEDDINGS) {
            throw new IllegalArgumentException("only a network trained on embedding features can become a router: token features "
                    + "need the user's own encoder to route a query");
        }
        EmbedderSpec e = new EmbedderSpec(trainedOn.featureIdentity(), trainedOn.maxTokens(), trainedOn.inputColumns());
        save(net, trainedOn.models(), e, new Provenance(source, "", dataset, "", trainedOn.labelRows(), trainedOn.seed(),
                trainedOn.labelConfig()), null, dir);
    }

    /**
     * Imports a saved network file as a router for the models and embeddings of an existing router directory
     * ({@code like}): a Zooter head-mode router (MiniLM at its max tokens) or any router with an {@code embedder} field
     * (knn, task_best, cluster_best, dl4j).
     */
    public static void importFile(Path modelFile, Path like, Path dir) {
        if (!Files.isRegularFile(modelFile)) {
            throw new IllegalArgumentException(modelFile + ": no such file");
        }
        MultiLayerNetwork net;
        try {
            net = ModelSerializer.restoreMultiLayerNetwork(modelFile.toFile(), false);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(modelFile + ": not a DL4J MultiLayerNetwork file (" + e.getMessage() + ")");
        }
        JsonNode m = RouterStore.manifest(like);
        List<String> models = RouterStore.models(m, like.resolve(RouterStore.MANIFEST));
        EmbedderSpec e = embedderOf(like, m);
        JsonNode p = m.path("provenance");
        try {
            save(net, models, e, new Provenance("imported from " + modelFile.toAbsolutePath().normalize(), Hashing.sha256(modelFile),
                    p.path("dataset").asText(""), p.path("datasetSha256").asText(""), p.path("rows").asInt(0),
                    p.path("seed").asLong(0), null), null, dir);
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(modelFile + ": " + ex.getMessage() + " (the models and embeddings of " + like + ")");
        }
    }

    /** The embedder a router directory's queries are embedded with. */
    static EmbedderSpec embedderOf(Path dir, JsonNode m) {
        JsonNode e = m.path("embedder");
        if (e.has("encoder")) {
            return new EmbedderSpec(e.path("encoder").asText(), e.path("maxTokens").asInt(), e.path("dimension").asInt());
        }
        String kind = m.path("kind").asText("zooter");
        if ("zooter".equals(kind)) {
            if (!"head".equals(m.path("mode").asText())) {
                throw new IllegalArgumentException(dir + " is a zooter router in mode '" + m.path("mode").asText()
                        + "'; its encoder was trained, so only a head-mode router's embeddings (a frozen encoder) can be reproduced");
            }
            int maxTokens = m.path("encoder").path("maxTokens").asInt(256);
            FrozenEncoder encoder = FrozenEncoder.of(m.path("encoder").path("kind").asText(FrozenEncoder.DEFAULT));
            return new EmbedderSpec(encoder.identity(), maxTokens, encoder.dimension());
        }
        throw new IllegalArgumentException(dir.resolve(RouterStore.MANIFEST) + ": a " + kind + " router names no embedder");
    }

    /** Writes a router directory atomically. {@code settings} are the dl4j kind's (null for an imported network). */
    static void save(MultiLayerNetwork net, List<String> models, EmbedderSpec embedder, Provenance p, Dl4jKind.Settings settings,
                     Path dir) {
        Dl4jNetworks.checkRouterShape(net, embedder.dimension(), models.size());
        ObjectNode m = JSON.createObjectNode();
        m.put("format", RouterStore.FORMAT);
        m.put("kind", Dl4jKind.NAME);
        models.forEach(m.putArray("models")::add);
        ObjectNode e = m.putObject("embedder");
        e.put("encoder", embedder.encoder());
        e.put("maxTokens", embedder.maxTokens());
        e.put("dimension", embedder.dimension());
        ObjectNode n = m.putObject("network");
        n.put("file", NETWORK);
        n.put("type", "MultiLayerNetwork");
        Dl4jNetworks.describe(net).forEach(n.putArray("layers")::add);
        n.put("parameters", net.numParams());
        if (settings != null) {
            ObjectNode s = m.putObject("settings");
            settings.values().forEach(s::put);
        }
        ObjectNode prov = m.putObject("provenance");
        prov.put("source", p.source());
        if (!p.sourceSha256().isEmpty()) {
            prov.put("sourceSha256", p.sourceSha256());
        }
        prov.put("dataset", p.dataset());
        prov.put("datasetSha256", p.datasetSha256());
        prov.put("rows", p.rows());
        prov.put("seed", p.seed());
        if (p.labels() != null) {
            ObjectNode l = prov.putObject("labels");
            l.put("tau", p.labels().tau());
            l.put("normalization", p.labels().normalization().name().toLowerCase(java.util.Locale.ROOT));
            l.put("beta", p.labels().beta());
            l.put("hard", p.labels().hard());
        }
        prov.put("createdAt", Instant.now().toString());
        prov.put("zooterVersion", Versions.zooter());
        prov.put("dl4jVersion", Versions.nd4j());
        prov.put("java", Versions.java());

        Path parent = dir.toAbsolutePath().getParent();
        Path tmp = parent.resolve("." + dir.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            Files.createDirectories(tmp);
            ModelSerializer.writeModel(net, tmp.resolve(NETWORK).toFile(), false);
            m.putObject("files").put(NETWORK, Hashing.sha256(tmp.resolve(NETWORK)));
            AtomicFiles.writeString(tmp.resolve(RouterStore.MANIFEST), JSON.writeValueAsString(m));
            RouterStore.replaceDirectory(tmp, dir);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot save router to " + dir + ": " + ex.getMessage(), ex);
        } finally {
            RouterStore.deleteQuietly(tmp);
        }
    }

    /** Loads a dl4j router directory, embedding queries with the context's embedder when it is the one named. */
    static Dl4jRouter load(Path dir, JsonNode m, KindContext context) {
        List<String> models = RouterStore.models(m, dir.resolve(RouterStore.MANIFEST));
        EmbedderSpec spec = embedderOf(dir, m);
        Path file = RouterStore.verified(dir, m, NETWORK);
        MultiLayerNetwork net;
        try {
            net = ModelSerializer.restoreMultiLayerNetwork(file.toFile(), false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        TextEmbedder embedder = context.embedderFor(spec.encoder(), spec.maxTokens(), dir);
        try {
            return new Dl4jRouter(models, net, embedder);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage());
        }
    }
}
