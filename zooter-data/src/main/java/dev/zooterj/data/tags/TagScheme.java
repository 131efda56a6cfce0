package dev.zooterj.data.tags;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which tags a query carries for tag-based label enhancement (METHOD.md §3), as written on the command line:
 * <ul>
 *   <li>{@code data}: the record's own tags, unchanged (the default);</li>
 *   <li>{@code subset}: one tag, the record's subset (none when it has no subset);</li>
 *   <li>{@code cluster:K[,K2...]}: one tag per granularity K, the k-means cluster of the query's pretrained-encoder
 *       embedding, named by the cluster's most distinctive words ({@link ClusterTagger});</li>
 *   <li>{@code keywords}: the query's most distinctive training-vocabulary words ({@link KeywordTagger});</li>
 *   <li>{@code none}: no tags, so s* = s.</li>
 * </ul>
 * {@code cluster} and {@code keywords} are fitted on training rows only ({@link DatasetTagger}).
 *
 * @param kind the scheme
 * @param ks   the cluster counts, one granularity each, for {@link Kind#CLUSTER}; empty otherwise
 */
public record TagScheme(Kind kind, List<Integer> ks) {
    /** The tag schemes. */
    public enum Kind {
        DATA, SUBSET, CLUSTER, KEYWORDS, NONE;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The record's own tags: today's behaviour. */
    public static final TagScheme DATA = new TagScheme(Kind.DATA, List.of());
    public static final TagScheme SUBSET = new TagScheme(Kind.SUBSET, List.of());
    public static final TagScheme KEYWORDS = new TagScheme(Kind.KEYWORDS, List.of());
    public static final TagScheme NONE = new TagScheme(Kind.NONE, List.of());

    /** What {@link #parse} accepts, for error messages and help texts. */
    public static final String SYNTAX = "data, subset, cluster:K[,K2...], keywords or none";

    public TagScheme {
        if (kind == null) {
            throw new IllegalArgumentException("a tag scheme needs a kind");
        }
        ks = List.copyOf(ks == null ? List.of() : ks);
        if (kind == Kind.CLUSTER) {
            if (ks.isEmpty()) {
                throw new IllegalArgumentException("tag scheme cluster needs at least one k, e.g. cluster:64 or cluster:64,512");
            }
            Set<Integer> seen = new LinkedHashSet<>();
            for (int k : ks) {
                if (k < 1) {
                    throw new IllegalArgumentException("tag scheme cluster: k must be >= 1, got " + k);
                }
                if (!seen.add(k)) {
                    throw new IllegalArgumentException("tag scheme cluster: k = " + k + " is listed twice");
                }
            }
        } else if (!ks.isEmpty()) {
            throw new IllegalArgumentException("tag scheme " + kind.label() + " takes no cluster counts");
        }
    }

    /** k-means clusters at the given granularities. */
    public static TagScheme cluster(List<Integer> ks) {
        return new TagScheme(Kind.CLUSTER, ks);
    }

    /**
     * Parses {@code data}, {@code subset}, {@code cluster:K[,K2...]}, {@code keywords} or {@code none}.
     *
     * @throws IllegalArgumentException a one-line message naming the value and what is allowed
     */
    public static TagScheme parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty tag scheme; expected " + SYNTAX);
        }
        String s = text.strip();
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.equals("cluster") || lower.startsWith("cluster:")) {
            String list = lower.equals("cluster") ? "" : s.substring("cluster:".length());
            if (list.isBlank()) {
                throw new IllegalArgumentException("tag scheme '" + s + "': cluster needs at least one k, e.g. cluster:64 or cluster:64,512");
            }
            List<Integer> ks = new ArrayList<>();
            for (String part : list.split(",", -1)) {
                String p = part.strip();
                int k;
                try {
                    k = Integer.parseInt(p);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("tag scheme '" + s + "': k must be a whole number >= 1, got '" + p + "'");
                }
                if (k < 1) {
                    throw new IllegalArgumentException("tag scheme '" + s + "': k must be a whole number >= 1, got " + k);
                }
                ks.add(k);
            }
            try {
                return cluster(ks);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("tag scheme '" + s + "': " + e.getMessage().replaceFirst("^tag scheme cluster: ", ""));
            }
        }
        for (Kind k : Kind.values()) {
            if (k != Kind.CLUSTER && k.label().equals(lower)) {
                return new TagScheme(k, List.of());
            }
        }
        throw new IllegalArgumentException("unknown tag scheme '" + s + "'; expected " + SYNTAX);
    }

    /** True for the schemes fitted on training rows ({@code cluster}, {@code keywords}). */
    public boolean fitted() {
        return kind == Kind.CLUSTER || kind == Kind.KEYWORDS;
    }

    /** True when tagging needs the queries' embeddings ({@code cluster}). */
    public boolean needsEmbeddings() {
        return kind == Kind.CLUSTER;
    }

    /** A readable description for reports. */
    public String describe() {
        return switch (kind) {
            case DATA -> "data: the dataset's own tags";
            case SUBSET -> "subset: one tag per query, its subset";
            case CLUSTER -> "cluster: k-means clusters of the pretrained MiniLM embeddings at k = "
                    + ks.stream().map(String::valueOf).collect(Collectors.joining(", "))
                    + " (one tag per k), fitted on the training rows only";
            case KEYWORDS -> "keywords: the query's most distinctive words (tf-idf), vocabulary fitted on the training rows only";
            case NONE -> "none: no tags (s* = s)";
        };
    }

    /** The spelling {@link #parse} reads back: {@code cluster:64,512}, {@code subset}, ... */
    @Override
    public String toString() {
        return kind == Kind.CLUSTER
                ? "cluster:" + ks.stream().map(String::valueOf).collect(Collectors.joining(","))
                : kind.label();
    }
}
