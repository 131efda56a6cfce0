package dev.zooterj.gateway.collect;

/**
 * A backend answered, but not with something usable: a judge reply without a valid score, or a tagger reply without
 * a valid tag list. Counted and retried like a transient failure, because a sampled model may do better next time.
 */
public final class InvalidOutputException extends Exception {
    public InvalidOutputException(String message) {
        super(message);
    }
}
