package dev.zooterj.dl4j;

import dev.zooterj.data.tags.TextEmbedder;

import java.util.List;
import java.util.Locale;

/** A tiny deterministic embedder for tests: each lower-cased word adds 1 to a hashed axis; rows are L2-normalised. */
record WordHashEmbedder(int dimension) implements TextEmbedder {
    @Override
    public String encoder() {
        return "word-hash:" + dimension;
    }

    @Override
    public int maxTokens() {
        return 64;
    }

    @Override
    public float[][] embed(List<String> texts) {
        float[][] out = new float[texts.size()][dimension];
        for (int i = 0; i < out.length; i++) {
            for (String w : texts.get(i).toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
                if (!w.isEmpty()) {
                    out[i][Math.floorMod(w.hashCode(), dimension)] += 1;
                }
            }
            double n = 0;
            for (float v : out[i]) {
                n += v * v;
            }
            if (n > 0) {
                for (int j = 0; j < dimension; j++) {
                    out[i][j] /= (float) Math.sqrt(n);
                }
            }
        }
        return out;
    }
}
