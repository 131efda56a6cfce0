package dev.zooterj.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.data.DecisionRows;
import dev.zooterj.data.tags.ClusterTagger;
import dev.zooterj.data.tags.DatasetTagger;
import dev.zooterj.data.tags.TagScheme;
import dev.zooterj.data.tags.TextEmbedder;
import dev.zooterj.data.tags.TrainingRows;
import dev.zooterj.nn.router.EncoderEmbedder;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cluster tags on Spark, as {@code zooter tags --method cluster}: the tagger is fitted on the driver with the project's
 * own seeded k-means ({@link DatasetTagger#fit}: training rows in id order, embedded in one call, k-means++ and Lloyd),
 * so the same data and seed give the same clusters and names as on one machine; the fitted tagger is broadcast and
 * every row is embedded and tagged (nearest centroid) on the executors.
 *
 * <p>Spark ML's {@code KMeans} was not used for the fit: its k-means|| initialisation and its own random stream cannot
 * give the single-machine clusters, and the tags would then differ from {@code zooter tags} for the same seed. The fit
 * needs the training rows' embeddings on the driver (384 floats each; about 1.5 GB for a million rows).
 */
public final class TagsJob {
    /** The fitted tagger and the tagged rows (the input's JSON rows with {@code tags} filled in, in input order). */
    public record Result(DatasetTagger tagger, TrainingRows training, long trainingRows, JavaRDD<String> rows) {
    }

    private static final Map<Long, DatasetTagger> TAGGERS = new ConcurrentHashMap<>();

    private TagsJob() {
    }

    /**
     * Fits cluster tags on the training rows of {@code rows} and tags every row.
     *
     * @param split        the training split, or null for the default ({@link TrainingRows#choose})
     * @param encoder      a {@link dev.zooterj.nn.router.FrozenEncoder#of} choice, e.g. minilm
     * @param keepExisting keep a row's own tags before the new ones
     * @param where        names the data in errors
     */
    public static Result cluster(JavaSparkContext sc, JavaRDD<DatasetRow> rows, List<Integer> ks, long seed, String split,
                                 String encoder, int maxTokens, Path embeddingCache, boolean keepExisting, String where) {
        TagScheme scheme = TagScheme.cluster(ks);
        List<String> splits = rows.map(r -> r.split() == null ? "\u0000" : r.split()).distinct().collect();
        Set<String> named = new java.util.TreeSet<>(splits);
        boolean unsplit = named.remove("\u0000");
        TrainingRows training = TrainingRows.choose(named, unsplit, split, where);
        List<RewardRecord> trainingRows = rows.filter(r -> training.isTraining(r.split())).collect().stream()
                .map(r -> new RewardRecord(r.id(), r.text(), null, null, null, r.split(), new double[0], null, null)).toList();
        TextEmbedder driverEmbedder = new EncoderEmbedder(EncoderHolder.encoder(encoder), maxTokens, embeddingCache, null);
        DatasetTagger tagger = DatasetTagger.fit(scheme, trainingRows, driverEmbedder, seed);
        Broadcast<byte[]> shipped = sc.broadcast(bytes(tagger));
        long key = shipped.id();
        JavaRDD<String> tagged = rows.mapPartitions(it -> {
            DatasetTagger t = TAGGERS.computeIfAbsent(key, k -> load(shipped.value()));
            ClusterTagger clusters = t.clusters().orElseThrow();
            EncoderEmbedder e = EncoderHolder.embedder(encoder, maxTokens);
            return new Batched<>(it, DecisionRows.CHUNK, chunk -> {
                List<List<String>> tags = clusters.tags(e.embed(chunk.stream().map(DatasetRow::text).toList()));
                List<String> out = new ArrayList<>(chunk.size());
                for (int i = 0; i < chunk.size(); i++) {
                    out.add(withTags(chunk.get(i).json(), tags.get(i), keepExisting));
                }
                return out;
            });
        });
        return new Result(tagger, training, trainingRows.size(), tagged);
    }

    /** The row with {@code tags} set as {@link DatasetTagger#withTags} sets it. */
    static String withTags(ObjectNode row, List<String> tags, boolean keepExisting) {
        LinkedHashSet<String> merged = new LinkedHashSet<>();
        JsonNode old = row.get("tags");
        if (keepExisting && old != null && old.isArray()) {
            old.forEach(t -> merged.add(t.asText()));
        }
        merged.addAll(tags);
        ArrayNode a = row.putArray("tags");
        merged.forEach(a::add);
        try {
            return Json.MAPPER.writeValueAsString(row);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(DatasetTagger t) {
        try {
            Path f = Files.createTempFile("zooter-tagger", ".json");
            try {
                t.save(f);
                return Files.readAllBytes(f);
            } finally {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static DatasetTagger load(byte[] b) {
        try {
            Path f = Files.createTempFile("zooter-tagger", ".json");
            try {
                Files.write(f, b);
                return DatasetTagger.load(f);
            } finally {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
