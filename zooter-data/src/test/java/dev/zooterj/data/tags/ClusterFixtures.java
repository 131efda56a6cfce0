package dev.zooterj.data.tags;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** Queries on four topics and a bag-of-words embedder, so cluster tagging can be tested without an encoder. */
final class ClusterFixtures {
    static final Map<String, List<String>> TOPICS = Map.of(
            "sql", List.of("sql", "join", "table", "database", "index"),
            "baking", List.of("bake", "flour", "oven", "dough", "yeast"),
            "poetry", List.of("poem", "rhyme", "verse", "stanza", "sonnet"),
            "astronomy", List.of("orbit", "planet", "gravity", "telescope", "comet"));
    static final List<String> TOPIC_ORDER = List.of("sql", "baking", "poetry", "astronomy");
    private static final List<String> FILLER = List.of("explain", "simple", "detail", "example", "briefly", "steps");
    private static final List<String> VOCABULARY = java.util.stream.Stream.concat(
            TOPIC_ORDER.stream().flatMap(t -> TOPICS.get(t).stream()), FILLER.stream()).toList();

    private ClusterFixtures() {
    }

    /** A query of topic {@code topic}: three of its words and two filler words, drawn by {@code rng}. */
    static String text(String topic, SplittableRandom rng) {
        List<String> words = new ArrayList<>(TOPICS.get(topic));
        StringBuilder s = new StringBuilder("Please");
        for (int i = 0; i < 3; i++) {
            s.append(' ').append(words.remove(rng.nextInt(words.size())));
        }
        s.append(' ').append(FILLER.get(rng.nextInt(FILLER.size()))).append(", ").append(FILLER.get(rng.nextInt(FILLER.size()))).append('.');
        return s.toString();
    }

    /**
     * {@code perTopic} training rows per topic (split train, subset = topic) and {@code test} rows (split test), ids
     * {@code t<i>} and {@code x<i>}.
     */
    static RewardDataset dataset(int perTopic, int test, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<RewardRecord> rows = new ArrayList<>();
        int i = 0;
        for (int r = 0; r < perTopic; r++) {
            for (String topic : TOPIC_ORDER) {
                rows.add(new RewardRecord("t" + i++, text(topic, rng), null, List.of("orig"), topic, "train",
                        new double[]{rng.nextDouble(), rng.nextDouble()}, null, null));
            }
        }
        for (int x = 0; x < test; x++) {
            String topic = TOPIC_ORDER.get(x % 4);
            rows.add(new RewardRecord("x" + x, text(topic, rng), null, List.of(), topic, "test",
                    new double[]{rng.nextDouble(), rng.nextDouble()}, null, null));
        }
        return new RewardDataset(List.of("m1", "m2"), rows);
    }

    /**
     * Bag of content words in 48 dimensions: each topic and filler word has its own dimension, any other word is hashed
     * into the rest. Counts the texts it embeds.
     */
    static final class HashEmbedder implements TextEmbedder {
        final AtomicInteger embedded = new AtomicInteger();
        private final String encoder;

        HashEmbedder() {
            this("hash-bow");
        }

        HashEmbedder(String encoder) {
            this.encoder = encoder;
        }

        @Override
        public String encoder() {
            return encoder;
        }

        @Override
        public int maxTokens() {
            return 64;
        }

        @Override
        public int dimension() {
            return 48;
        }

        @Override
        public float[][] embed(List<String> texts) {
            embedded.addAndGet(texts.size());
            float[][] out = new float[texts.size()][48];
            for (int i = 0; i < texts.size(); i++) {
                for (String w : TextNormalizer.contentWords(texts.get(i))) {
                    int own = VOCABULARY.indexOf(w);
                    out[i][own >= 0 ? own : VOCABULARY.size() + Math.floorMod(w.hashCode(), 48 - VOCABULARY.size())] += 1;
                }
            }
            return out;
        }
    }
}
