package dev.zooterj.nn.router;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zooterj.core.routing.Router;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry of learned router kinds: the one place a routing method is added. {@code train --kind}, {@code route},
 * {@code evaluate}, {@code bench --methods} and {@code serve} find kinds here by name, and load any router directory
 * through {@link #load(Path, KindContext)}, which reads the kind from {@code router.json} (routers saved before kinds
 * existed have none and are {@code zooter} routers). Kinds of other modules register through {@link java.util.ServiceLoader}:
 * a class implementing {@link RouterKind} with a public no-argument constructor, named in
 * {@code META-INF/services/dev.zooterj.nn.router.RouterKind}.
 */
public final class RouterKinds {
    private static final Map<String, RouterKind<?>> KINDS = new LinkedHashMap<>();

    static {
        register(new ZooterKind());
        register(new KnnKind());
        register(new TaskBestKind());
        register(new ClusterBestKind());
        register(new ExpectedScoreKind());
        register(new HierarchicalKind());
        register(new BestSingleKind());
        register(new AutoKind());
        // kinds of other modules on the class path (zooter-dl4j's dl4j), in class-path order
        for (RouterKind<?> k : java.util.ServiceLoader.load(RouterKind.class, RouterKinds.class.getClassLoader())) {
            register(k);
        }
    }

    private RouterKinds() {
    }

    private static void register(RouterKind<?> kind) {
        if (KINDS.putIfAbsent(kind.name(), kind) != null) {
            throw new IllegalStateException("two router kinds named " + kind.name());
        }
    }

    /** Registered names, in registration order. */
    public static List<String> names() {
        return List.copyOf(KINDS.keySet());
    }

    /** @throws IllegalArgumentException naming the available kinds */
    public static RouterKind<?> get(String name) {
        RouterKind<?> k = KINDS.get(name);
        if (k == null) {
            throw new IllegalArgumentException("unknown router kind '" + name + "'; available kinds are " + names());
        }
        return k;
    }

    /** The kind a router directory was saved by. */
    public static String kindOf(Path dir) {
        JsonNode m = RouterStore.manifest(dir);
        return m.path("kind").asText(ZooterKind.NAME);
    }

    /** Loads any router directory. */
    public static Router load(Path dir, KindContext context) {
        JsonNode m = RouterStore.manifest(dir);
        String name = m.path("kind").asText(ZooterKind.NAME);
        RouterKind<?> kind;
        try {
            kind = get(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(dir.resolve(RouterStore.MANIFEST) + ": field 'kind': " + e.getMessage());
        }
        return kind.load(dir, m, context);
    }

    /** Fits any kind with its defaults changed by name. */
    public static FittedRouter fit(String name, dev.zooterj.core.data.RewardDataset train, Map<String, String> changes,
                                   KindContext context) {
        return get(name).fit(train, changes, context);
    }
}
