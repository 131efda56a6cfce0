package dev.zooterj.nn.router;

import dev.zooterj.core.routing.Router;

import java.nio.file.Path;
import java.util.Optional;

/** What a {@link RouterKind} fitted: the router, the settings it was fitted with, and how to save it. */
public interface FittedRouter {
    /** The kind's registry name, written to {@code router.json}. */
    String kind();

    Router router();

    KindSettings<?> settings();

    /** One line on what fitting found (a kept epoch, a validation score), for logs and reports; may be empty. */
    String summary();

    /** How the settings were chosen on validation, when they were. */
    Optional<Tuning> tuning();

    /** The same router, recording how its settings were chosen. */
    FittedRouter withTuning(Tuning tuning);

    /** Writes a router directory atomically; {@code router.json} names the kind and records the settings and tuning. */
    void save(Path dir);
}
