package dev.zooterj.nn.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zooterj.data.AtomicFiles;
import dev.zooterj.data.tags.TextEmbedder;
import dev.zooterj.nn.io.Hashing;
import dev.zooterj.nn.io.NamedArrays;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Router directories of the kinds that learn on frozen embeddings (knn, task_best, cluster_best):
 * <pre>
 * router.json   format, kind, models, settings, tuning, the embedder (identity, encoder name, max tokens,
 *               dimension), provenance, the kind's own fields, the checksum of arrays.bin
 * arrays.bin    the kind's arrays (training embeddings, centroids, weights, ...)
 * </pre>
 * Written next to the target and renamed into place, like every router directory; loading checks the checksum.
 */
final class EmbeddingRouterStore {
    static final String ARRAYS = "arrays.bin";

    private EmbeddingRouterStore() {
    }

    /** The {@code --encoder} choice (e.g. "e5-small") whose identity this is; empty for an embedder not in this build. */
    static java.util.Optional<String> encoderName(String identity) {
        try {
            return java.util.Optional.of(FrozenEncoder.fromIdentity(identity).name());
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    /** The fields every kind's manifest starts with ({@code embedder} null: a kind that reads no query text). */
    static ObjectNode manifest(FittedRouter fitted, List<String> models, TextEmbedder embedder, KindContext context, int rows) {
        ObjectNode m = RouterStore.JSON.createObjectNode();
        m.put("format", RouterStore.FORMAT);
        m.put("kind", fitted.kind());
        ArrayNode ms = m.putArray("models");
        models.forEach(ms::add);
        m.setAll(settingsAndTuning(fitted));
        if (embedder != null) {   // null: a kind that reads no text (best_single)
            ObjectNode e = m.putObject("embedder");
            e.put("encoder", embedder.encoder());
            encoderName(embedder.encoder()).ifPresent(n -> e.put("name", n));
            e.put("maxTokens", embedder.maxTokens());
            e.put("dimension", embedder.dimension());
        }
        ObjectNode p = m.putObject("provenance");
        p.put("dataset", context.datasetName());
        p.put("datasetSha256", context.datasetSha256());
        p.put("rows", rows);
        p.put("seed", fitted.settings().seed());
        p.put("createdAt", Instant.now().toString());
        p.put("zooterVersion", Versions.zooter());
        p.put("java", Versions.java());
        return m;
    }

    /**
     * Saves a router made of other routers ({@code auto}, {@code hierarchical}) atomically: each part into its own
     * subdirectory of a temporary directory, then a manifest with the kind, models, settings and tuning, the fields
     * {@code extra} adds, and a provenance whose data fields come from the first part; then the directory replaces
     * {@code dir}.
     */
    static void saveComposite(Path dir, FittedRouter fitted, List<String> models, Map<String, FittedRouter> parts,
                              java.util.function.Consumer<ObjectNode> extra) {
        Path tmp = dir.toAbsolutePath().getParent().resolve("." + dir.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            Files.createDirectories(tmp);
            for (Map.Entry<String, FittedRouter> part : parts.entrySet()) {
                part.getValue().save(tmp.resolve(part.getKey()));
            }
            ObjectNode m = RouterStore.JSON.createObjectNode();
            m.put("format", RouterStore.FORMAT);
            m.put("kind", fitted.kind());
            models.forEach(m.putArray("models")::add);
            m.setAll(settingsAndTuning(fitted));
            extra.accept(m);
            ObjectNode p = m.putObject("provenance");
            p.put("seed", fitted.settings().seed());
            p.put("createdAt", Instant.now().toString());
            p.put("zooterVersion", Versions.zooter());
            inheritProvenance(p, tmp.resolve(parts.keySet().iterator().next()));
            AtomicFiles.writeString(tmp.resolve(RouterStore.MANIFEST), RouterStore.JSON.writeValueAsString(m));
            RouterStore.replaceDirectory(tmp, dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save router to " + dir + ": " + e.getMessage(), e);
        } finally {
            RouterStore.deleteQuietly(tmp);
        }
    }

    /**
     * Copies the training data's provenance (dataset name and SHA-256, rows, Java) from a part's saved manifest, for
     * kinds that save other routers inside their directory ({@code auto}, {@code hierarchical}): the parts were fitted
     * on the same rows, so the whole router carries the hash.
     */
    static void inheritProvenance(ObjectNode provenance, Path partDir) throws java.io.IOException {
        JsonNode part = RouterStore.JSON.readTree(partDir.resolve(RouterStore.MANIFEST).toFile()).path("provenance");
        for (String field : List.of("dataset", "datasetSha256", "rows", "java")) {
            if (part.has(field) && !provenance.has(field)) {
                provenance.set(field, part.get(field));
            }
        }
    }

    /** {@code settings} (name → value) and, when they were chosen on validation, {@code tuning}. */
    static ObjectNode settingsAndTuning(FittedRouter fitted) {
        ObjectNode m = RouterStore.JSON.createObjectNode();
        ObjectNode s = m.putObject("settings");
        fitted.settings().values().forEach(s::put);
        fitted.tuning().ifPresent(t -> {
            ObjectNode tj = m.putObject("tuning");
            tj.put("metric", "macro mean over subsets of the routed model's evaluation score");
            tj.put("validationFraction", t.validationFraction());
            tj.put("folds", t.folds());
            tj.put("validationRows", t.validationRows());
            tj.put("seed", t.seed());
            if (!t.selection().isEmpty()) {
                tj.put("selection", t.selection());
            }
            if (!t.objective().isEmpty()) {
                ObjectNode w = tj.putObject("subsetWeights");
                new java.util.TreeMap<>(t.objective()).forEach(w::put);
            }
            ObjectNode grid = tj.putObject("grid");
            t.grid().forEach((k, v) -> v.forEach(grid.withArray(k)::add));
            ArrayNode cands = tj.putArray("candidates");
            for (int i = 0; i < t.candidates().size(); i++) {
                Tuning.Candidate c = t.candidates().get(i);
                ObjectNode cj = cands.addObject();
                c.settings().forEach(cj::put);
                if (Double.isFinite(c.score())) {
                    cj.put("validation", c.score());
                } else {
                    cj.putNull("validation");
                    cj.put("note", c.note());
                }
                if (i == t.chosen()) {
                    cj.put("chosen", true);
                }
            }
        });
        return m;
    }

    static void save(Path dir, ObjectNode manifest, Map<String, INDArray> arrays) {
        Path parent = dir.toAbsolutePath().getParent();
        Path tmp = parent.resolve("." + dir.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            Files.createDirectories(tmp);
            NamedArrays.write(tmp.resolve(ARRAYS), arrays);
            manifest.putObject("files").put(ARRAYS, Hashing.sha256(tmp.resolve(ARRAYS)));
            AtomicFiles.writeString(tmp.resolve(RouterStore.MANIFEST), RouterStore.JSON.writeValueAsString(manifest));
            RouterStore.replaceDirectory(tmp, dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save router to " + dir + ": " + e.getMessage(), e);
        } finally {
            RouterStore.deleteQuietly(tmp);
        }
    }

    /** What every embedding kind reads back: its settings, models, embedder and checked arrays. */
    record Saved<S>(S settings, List<String> models, TextEmbedder embedder, Map<String, INDArray> arrays) {
    }

    static <S extends KindSettings<S>> Saved<S> read(RouterKind<S> kind, Path dir, JsonNode manifest, KindContext context) {
        return new Saved<>(settings(kind, dir, manifest), models(dir, manifest), embedder(dir, manifest, context), arrays(dir, manifest));
    }

    /** The checked arrays of a saved router. */
    static Map<String, INDArray> arrays(Path dir, JsonNode manifest) {
        return NamedArrays.read(RouterStore.verified(dir, manifest, ARRAYS));
    }

    static List<String> models(Path dir, JsonNode manifest) {
        List<String> models = new ArrayList<>();
        manifest.path("models").forEach(n -> models.add(n.asText()));
        if (models.isEmpty()) {
            throw new IllegalArgumentException(dir.resolve(RouterStore.MANIFEST) + ": no models listed");
        }
        return models;
    }

    /** The embedder the saved router was fitted on, from the context. */
    static TextEmbedder embedder(Path dir, JsonNode manifest, KindContext context) {
        JsonNode e = manifest.path("embedder");
        if (!e.has("encoder") || !e.has("maxTokens")) {
            throw new IllegalArgumentException(dir.resolve(RouterStore.MANIFEST) + ": field 'embedder' with encoder and maxTokens is missing");
        }
        TextEmbedder t = context.embedderFor(e.path("encoder").asText(), e.path("maxTokens").asInt(), dir);
        if (e.has("dimension") && e.path("dimension").asInt() != t.dimension()) {
            throw new IllegalArgumentException(dir + ": the router's embeddings have " + e.path("dimension").asInt()
                    + " dimensions, the embedder gives " + t.dimension());
        }
        return t;
    }

    /** The settings a kind saved, applied to its defaults. */
    static <S extends KindSettings<S>> S settings(RouterKind<S> kind, Path dir, JsonNode manifest) {
        S s = kind.defaults();
        var it = manifest.path("settings").fields();
        while (it.hasNext()) {
            var f = it.next();
            try {
                s = s.with(f.getKey(), f.getValue().asText());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(dir.resolve(RouterStore.MANIFEST) + ": field 'settings." + f.getKey() + "': " + e.getMessage());
            }
        }
        return s;
    }

    /**
     * The values rounded to float32, as {@code arrays.bin} stores them: kinds fit with these, so a router routes the
     * same before it is saved and after it is loaded.
     */
    static double[][] asStored(double[][] v) {
        double[][] out = new double[v.length][];
        for (int i = 0; i < v.length; i++) {
            out[i] = new double[v[i].length];
            for (int j = 0; j < v[i].length; j++) {
                out[i][j] = (float) v[i][j];
            }
        }
        return out;
    }

    /** Rows of the L2-normalised vectors (a zero vector stays zero). */
    static float[][] unit(float[][] x) {
        float[][] out = new float[x.length][];
        for (int i = 0; i < x.length; i++) {
            double n = 0;
            for (float v : x[i]) {
                n += (double) v * v;
            }
            double inv = n > 0 ? 1 / Math.sqrt(n) : 0;
            out[i] = new float[x[i].length];
            for (int j = 0; j < x[i].length; j++) {
                out[i][j] = (float) (x[i][j] * inv);
            }
        }
        return out;
    }
}
