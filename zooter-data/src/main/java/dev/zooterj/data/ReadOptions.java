package dev.zooterj.data;

import java.util.List;

/**
 * How a dataset is read.
 *
 * @param lenient skip bad rows (counted in the {@link ReadReport}) instead of failing on the first one
 * @param models  the declared model set, in order; null means "the models of the first valid row"
 */
public record ReadOptions(boolean lenient, List<String> models) {
    public ReadOptions {
        models = models == null ? null : List.copyOf(models);
    }

    public static ReadOptions strict() {
        return new ReadOptions(false, null);
    }

    public static ReadOptions lenientRows() {
        return new ReadOptions(true, null);
    }

    public ReadOptions withModels(List<String> declared) {
        return new ReadOptions(lenient, declared);
    }
}
