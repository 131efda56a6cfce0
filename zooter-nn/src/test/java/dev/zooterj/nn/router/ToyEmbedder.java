package dev.zooterj.nn.router;

import dev.zooterj.data.tags.TextEmbedder;

import java.util.List;

/**
 * A tiny deterministic embedder for tests: the first word of a text picks one of {@code topics} axes (its index in
 * the list), and a hash of the whole text adds a small wobble on the other axes, so texts of one topic are close and
 * topics are separable.
 */
record ToyEmbedder(List<String> topics) implements TextEmbedder {
    @Override
    public String encoder() {
        return "toy:" + topics;
    }

    @Override
    public int maxTokens() {
        return 8;
    }

    @Override
    public int dimension() {
        return topics.size() + 2;
    }

    @Override
    public float[][] embed(List<String> texts) {
        float[][] out = new float[texts.size()][dimension()];
        for (int i = 0; i < out.length; i++) {
            String t = texts.get(i);
            int topic = topics.indexOf(t.split(" ")[0]);
            if (topic >= 0) {
                out[i][topic] = 1;
            }
            int h = t.hashCode();
            out[i][topics.size()] = 0.1f * ((h & 0xff) / 255f);
            out[i][topics.size() + 1] = 0.1f * (((h >> 8) & 0xff) / 255f);
        }
        return out;
    }
}
