package dev.zooterj.gateway.collect;

import dev.zooterj.gateway.http.BackendException;

/** The reward model of a collect run: scores one (query, answer) pair. Implementations are thread-safe. */
public interface RewardScorer {
    /**
     * A score and what the scorer said to give it.
     *
     * @param detail the raw reply (a judge's text), kept in the journal for audits; may be null
     */
    record Score(double value, String detail) {
    }

    /**
     * Scores one answer. Transient trouble is thrown as a retryable {@link BackendException}; a reply that holds no
     * valid score as {@link InvalidOutputException}. The caller retries both.
     */
    Score score(String query, String answer) throws BackendException, InvalidOutputException, InterruptedException;

    /**
     * What makes two scorers' rewards interchangeable (model, prompt, scale; not the URL of a server that hosts the
     * same model). The journal keeps a reward only while the identity is the same.
     */
    String identity();

    /**
     * What is wrong with a reward this scorer could not have given (read back from a journal), or null when it is
     * valid: by default a reward must be finite.
     */
    default String rewardProblem(double reward) {
        return Double.isFinite(reward) ? null : reward + " is not a finite number";
    }

    /** Most scoring requests in flight at once. */
    int maxConcurrent();

    /**
     * Checks what can be checked before any request is paid for (API key variables set).
     *
     * @throws IllegalStateException naming what is missing
     */
    default void checkReady() {
    }
}
