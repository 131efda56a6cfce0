package dev.zooterj.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Where frozen-encoder embeddings are cached: {@code --cache DIR} or {@code --no-cache}. */
final class CacheOptions {
    @Option(names = "--cache", paramLabel = "DIR",
            description = "Embedding cache of the frozen MiniLM (default: ~/.cache/zooter-j/embeddings, or $ZOOTER_CACHE/embeddings).")
    Path cache;

    @Option(names = "--no-cache", description = "Do not read or write cached embeddings.")
    boolean noCache;

    /** The cache directory, or null when caching is off. */
    Path dir() {
        if (noCache) {
            return null;
        }
        if (cache != null) {
            return cache;
        }
        String env = System.getenv("ZOOTER_CACHE");
        return env != null && !env.isBlank() ? Path.of(env, "embeddings")
                : Path.of(System.getProperty("user.home"), ".cache", "zooter-j", "embeddings");
    }
}
