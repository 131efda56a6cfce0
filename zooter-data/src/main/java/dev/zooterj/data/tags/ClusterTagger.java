package dev.zooterj.data.tags;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Tags queries by the cluster their embedding falls in, at one or more granularities: a query gets one tag per
 * granularity, e.g. {@code c64:sql-database-query} and {@code c512:sql-join-table}. Fitting runs seeded
 * {@link KMeans} on the L2-normalised training embeddings (so distances follow cosine similarity, the geometry
 * sentence encoders are trained for) and names each cluster with {@link ClusterNames} from its training texts; tagging
 * any other query is its nearest centroid, so nothing but training rows shapes the tags.
 *
 * <p>A training point tags as its own cluster: fitting ends with a nearest-centroid assignment that uses the same
 * arithmetic as {@link #tags(float[])}. Immutable and thread-safe. Persisted by {@link DatasetTagger}.
 */
public final class ClusterTagger {
    private final int dimension;
    private final List<Granularity> granularities;

    /**
     * One clustering.
     *
     * @param k              clusters
     * @param centroids      their centroids, in the normalised embedding space
     * @param names          the tag of each cluster ({@code c<k>:<words>}), unique
     * @param trainingSizes  training rows per cluster
     * @param iterations     Lloyd iterations run
     * @param converged      true when the last iteration moved no training row
     */
    public record Granularity(int k, KMeans.Centroids centroids, List<String> names, int[] trainingSizes, int iterations,
                              boolean converged) {
        public Granularity {
            names = List.copyOf(names);
            if (centroids.k() != k || names.size() != k || trainingSizes.length != k) {
                throw new IllegalArgumentException("granularity k = " + k + " has " + centroids.k() + " centroids, " + names.size()
                        + " names and " + trainingSizes.length + " sizes");
            }
            if (new java.util.HashSet<>(names).size() != k) {
                throw new IllegalArgumentException("granularity k = " + k + ": cluster names are not unique");
            }
            trainingSizes = trainingSizes.clone();
        }

        /** The prefix of this granularity's tags: {@code c<k>:}. */
        public String prefix() {
            return ClusterTagger.prefix(k);
        }

        @Override
        public int[] trainingSizes() {
            return trainingSizes.clone();
        }
    }

    private ClusterTagger(int dimension, List<Granularity> granularities) {
        this.dimension = dimension;
        this.granularities = List.copyOf(granularities);
    }

    /** The tag prefix of granularity k. */
    public static String prefix(int k) {
        return "c" + k + ":";
    }

    /**
     * Clusters the training rows at every k of {@code ks} (each seeded from {@code seed} and k) and names the clusters.
     *
     * @param texts      the training texts (for the names)
     * @param embeddings their embeddings, one row each
     * @throws IllegalArgumentException when a k exceeds the number of training rows, or the inputs do not match
     */
    public static ClusterTagger fit(List<String> texts, float[][] embeddings, List<Integer> ks, long seed) {
        if (texts.size() != embeddings.length) {
            throw new IllegalArgumentException(texts.size() + " texts but " + embeddings.length + " embeddings");
        }
        if (ks.isEmpty()) {
            throw new IllegalArgumentException("no cluster counts given");
        }
        int n = embeddings.length;
        if (new java.util.HashSet<>(ks).size() != ks.size()) {
            throw new IllegalArgumentException("cluster counts " + ks + " list a k twice");
        }
        for (int k : ks) {
            if (k < 1) {
                throw new IllegalArgumentException("cluster:" + k + ": k must be >= 1");
            }
            if (k > n) {
                throw new IllegalArgumentException("cluster:" + k + " needs at least " + k + " training rows, got " + n);
            }
        }
        int d = embeddings[0].length;
        float[][] unit = new float[n][];
        for (int i = 0; i < n; i++) {
            if (embeddings[i].length != d) {
                throw new IllegalArgumentException("embedding " + i + " has " + embeddings[i].length + " dimensions, embedding 0 has " + d);
            }
            unit[i] = unit(embeddings[i]);
        }
        List<Granularity> out = new ArrayList<>();
        for (int k : ks) {
            KMeans.Result r = KMeans.fit(unit, KMeans.Options.of(k, seedFor(seed, k)));
            List<String> names = ClusterNames.name(texts, r.assignment(), k, prefix(k), ClusterNames.DEFAULT_WORDS);
            out.add(new Granularity(k, r.centroids(), names, r.sizes(), r.iterations(), r.converged()));
        }
        return new ClusterTagger(d, out);
    }

    /** Each granularity's own seed, so adding a granularity does not change the others. */
    static long seedFor(long seed, int k) {
        return seed ^ (0x9E3779B97F4A7C15L * k);
    }

    /** One tag per granularity, in the order of the ks. */
    public List<String> tags(float[] embedding) {
        return tags(new float[][]{embedding}).get(0);
    }

    /** The tags of many embeddings (assigned in parallel). */
    public List<List<String>> tags(float[][] embeddings) {
        float[][] unit = new float[embeddings.length][];
        for (int i = 0; i < embeddings.length; i++) {
            if (embeddings[i].length != dimension) {
                throw new IllegalArgumentException("a " + embeddings[i].length + "-d embedding for a tagger fitted on "
                        + dimension + "-d embeddings");
            }
            unit[i] = unit(embeddings[i]);
        }
        List<List<String>> out = new ArrayList<>(embeddings.length);
        for (int i = 0; i < embeddings.length; i++) {
            out.add(new ArrayList<>(granularities.size()));
        }
        for (Granularity g : granularities) {
            int[] nearest = g.centroids().nearest(unit);
            for (int i = 0; i < nearest.length; i++) {
                out.get(i).add(g.names().get(nearest[i]));
            }
        }
        return out.stream().map(List::copyOf).toList();
    }

    /** v / ‖v‖ (a zero vector stays zero). */
    static float[] unit(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        float[] out = v.clone();
        if (s > 0) {
            float inv = (float) (1 / Math.sqrt(s));
            for (int j = 0; j < out.length; j++) {
                out[j] *= inv;
            }
        }
        return out;
    }

    public int dimension() {
        return dimension;
    }

    public List<Granularity> granularities() {
        return granularities;
    }

    /** The cluster counts, in order. */
    public List<Integer> ks() {
        return granularities.stream().map(Granularity::k).toList();
    }

    /** Every tag this tagger can give. */
    public List<String> vocabulary() {
        return granularities.stream().flatMap(g -> g.names().stream()).toList();
    }

    /** Bytes of {@link #writeCentroids}: every centroid as little-endian float32. */
    int centroidBytes() {
        return granularities.stream().mapToInt(g -> g.k() * dimension * Float.BYTES).sum();
    }

    /** The clusterings without their centroids: k, names, training sizes, iterations. */
    ObjectNode header() {
        ObjectNode h = JsonNodeFactory.instance.objectNode();
        h.put("dimension", dimension);
        h.put("normalisation", "l2");
        ArrayNode gs = h.putArray("granularities");
        for (Granularity g : granularities) {
            ObjectNode o = gs.addObject();
            o.put("k", g.k());
            g.names().forEach(o.putArray("names")::add);
            Arrays.stream(g.trainingSizes).forEach(o.putArray("trainingSizes")::add);
            o.put("iterations", g.iterations());
            o.put("converged", g.converged());
        }
        return h;
    }

    /** The centroids of every granularity, in order, as little-endian float32. */
    byte[] centroids() {
        ByteBuffer buf = ByteBuffer.allocate(centroidBytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (Granularity g : granularities) {
            for (int c = 0; c < g.k(); c++) {
                for (float v : g.centroids().centroid(c)) {
                    buf.putFloat(v);
                }
            }
        }
        return buf.array();
    }

    /**
     * Rebuilds a tagger from {@link #header()} and {@link #centroids()}.
     *
     * @param where names the source in errors, e.g. the file
     */
    static ClusterTagger read(JsonNode header, ByteBuffer centroids, String where) {
        int d = header.path("dimension").asInt(-1);
        if (d < 1) {
            throw new IllegalArgumentException(where + ": field 'clusters.dimension': expected a positive integer, got " + header.get("dimension"));
        }
        JsonNode gs = header.path("granularities");
        if (!gs.isArray() || gs.isEmpty()) {
            throw new IllegalArgumentException(where + ": field 'clusters.granularities': expected a non-empty list");
        }
        long bytes = 0;
        for (JsonNode g : gs) {
            bytes += (long) g.path("k").asInt(0) * d * Float.BYTES;
        }
        if (centroids.remaining() != bytes) {
            throw new IllegalArgumentException(where + ": " + centroids.remaining() + " bytes of centroids, the header needs " + bytes
                    + " (a truncated or altered file)");
        }
        centroids.order(ByteOrder.LITTLE_ENDIAN);
        List<Granularity> out = new ArrayList<>();
        for (int i = 0; i < gs.size(); i++) {
            JsonNode g = gs.get(i);
            String field = "clusters.granularities[" + i + "]";
            int k = g.path("k").asInt(0);
            if (k < 1) {
                throw new IllegalArgumentException(where + ": field '" + field + ".k': expected a positive integer, got " + g.get("k"));
            }
            List<String> names = new ArrayList<>();
            g.path("names").forEach(n -> names.add(n.asText()));
            int[] sizes = new int[k];
            JsonNode s = g.path("trainingSizes");
            if (names.size() != k || s.size() != k) {
                throw new IllegalArgumentException(where + ": field '" + field + "': expected " + k + " names and " + k
                        + " training sizes, got " + names.size() + " and " + s.size());
            }
            for (int c = 0; c < k; c++) {
                sizes[c] = s.get(c).asInt();
            }
            float[][] rows = new float[k][d];
            for (int c = 0; c < k; c++) {
                for (int j = 0; j < d; j++) {
                    rows[c][j] = centroids.getFloat();
                    if (!Float.isFinite(rows[c][j])) {
                        throw new IllegalArgumentException(where + ": centroid " + c + " of k = " + k + " has a non-finite value");
                    }
                }
            }
            try {
                out.add(new Granularity(k, new KMeans.Centroids(rows), names, sizes, g.path("iterations").asInt(),
                        g.path("converged").asBoolean()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": field '" + field + "': " + e.getMessage());
            }
        }
        return new ClusterTagger(d, out);
    }
}
