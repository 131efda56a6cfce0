package dev.zooterj.spark;

import dev.zooterj.nn.router.EncoderEmbedder;
import dev.zooterj.nn.router.FrozenEncoder;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** One frozen encoder per JVM and name (its weights are read once per executor); encoders are thread-safe. */
public final class EncoderHolder {
    private static final Map<String, FrozenEncoder> ENCODERS = new ConcurrentHashMap<>();

    private EncoderHolder() {
    }

    /** This JVM's encoder {@code name} (a {@link FrozenEncoder#of} choice). */
    public static FrozenEncoder encoder(String name) {
        return ENCODERS.computeIfAbsent(name, FrozenEncoder::of);
    }

    /** An embedder over this JVM's encoder {@code name}, for one task. */
    public static EncoderEmbedder embedder(String name, int maxTokens) {
        return new EncoderEmbedder(encoder(name), maxTokens, null, null);
    }
}
