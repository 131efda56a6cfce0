package dev.zooterj.gateway.collect;

import dev.zooterj.gateway.secrets.Redactor;

/**
 * A step that did not finish in a run: the pair (or, for tagging, the query) stays missing and a rerun retries it.
 *
 * @param backend  the candidate, or null for a tagging failure
 * @param reason   the last error, e.g. {@code backend 'b': HTTP 500: overloaded}
 * @param attempts attempts made
 */
public record CollectFailure(String queryId, String backend, Step step, String reason, int attempts) {
    /** The reason is a backend's or judge's words, which may echo a key: it is kept redacted. */
    public CollectFailure {
        reason = Redactor.redact(reason);
    }

    /** Which step failed. */
    public enum Step {
        /** The candidate's answer: nothing was journaled for the pair. */
        GENERATE,
        /** Scoring the (journaled) answer: a rerun scores it without generating again. */
        SCORE,
        /** Tagging the query. */
        TAG
    }

    @Override
    public String toString() {
        return queryId + (backend == null ? "" : " × " + backend) + ": " + step.name().toLowerCase(java.util.Locale.ROOT)
                + " failed after " + attempts + (attempts == 1 ? " attempt: " : " attempts: ") + reason;
    }
}
