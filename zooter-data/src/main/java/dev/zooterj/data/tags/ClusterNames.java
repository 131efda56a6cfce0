package dev.zooterj.data.tags;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Readable names for clusters of texts, from each cluster's most distinctive words (a class-based tf-idf, as in
 * BERTopic's c-TF-IDF): a word w scores {@code share(w, c) · ln(N / df(w))} in cluster c, where share is the fraction
 * of the cluster's texts that contain w, df the number of all N texts that contain it. The top words, joined by
 * {@code -} after a prefix, name the cluster: {@code c512:sql-join-query}.
 *
 * <p>Words are {@link TextNormalizer#contentWords} (for Chinese and Japanese, which have no spaces, overlapping
 * character pairs). A word must occur in at least two of the
 * cluster's texts (when the cluster has two or more) so a name is not one query's typo; a cluster with no such word
 * falls back to words of one text, and a cluster with no words at all is named {@code <prefix>cluster-<index>}.
 * Clusters whose names clash get {@code -<index>} appended, so names are unique. Words of equal score keep the order
 * in which they first appear in the texts, so names read naturally and are deterministic for a given text order.
 */
public final class ClusterNames {
    /** Words per name by default. */
    public static final int DEFAULT_WORDS = 3;
    /** Longest word, in code points, that goes into a name (longer ones are cut). */
    public static final int MAX_WORD_LENGTH = 24;

    private ClusterNames() {
    }

    /**
     * Names k clusters.
     *
     * @param texts   the clustered texts
     * @param cluster each text's cluster, 0 … k−1
     * @param k       number of clusters (some may be empty)
     * @param prefix  put before every name, e.g. {@code c64:}
     * @param words   most words per name (>= 1)
     * @return k unique names, by cluster index
     */
    public static List<String> name(List<String> texts, int[] cluster, int k, String prefix, int words) {
        if (texts.size() != cluster.length) {
            throw new IllegalArgumentException(texts.size() + " texts but " + cluster.length + " cluster indices");
        }
        if (words < 1) {
            throw new IllegalArgumentException("a name needs at least one word, got " + words);
        }
        Map<String, Integer> df = new HashMap<>();
        Map<String, Integer> firstSeen = new HashMap<>(); // ties read in the order the words first appear
        List<Map<String, Integer>> inCluster = new ArrayList<>(k);
        int[] size = new int[k];
        for (int c = 0; c < k; c++) {
            inCluster.add(new HashMap<>());
        }
        for (int i = 0; i < texts.size(); i++) {
            int c = cluster[i];
            if (c < 0 || c >= k) {
                throw new IllegalArgumentException("text " + i + " is in cluster " + c + ", expected 0 … " + (k - 1));
            }
            size[c]++;
            for (String w : nameWords(texts.get(i))) {
                df.merge(w, 1, Integer::sum);
                firstSeen.putIfAbsent(w, firstSeen.size());
                inCluster.get(c).merge(w, 1, Integer::sum);
            }
        }
        double n = texts.size();
        List<String> names = new ArrayList<>(k);
        for (int c = 0; c < k; c++) {
            int clusterSize = size[c];
            List<Map.Entry<String, Integer>> candidates = new ArrayList<>(inCluster.get(c).entrySet());
            int support = Math.min(2, clusterSize);
            List<Map.Entry<String, Integer>> supported = candidates.stream().filter(e -> e.getValue() >= support).toList();
            if (!supported.isEmpty()) {
                candidates = new ArrayList<>(supported);
            }
            Comparator<Map.Entry<String, Integer>> byScore = Comparator.comparingDouble(
                    (Map.Entry<String, Integer> e) -> -((double) e.getValue() / clusterSize) * Math.log(n / df.get(e.getKey())));
            Comparator<Map.Entry<String, Integer>> bySupport = Comparator.comparingInt(e -> -e.getValue());
            Comparator<Map.Entry<String, Integer>> byFirstSeen = Comparator.comparingInt(e -> firstSeen.get(e.getKey()));
            candidates.sort(byScore.thenComparing(bySupport).thenComparing(byFirstSeen));
            List<String> top = new ArrayList<>();
            for (int i = 0; i < candidates.size() && top.size() < words; i++) {
                top.add(cut(candidates.get(i).getKey()));
            }
            names.add(top.isEmpty() ? null : prefix + String.join("-", new LinkedHashSet<>(top)));
        }
        return unique(names, prefix);
    }

    /** Clashing names get their cluster index appended; clusters without words become {@code cluster-<index>}. */
    private static List<String> unique(List<String> names, String prefix) {
        Map<String, Integer> uses = new LinkedHashMap<>();
        names.forEach(nm -> {
            if (nm != null) {
                uses.merge(nm, 1, Integer::sum);
            }
        });
        List<String> out = new ArrayList<>(names.size());
        Set<String> taken = new java.util.HashSet<>(uses.keySet());
        for (int c = 0; c < names.size(); c++) {
            String nm = names.get(c);
            if (nm != null && uses.get(nm) == 1) {
                out.add(nm);
                continue;
            }
            // content words are never all digits, so "-<index>" rarely meets a natural name; loop for the rare cut word that is
            String unique = (nm == null ? prefix + "cluster" : nm) + "-" + c;
            while (!taken.add(unique)) {
                unique = unique + "-" + c;
            }
            out.add(unique);
        }
        return out;
    }

    /** The distinct words of a text that can name a cluster (unspaced scripts come as character bigrams). */
    static Set<String> nameWords(String text) {
        return new LinkedHashSet<>(TextNormalizer.contentWords(text));
    }

    private static String cut(String w) {
        return w.codePointCount(0, w.length()) <= MAX_WORD_LENGTH ? w : w.substring(0, w.offsetByCodePoints(0, MAX_WORD_LENGTH));
    }
}
