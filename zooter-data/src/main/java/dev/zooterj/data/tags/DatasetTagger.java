package dev.zooterj.data.tags;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.data.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A {@link TagScheme} fitted on training rows, which tags any row of the same kind: the record's own tags
 * ({@code data}), its subset, its {@link ClusterTagger} clusters, its {@link KeywordTagger} keywords, or nothing.
 *
 * <p><b>No leakage</b>: fitting reads the training rows only, ordered by id, so the tagger (centroids, names,
 * vocabulary) is the same whatever the other rows are and whatever order the file lists the training rows in; every
 * other row is tagged by the fitted tagger (nearest centroid, known keywords).
 *
 * <p><b>The tagger file</b> ({@link #save}, {@link #load}) is one line of JSON, the header (format {@value #FORMAT},
 * scheme, seed, training rows, the embedding space, cluster names and sizes or the keyword vocabulary, the byte count
 * and SHA-256 of the centroids), then the centroids as little-endian float32, k × dimension per granularity in the
 * header's order. It is written atomically; loading checks the format, the sizes and the checksum. A loaded tagger
 * gives the same tags as the one saved, for the same embeddings.
 */
public final class DatasetTagger {
    /** The format tag of tagger files. */
    public static final String FORMAT = "zooter-tagger/1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TagScheme scheme;
    private final long seed;
    private final int trainingRows;
    private final EmbeddingSpace space;
    private final ClusterTagger clusters;
    private final KeywordTagger keywords;

    /**
     * The embeddings a cluster tagger was fitted on: it can only tag embeddings of the same space.
     *
     * @param encoder   {@link TextEmbedder#encoder()}
     * @param maxTokens {@link TextEmbedder#maxTokens()}
     * @param dimension {@link TextEmbedder#dimension()}
     */
    public record EmbeddingSpace(String encoder, int maxTokens, int dimension) {
        public static EmbeddingSpace of(TextEmbedder e) {
            return new EmbeddingSpace(e.encoder(), e.maxTokens(), e.dimension());
        }

        @Override
        public String toString() {
            return encoder + " (" + maxTokens + " tokens, " + dimension + "-d)";
        }
    }

    /** A dataset with its tags replaced or extended, and the tagger that made them. */
    public record Fitted(RewardDataset data, DatasetTagger tagger) {
    }

    private DatasetTagger(TagScheme scheme, long seed, int trainingRows, EmbeddingSpace space, ClusterTagger clusters,
                          KeywordTagger keywords) {
        this.scheme = scheme;
        this.seed = seed;
        this.trainingRows = trainingRows;
        this.space = space;
        this.clusters = clusters;
        this.keywords = keywords;
    }

    /**
     * Fits {@code scheme} on the training rows.
     *
     * @param embedder for {@code cluster}; ignored (may be null) otherwise
     * @param seed     seeds the clustering
     * @throws IllegalArgumentException when there are no training rows, or fewer than a cluster count
     */
    public static DatasetTagger fit(TagScheme scheme, List<RewardRecord> training, TextEmbedder embedder, long seed) {
        List<RewardRecord> sorted = new ArrayList<>(training);
        sorted.sort(Comparator.comparing(RewardRecord::id));
        float[][] embeddings = scheme.needsEmbeddings() ? embed(embedder, sorted) : null;
        return fit(scheme, sorted, embeddings, embedder, seed);
    }

    private static DatasetTagger fit(TagScheme scheme, List<RewardRecord> sortedTraining, float[][] embeddings, TextEmbedder embedder,
                                     long seed) {
        checkEnoughRows(scheme, sortedTraining.size());
        List<String> texts = sortedTraining.stream().map(RewardRecord::query).toList();
        return switch (scheme.kind()) {
            case CLUSTER -> new DatasetTagger(scheme, seed, texts.size(), EmbeddingSpace.of(embedder),
                    ClusterTagger.fit(texts, embeddings, scheme.ks(), seed), null);
            case KEYWORDS -> new DatasetTagger(scheme, seed, texts.size(), null, null,
                    KeywordTagger.fit(texts, KeywordTagger.Options.defaults()));
            case DATA, SUBSET, NONE -> new DatasetTagger(scheme, seed, texts.size(), null, null, null);
        };
    }

    /** Refuses before any embedding work when there are no training rows, or fewer than a cluster count. */
    private static void checkEnoughRows(TagScheme scheme, int trainingRows) {
        if (trainingRows == 0) {
            throw new IllegalArgumentException("no training rows to fit " + scheme + " tags on");
        }
        for (int k : scheme.ks()) {
            if (k > trainingRows) {
                throw new IllegalArgumentException("cluster:" + k + " needs at least " + k + " training rows, got " + trainingRows);
            }
        }
    }

    /**
     * Fits {@code scheme} on the rows of {@code data} that {@code training} accepts and tags every row with it,
     * embedding each text once.
     *
     * @param keepExisting add the new tags after the record's own (true) or replace them (false)
     */
    public static Fitted fitAndApply(RewardDataset data, Predicate<RewardRecord> training, TagScheme scheme, TextEmbedder embedder,
                                     long seed, boolean keepExisting) {
        List<RewardRecord> rows = data.records();
        List<Integer> trainIndex = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            if (training.test(rows.get(i))) {
                trainIndex.add(i);
            }
        }
        trainIndex.sort(Comparator.comparing(i -> rows.get(i).id()));
        checkEnoughRows(scheme, trainIndex.size());
        List<RewardRecord> sorted = trainIndex.stream().map(rows::get).toList();
        float[][] all = null;
        float[][] trainEmbeddings = null;
        if (scheme.needsEmbeddings()) {
            // The training rows are embedded on their own, in id order, exactly as fit(...) does: an encoder batches
            // and pads texts together, and its outputs move in the last bits with their batch-mates, so embedding them
            // beside the other rows would let those rows nudge the fitted centroids.
            trainEmbeddings = embed(embedder, sorted);
            boolean[] isTraining = new boolean[rows.size()];
            trainIndex.forEach(i -> isTraining[i] = true);
            List<Integer> otherIndex = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                if (!isTraining[i]) {
                    otherIndex.add(i);
                }
            }
            float[][] others = otherIndex.isEmpty() ? new float[0][]
                    : embed(embedder, otherIndex.stream().map(rows::get).toList());
            all = new float[rows.size()][];
            for (int j = 0; j < trainIndex.size(); j++) {
                all[trainIndex.get(j)] = trainEmbeddings[j];
            }
            for (int j = 0; j < otherIndex.size(); j++) {
                all[otherIndex.get(j)] = others[j];
            }
        }
        DatasetTagger tagger = fit(scheme, sorted, trainEmbeddings, embedder, seed);
        return new Fitted(withTags(data, tagger.tags(rows, all), keepExisting), tagger);
    }

    /** The tags this tagger gives each row. */
    public List<List<String>> tags(List<RewardRecord> rows, TextEmbedder embedder) {
        return tags(rows, scheme.needsEmbeddings() ? embedInSpace(embedder, rows) : null);
    }

    /** {@code data} with every row tagged by this tagger. */
    public RewardDataset apply(RewardDataset data, TextEmbedder embedder, boolean keepExisting) {
        return withTags(data, tags(data.records(), embedder), keepExisting);
    }

    private List<List<String>> tags(List<RewardRecord> rows, float[][] embeddings) {
        return switch (scheme.kind()) {
            case DATA -> rows.stream().map(RewardRecord::tags).toList();
            case SUBSET -> rows.stream().map(r -> r.subset() == null || r.subset().isEmpty() ? List.<String>of() : List.of(r.subset())).toList();
            case NONE -> rows.stream().map(r -> List.<String>of()).toList();
            case KEYWORDS -> rows.stream().map(r -> keywords.tags(r.query())).toList();
            case CLUSTER -> clusters.tags(embeddings);
        };
    }

    /** Embeddings from {@code embedder}, which must embed into the space this tagger was fitted in. */
    private float[][] embedInSpace(TextEmbedder embedder, List<RewardRecord> rows) {
        if (embedder == null) {
            throw new IllegalArgumentException(scheme + " tags need a text embedder");
        }
        if (space != null && !space.equals(EmbeddingSpace.of(embedder))) {
            throw new IllegalArgumentException("this tagger was fitted on embeddings of " + space + ", not of "
                    + EmbeddingSpace.of(embedder));
        }
        return embed(embedder, rows);
    }

    private static float[][] embed(TextEmbedder embedder, List<RewardRecord> rows) {
        if (embedder == null) {
            throw new IllegalArgumentException("cluster tags need a text embedder");
        }
        float[][] e = embedder.embed(rows.stream().map(RewardRecord::query).toList());
        if (e.length != rows.size()) {
            throw new IllegalStateException("the embedder returned " + e.length + " vectors for " + rows.size() + " texts");
        }
        for (float[] v : e) {
            if (v.length != embedder.dimension()) {
                throw new IllegalStateException("the embedder returned a " + v.length + "-d vector, it declares " + embedder.dimension());
            }
        }
        return e;
    }

    /** {@code data} with new tags per row, after the old ones (without repeats) or instead of them. */
    public static RewardDataset withTags(RewardDataset data, List<List<String>> tags, boolean keepExisting) {
        List<RewardRecord> rows = data.records();
        if (tags.size() != rows.size()) {
            throw new IllegalArgumentException(tags.size() + " tag lists for " + rows.size() + " rows");
        }
        List<RewardRecord> out = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            RewardRecord r = rows.get(i);
            List<String> t = tags.get(i);
            if (keepExisting) {
                LinkedHashSet<String> merged = new LinkedHashSet<>(r.tags());
                merged.addAll(t);
                t = List.copyOf(merged);
            }
            out.add(new RewardRecord(r.id(), r.query(), r.messages(), t, r.subset(), r.split(), r.rewards(), r.scores(), r.cost()));
        }
        return data.withRecords(out);
    }

    public TagScheme scheme() {
        return scheme;
    }

    public long seed() {
        return seed;
    }

    /** Rows fitted on. */
    public int trainingRows() {
        return trainingRows;
    }

    /** The clusters, for {@code cluster}. */
    public Optional<ClusterTagger> clusters() {
        return Optional.ofNullable(clusters);
    }

    /** The keyword vocabulary, for {@code keywords}. */
    public Optional<KeywordTagger> keywords() {
        return Optional.ofNullable(keywords);
    }

    /** The embedding space, for {@code cluster}. */
    public Optional<EmbeddingSpace> embeddingSpace() {
        return Optional.ofNullable(space);
    }

    /**
     * One line on what was fitted, for logs and reports: per granularity the cluster count and training rows per cluster
     * (min / median / max), or the keyword vocabulary's size; empty for the schemes that fit nothing.
     */
    public String summary() {
        if (clusters != null) {
            List<String> parts = new ArrayList<>();
            for (ClusterTagger.Granularity g : clusters.granularities()) {
                int[] sizes = g.trainingSizes();
                java.util.Arrays.sort(sizes);
                parts.add(String.format(java.util.Locale.ROOT, "c%d: %d clusters, training rows per cluster min %d / median %s / max %d%s",
                        g.k(), g.k(), sizes[0], median(sizes), sizes[sizes.length - 1],
                        g.converged() ? "" : " (stopped after " + g.iterations() + " iterations)"));
            }
            return trainingRows + " training rows; " + String.join("; ", parts);
        }
        if (keywords != null) {
            return trainingRows + " training rows; a vocabulary of " + keywords.vocabularySize() + " keywords";
        }
        return "";
    }

    private static String median(int[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? String.valueOf(sorted[n / 2])
                : (sorted[n / 2 - 1] + sorted[n / 2]) % 2 == 0 ? String.valueOf((sorted[n / 2 - 1] + sorted[n / 2]) / 2)
                : String.format(java.util.Locale.ROOT, "%.1f", (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0);
    }

    /** Writes the tagger file atomically. */
    public void save(Path file) {
        byte[] centroids = clusters == null ? new byte[0] : clusters.centroids();
        ObjectNode h = JSON.createObjectNode();
        h.put("format", FORMAT);
        h.put("scheme", scheme.toString());
        h.put("seed", seed);
        h.put("trainingRows", trainingRows);
        if (space != null) {
            ObjectNode e = h.putObject("embedding");
            e.put("encoder", space.encoder());
            e.put("maxTokens", space.maxTokens());
            e.put("dimension", space.dimension());
        }
        if (clusters != null) {
            h.set("clusters", clusters.header());
        }
        if (keywords != null) {
            h.set("keywords", keywords.toJson());
        }
        ObjectNode c = h.putObject("centroids");
        c.put("bytes", centroids.length);
        c.put("sha256", sha256(centroids));
        byte[] header;
        try {
            header = JSON.writeValueAsBytes(h);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write tagger " + file + ": " + e.getMessage(), e);
        }
        AtomicFiles.write(file, out -> {
            out.write(header);
            out.write('\n');
            out.write(centroids);
        });
    }

    /**
     * Reads a tagger file.
     *
     * @throws IllegalArgumentException naming the file and what is wrong
     */
    public static DatasetTagger load(Path file) {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("tagger file " + file + " not found");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tagger " + file + ": " + e.getMessage(), e);
        }
        int nl = 0;
        while (nl < all.length && all[nl] != '\n') {
            nl++;
        }
        JsonNode h;
        try {
            h = JSON.readTree(new String(all, 0, nl, StandardCharsets.UTF_8));
        } catch (IOException e) {
            h = null;
        }
        if (h == null || !h.isObject() || nl == all.length) {
            throw new IllegalArgumentException(file + ": not a tagger file (expected a JSON header line, then the centroids)");
        }
        String format = h.path("format").asText();
        if (!FORMAT.equals(format)) {
            throw new IllegalArgumentException(file + ": format '" + format + "', this version reads " + FORMAT);
        }
        TagScheme scheme;
        try {
            scheme = TagScheme.parse(h.path("scheme").asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": field 'scheme': " + e.getMessage());
        }
        ByteBuffer body = ByteBuffer.wrap(all, nl + 1, all.length - nl - 1).slice();
        long declared = h.path("centroids").path("bytes").asLong(-1);
        if (declared != body.remaining()) {
            throw new IllegalArgumentException(file + ": " + body.remaining() + " bytes of centroids, the header says " + declared
                    + " (a truncated or altered file)");
        }
        byte[] bytes = new byte[body.remaining()];
        body.duplicate().get(bytes);
        if (!sha256(bytes).equals(h.path("centroids").path("sha256").asText())) {
            throw new IllegalArgumentException(file + ": the centroids do not match the checksum in the header (the file was altered)");
        }
        long seed = h.path("seed").asLong();
        int rows = h.path("trainingRows").asInt();
        String where = file.toString();
        return switch (scheme.kind()) {
            case CLUSTER -> {
                JsonNode e = h.path("embedding");
                if (!e.path("encoder").isTextual() || !e.path("maxTokens").canConvertToInt() || !e.path("dimension").canConvertToInt()) {
                    throw new IllegalArgumentException(file + ": field 'embedding': expected encoder, maxTokens and dimension");
                }
                EmbeddingSpace space = new EmbeddingSpace(e.path("encoder").asText(), e.path("maxTokens").asInt(), e.path("dimension").asInt());
                ClusterTagger c = ClusterTagger.read(h.path("clusters"), body, where);
                if (c.dimension() != space.dimension() || !c.ks().equals(scheme.ks())) {
                    throw new IllegalArgumentException(file + ": the clusters (k = " + c.ks() + ", " + c.dimension()
                            + "-d) do not match the scheme " + scheme + " and the " + space.dimension() + "-d embedding");
                }
                yield new DatasetTagger(scheme, seed, rows, space, c, null);
            }
            case KEYWORDS -> {
                KeywordTagger k;
                try {
                    k = KeywordTagger.fromJson(h.get("keywords"));
                } catch (IllegalArgumentException ex) {
                    throw new IllegalArgumentException(file + ": " + ex.getMessage());
                }
                yield new DatasetTagger(scheme, seed, rows, null, null, k);
            }
            case DATA, SUBSET, NONE -> new DatasetTagger(scheme, seed, rows, null, null, null);
        };
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "DatasetTagger[" + scheme + ", " + trainingRows + " training rows, seed " + seed + "]";
    }
}
