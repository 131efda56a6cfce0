package dev.zooterj.spark;

import dev.zooterj.core.routing.Router;
import dev.zooterj.nn.router.Calibration;
import dev.zooterj.nn.router.KindContext;
import dev.zooterj.nn.router.RouterKinds;
import dev.zooterj.nn.router.RouterStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One router per JVM and router directory: an executor loads it at its first task and every later task (and every
 * task thread) reuses it; routers are thread-safe. The router is the one {@code zooter route} uses: the directory's
 * kind, with its stored calibration applied.
 */
public final class RouterHolder {
    private static final Map<String, Router> ROUTERS = new ConcurrentHashMap<>();

    private RouterHolder() {
    }

    /** The router in {@code dir} (a path this JVM can read: shared storage, or a SparkFiles/--archives copy). */
    public static Router get(String dir) {
        return ROUTERS.computeIfAbsent(dir, RouterHolder::load);
    }

    /** Fails unless {@code dir} holds a router manifest; the message names the option and the path. */
    public static void check(String dir) {
        Path p = Path.of(dir);
        if (!Files.isDirectory(p)) {
            throw new IllegalArgumentException("--router " + dir + ": directory not found (every executor needs it at this path: "
                    + "shared storage, or ship it with --archives router.tgz#router)");
        }
        if (!Files.isRegularFile(p.resolve(RouterStore.MANIFEST))) {
            throw new IllegalArgumentException("--router " + dir + ": not a router directory (no " + RouterStore.MANIFEST + ")");
        }
    }

    private static Router load(String dir) {
        check(dir);
        Path p = Path.of(dir);
        return Calibration.apply(RouterKinds.load(p, KindContext.miniLm(256, null)), p, null, null);
    }
}
