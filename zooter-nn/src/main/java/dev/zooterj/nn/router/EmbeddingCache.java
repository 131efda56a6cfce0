package dev.zooterj.nn.router;

import dev.zooterj.nn.io.Hashing;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Pooled embeddings of a frozen encoder, on disk, keyed by the encoder's identity and the SHA-256 of
 * (max tokens, text). One append-only file per encoder: each record is the 32-byte key and D little-endian
 * floats. New embeddings are appended batch by batch, so an interrupted run keeps what it computed; a torn
 * last record (a crash mid-write) is cut off the file on load, so later appends stay aligned.
 */
public final class EmbeddingCache {
    private static final int KEY_BYTES = 32;
    /** Texts encoded between appends: what an interruption can lose at most. */
    private static final int CHUNK = 256;

    private final Path file;
    private final int dimension;
    private final Map<Key, float[]> entries = new HashMap<>();
    private int loadedRecords;
    private long tornBytesDropped;

    private record Key(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && java.util.Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(bytes);
        }
    }

    /** One instance per file in a JVM, so routers sharing a cache see each other's new embeddings. */
    private static final java.util.concurrent.ConcurrentHashMap<Path, EmbeddingCache> OPEN = new java.util.concurrent.ConcurrentHashMap<>();

    private EmbeddingCache(Path file, int dimension) {
        this.file = file;
        this.dimension = dimension;
        load();
    }

    /** The cache of {@code encoderIdentity} in {@code dir}, shared by every caller in this JVM. */
    public static EmbeddingCache open(Path dir, String encoderIdentity, int dimension) {
        Path file = dir.toAbsolutePath().normalize()
                .resolve(Hashing.sha256(encoderIdentity).substring(0, 24) + "-" + dimension + ".emb");
        return OPEN.computeIfAbsent(file, f -> new EmbeddingCache(f, dimension));
    }

    private void load() {
        if (!Files.isRegularFile(file)) {
            return;
        }
        try {
            byte[] all = Files.readAllBytes(file);
            int record = KEY_BYTES + 4 * dimension;
            ByteBuffer buf = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
            for (int off = 0; off + record <= all.length; off += record) {
                byte[] key = java.util.Arrays.copyOfRange(all, off, off + KEY_BYTES);
                float[] v = new float[dimension];
                buf.position(off + KEY_BYTES);
                buf.asFloatBuffer().get(v);
                entries.put(new Key(key), v);
                loadedRecords++;
            }
            long whole = (long) loadedRecords * record;
            if (whole < all.length) {
                // A torn last record (a run killed mid-append): cut it off, or the next append would be misaligned.
                try (var channel = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
                    channel.truncate(whole);
                }
                tornBytesDropped = all.length - whole;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read embedding cache " + file + ": " + e.getMessage(), e);
        }
    }

    private static Key key(String text, int maxTokens) {
        return new Key(Hashing.sha256().digest((maxTokens + "\u0000" + text).getBytes(StandardCharsets.UTF_8)));
    }

    /** How many distinct texts are not cached yet. */
    public synchronized int countMissing(List<String> texts, int maxTokens) {
        java.util.Set<Key> missing = new java.util.HashSet<>();
        for (String t : texts) {
            Key k = key(t, maxTokens);
            if (!entries.containsKey(k)) {
                missing.add(k);
            }
        }
        return missing.size();
    }

    /** Embeddings of {@code texts} [n, D]: cached ones are read, the rest computed by {@code encode} and appended. */
    public synchronized INDArray embed(List<String> texts, int maxTokens, Function<List<String>, INDArray> encode) {
        List<String> missing = new ArrayList<>();
        List<Key> missingKeys = new ArrayList<>();
        java.util.Set<Key> queued = new java.util.HashSet<>();
        for (String t : texts) {
            Key k = key(t, maxTokens);
            if (!entries.containsKey(k) && queued.add(k)) {
                missing.add(t);
                missingKeys.add(k);
            }
        }
        for (int from = 0; from < missing.size(); from += CHUNK) {
            int to = Math.min(missing.size(), from + CHUNK);
            INDArray computed = encode.apply(missing.subList(from, to)).castTo(DataType.FLOAT);
            append(missingKeys.subList(from, to), computed);
        }
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < texts.size(); i++) {
            out[i] = entries.get(key(texts.get(i), maxTokens));
        }
        return Nd4j.create(out);
    }

    private void append(List<Key> keys, INDArray vectors) {
        try {
            Files.createDirectories(file.getParent());
            try (OutputStream raw = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                 DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 16))) {
                ByteBuffer buf = ByteBuffer.allocate(4 * dimension).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < keys.size(); i++) {
                    float[] v = vectors.getRow(i).toFloatVector();
                    buf.clear();
                    buf.asFloatBuffer().put(v);
                    out.write(keys.get(i).bytes());
                    out.write(buf.array());
                    entries.put(keys.get(i), v);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write embedding cache " + file + ": " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    /** Bytes of a torn last record cut off the file when it was opened (0 when it ended on a whole record). */
    public long tornBytesDropped() {
        return tornBytesDropped;
    }

    /** Records found on disk when the cache was opened. */
    public int loadedRecords() {
        return loadedRecords;
    }

    public int size() {
        return entries.size();
    }
}
