package dev.zooterj.data.tags;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tags a query with its most distinctive words, for datasets that carry only one coarse tag: the
 * {@code tagsPerQuery} content words ({@link TextNormalizer#contentWords}) of highest tf-idf, named
 * {@code kw:<word>}.
 *
 * <p>Document frequencies come from the training texts only, so nothing about evaluation queries leaks into the
 * tags: a word seen only outside training never becomes a tag. A word is in the vocabulary when it occurs in at
 * least {@code minDf} training queries (so every tag is shared by several queries and its tag mean means something)
 * and in at most {@code maxDfShare} of them (so near-ubiquitous words such as "explain" do not tag everything).
 * A query's score for a word is {@code tf · idf} with tf its count in the query and
 * {@code idf = ln((1 + N) / (1 + df)) + 1} over N training queries; ties go to the word that sorts first, so tags
 * are deterministic. A query with no vocabulary word gets no tags.
 *
 * <p>{@link #toJson()} stores the vocabulary with its document frequencies, N and the options, and
 * {@link #fromJson} rebuilds a tagger that gives identical tags, so tags at training time and later agree.
 * Instances are immutable and thread-safe.
 */
public final class KeywordTagger {
    /** The prefix of every keyword tag. */
    public static final String PREFIX = "kw:";

    private static final String KIND = "zooter-keyword-tagger";
    private static final int VERSION = 1;

    /**
     * Fitting and tagging settings.
     *
     * @param tagsPerQuery the most tags one query gets (>= 1)
     * @param minDf        a word must occur in at least this many training queries to be a tag (>= 1)
     * @param maxDfShare   and in at most this share of them, in (0, 1]
     */
    public record Options(int tagsPerQuery, int minDf, double maxDfShare) {
        public Options {
            if (tagsPerQuery < 1) {
                throw new IllegalArgumentException("tagsPerQuery must be >= 1, got " + tagsPerQuery);
            }
            if (minDf < 1) {
                throw new IllegalArgumentException("minDf must be >= 1, got " + minDf);
            }
            if (!(maxDfShare > 0 && maxDfShare <= 1)) {
                throw new IllegalArgumentException("maxDfShare must be in (0, 1], got " + maxDfShare);
            }
        }

        /** Two tags per query, words in at least 3 training queries and at most 30 % of them. */
        public static Options defaults() {
            return new Options(2, 3, 0.3);
        }

        public Options withTagsPerQuery(int n) {
            return new Options(n, minDf, maxDfShare);
        }

        public Options withMinDf(int n) {
            return new Options(tagsPerQuery, n, maxDfShare);
        }

        public Options withMaxDfShare(double share) {
            return new Options(tagsPerQuery, minDf, share);
        }
    }

    private final Options options;
    private final int documents;
    private final Map<String, Integer> documentFrequency;
    private final Map<String, Double> idf;

    private KeywordTagger(Options options, int documents, Map<String, Integer> documentFrequency) {
        this.options = options;
        this.documents = documents;
        this.documentFrequency = Collections.unmodifiableMap(new HashMap<>(documentFrequency));
        this.idf = new HashMap<>(documentFrequency.size() * 2);
        documentFrequency.forEach((term, df) -> idf.put(term, Math.log((1.0 + documents) / (1.0 + df)) + 1.0));
    }

    /** Counts document frequencies over the training texts (one pass) and keeps the words the options allow. */
    public static KeywordTagger fit(List<String> trainingTexts, Options options) {
        Map<String, int[]> counts = new HashMap<>();
        for (String text : trainingTexts) {
            for (String term : new HashSet<>(TextNormalizer.contentWords(text))) {
                counts.computeIfAbsent(term, t -> new int[1])[0]++;
            }
        }
        int n = trainingTexts.size();
        double maxDf = options.maxDfShare() * n;
        Map<String, Integer> vocabulary = new HashMap<>();
        counts.forEach((term, df) -> {
            if (df[0] >= options.minDf() && df[0] <= maxDf) {
                vocabulary.put(term, df[0]);
            }
        });
        return new KeywordTagger(options, n, vocabulary);
    }

    /**
     * Up to {@code tagsPerQuery} tags {@code kw:<word>}, by tf-idf descending and then word; empty when the text
     * has no vocabulary word.
     */
    public List<String> tags(String text) {
        Map<String, int[]> tf = new HashMap<>();
        for (String w : TextNormalizer.contentWords(text)) {
            if (idf.containsKey(w)) {
                tf.computeIfAbsent(w, t -> new int[1])[0]++;
            }
        }
        List<Map.Entry<String, Double>> scored = new ArrayList<>(tf.size());
        tf.forEach((term, count) -> scored.add(Map.entry(term, count[0] * idf.get(term))));
        scored.sort(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        List<String> out = new ArrayList<>(Math.min(options.tagsPerQuery(), scored.size()));
        for (int i = 0; i < scored.size() && i < options.tagsPerQuery(); i++) {
            out.add(PREFIX + scored.get(i).getKey());
        }
        return out;
    }

    /** The options fitted with (tagsPerQuery applies at tagging time). */
    public Options options() {
        return options;
    }

    /** N: the number of training texts fitted on. */
    public int documents() {
        return documents;
    }

    /** How many words can be tags. */
    public int vocabularySize() {
        return documentFrequency.size();
    }

    /** The vocabulary: word to the number of training texts it occurs in. */
    public Map<String, Integer> documentFrequencies() {
        return documentFrequency;
    }

    /** The vocabulary, document count and options, the vocabulary sorted by word so the output is stable. */
    public ObjectNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        root.put("kind", KIND);
        root.put("version", VERSION);
        ObjectNode o = root.putObject("options");
        o.put("tagsPerQuery", options.tagsPerQuery());
        o.put("minDf", options.minDf());
        o.put("maxDfShare", options.maxDfShare());
        root.put("documents", documents);
        ObjectNode vocabulary = root.putObject("vocabulary");
        new TreeMap<>(documentFrequency).forEach(vocabulary::put);
        return root;
    }

    /**
     * Rebuilds a tagger from {@link #toJson()}.
     *
     * @throws IllegalArgumentException naming the field when the JSON is not a keyword tagger
     */
    public static KeywordTagger fromJson(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw bad(null, "expected a JSON object");
        }
        if (!KIND.equals(json.path("kind").asText(null))) {
            throw bad("kind", "expected '" + KIND + "', got " + json.get("kind"));
        }
        if (json.path("version").asInt(-1) != VERSION) {
            throw bad("version", "expected " + VERSION + ", got " + json.get("version"));
        }
        JsonNode o = json.get("options");
        if (o == null || !o.isObject()) {
            throw bad("options", "expected an object");
        }
        int tagsPerQuery = integer(o, "options.tagsPerQuery");
        int minDf = integer(o, "options.minDf");
        double maxDfShare = number(o, "options.maxDfShare");
        Options options;
        try {
            options = new Options(tagsPerQuery, minDf, maxDfShare);
        } catch (IllegalArgumentException e) {
            throw bad("options", e.getMessage());
        }
        int documents = integer(json, "documents");
        if (documents < 0) {
            throw bad("documents", "expected a count >= 0, got " + documents);
        }
        JsonNode v = json.get("vocabulary");
        if (v == null || !v.isObject()) {
            throw bad("vocabulary", "expected an object of word to document frequency");
        }
        Map<String, Integer> vocabulary = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode df = e.getValue();
            if (!df.canConvertToInt() || !df.isIntegralNumber() || df.intValue() < 1 || df.intValue() > documents) {
                throw bad("vocabulary." + e.getKey(), "expected a document frequency in [1, " + documents + "], got " + df);
            }
            vocabulary.put(e.getKey(), df.intValue());
        }
        return new KeywordTagger(options, documents, vocabulary);
    }

    private static int integer(JsonNode parent, String path) {
        JsonNode n = parent.get(path.substring(path.lastIndexOf('.') + 1));
        if (n == null || !n.isIntegralNumber() || !n.canConvertToInt()) {
            throw bad(path, "expected an integer, got " + n);
        }
        return n.intValue();
    }

    private static double number(JsonNode parent, String path) {
        JsonNode n = parent.get(path.substring(path.lastIndexOf('.') + 1));
        if (n == null || !n.isNumber()) {
            throw bad(path, "expected a number, got " + n);
        }
        return n.doubleValue();
    }

    private static IllegalArgumentException bad(String field, String problem) {
        return new IllegalArgumentException("keyword tagger: " + (field == null ? "" : "field '" + field + "': ") + problem);
    }

    @Override
    public String toString() {
        return "KeywordTagger[" + documentFrequency.size() + " words from " + documents + " training texts, " + options + "]";
    }
}
