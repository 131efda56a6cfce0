package dev.zooterj.gateway.backend;

import java.nio.file.Path;

/** A backends file that cannot be used; the message names the file, the field and what was expected. */
public final class BackendsFileException extends RuntimeException {
    public BackendsFileException(Path file, String field, String problem) {
        super(file + ": " + (field == null || field.isEmpty() ? "" : field + ": ") + problem);
    }

    public BackendsFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
