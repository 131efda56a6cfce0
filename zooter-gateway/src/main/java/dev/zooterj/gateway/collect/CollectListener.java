package dev.zooterj.gateway.collect;

import java.time.Duration;
import java.util.List;

/** Progress of a collect run. Called from worker threads, concurrently: implementations must be thread-safe. */
public interface CollectListener {
    /** Once, after the journal is replayed and before any request. */
    default void planned(CollectPlan plan) {
    }

    /** A pair is answered, scored and journaled. */
    default void pairFinished(String queryId, String backend, double reward) {
    }

    /** A query's tags are journaled. */
    default void tagged(String queryId, List<String> tags) {
    }

    /** A step gave up; the pair (or query) stays incomplete. */
    default void failed(CollectFailure failure) {
    }

    /** A step failed and will be tried again after {@code delay}. */
    default void retrying(String step, int failedAttempt, Duration delay, String reason) {
    }
}
