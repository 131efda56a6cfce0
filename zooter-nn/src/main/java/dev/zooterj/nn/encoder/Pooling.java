package dev.zooterj.nn.encoder;

import java.util.Locale;

/** How a BERT encoder's token vectors become one sentence vector. */
public enum Pooling {
    /** Mean of the token vectors over the mask, [CLS] and [SEP] included (sentence-transformers, MiniLM, e5). */
    MEAN,
    /** The first token's ([CLS]) vector (BGE). */
    CLS;

    /** "mean" or "cls". */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses "mean" or "cls" (any case). */
    public static Pooling parse(String s) {
        for (Pooling p : values()) {
            if (p.label().equalsIgnoreCase(s.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown pooling '" + s + "'; expected mean or cls");
    }
}
