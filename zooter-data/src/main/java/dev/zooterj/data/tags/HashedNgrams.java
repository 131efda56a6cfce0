package dev.zooterj.data.tags;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Sparse lexical features of a query, by the hashing trick (scikit-learn's {@code HashingVectorizer}): lower-cased word
 * unigrams and bigrams (a word is a run of letters or digits; every other non-space character is a word of its own,
 * so a prompt's punctuation and layout count) and character 3-, 4- and 5-grams of the lower-cased text padded with a
 * space. Each feature's count c becomes 1 + ln c, is added with a sign drawn from its hash to one of {@code dimension}
 * buckets, and the vector is L2-normalised. The hash is a fixed function of the UTF-8 bytes (64-bit FNV-1a, then a
 * murmur finaliser of {@link LongHashSet#mix}), so the features are the same on every JVM.
 *
 * <p>Benchmark prompts carry their format — "Question: … Answer:", lettered options, a Chinese "答案：", a Python
 * signature — which sentence embeddings blur and these features keep, so a task classifier on them is far more accurate.
 */
public final class HashedNgrams {
    /** Buckets by default: 2^18. */
    public static final int DEFAULT_DIMENSION = 1 << 18;

    private final int dimension;

    public HashedNgrams(int dimension) {
        if (dimension < 16 || Integer.bitCount(dimension) != 1) {
            throw new IllegalArgumentException("hashed n-gram dimension: expected a power of two >= 16, got " + dimension);
        }
        this.dimension = dimension;
    }

    public int dimension() {
        return dimension;
    }

    /** A sparse vector: sorted distinct indices and their values. */
    public record Sparse(int[] index, float[] value) {
        public int size() {
            return index.length;
        }
    }

    public Sparse features(String text) {
        String t = text == null ? "" : text.toLowerCase(Locale.ROOT);
        Map<String, Integer> counts = new HashMap<>();
        String previous = null;
        int i = 0;
        int n = t.length();
        while (i < n) {
            int cp = t.codePointAt(i);
            int len = Character.charCount(cp);
            if (Character.isWhitespace(cp)) {
                i += len;
                continue;
            }
            int end = i + len;
            if (Character.isLetterOrDigit(cp)) {
                while (end < n && Character.isLetterOrDigit(t.codePointAt(end))) {
                    end += Character.charCount(t.codePointAt(end));
                }
            }
            String word = t.substring(i, end);
            counts.merge("w:" + word, 1, Integer::sum);
            if (previous != null) {
                counts.merge("b:" + previous + ' ' + word, 1, Integer::sum);
            }
            previous = word;
            i = end;
        }
        String padded = ' ' + t + ' ';
        int[] cps = padded.codePoints().toArray();
        for (int g = 3; g <= 5; g++) {
            for (int s = 0; s + g <= cps.length; s++) {
                counts.merge("c" + g + ':' + new String(cps, s, g), 1, Integer::sum);
            }
        }
        Map<Integer, Double> buckets = new HashMap<>();
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            long h = hash(e.getKey());
            int bucket = (int) (h & (dimension - 1));
            double sign = (h >>> 63) == 0 ? 1 : -1;
            buckets.merge(bucket, sign * (1 + Math.log(e.getValue())), Double::sum);
        }
        int[] idx = buckets.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
        double norm = 0;
        for (int k : idx) {
            double v = buckets.get(k);
            norm += v * v;
        }
        norm = norm > 0 ? Math.sqrt(norm) : 1;
        float[] val = new float[idx.length];
        for (int k = 0; k < idx.length; k++) {
            val[k] = (float) (buckets.get(idx[k]) / norm);
        }
        return new Sparse(idx, val);
    }

    static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= (b & 0xff);
            h *= 0x100000001b3L;
        }
        return LongHashSet.mix(h);
    }

    @Override
    public String toString() {
        return "HashedNgrams[" + dimension + "]";
    }
}
