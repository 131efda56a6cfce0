package dev.zooterj.nn.train;

/** What is trained. */
public enum TrainingMode {
    /** The encoder is frozen; pooled embeddings are computed once (and cached on disk); only the head trains. */
    HEAD,
    /** Encoder layers and head train; word embeddings stay frozen unless asked. */
    FINETUNE,
    /** A small encoder from random initialisation, all of it trainable. */
    SCRATCH;

    public static TrainingMode parse(String s) {
        for (TrainingMode m : values()) {
            if (m.name().equalsIgnoreCase(s)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown training mode '" + s + "'; expected head, finetune or scratch");
    }

    public String label() {
        return name().toLowerCase();
    }
}
