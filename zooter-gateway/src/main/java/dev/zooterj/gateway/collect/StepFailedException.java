package dev.zooterj.gateway.collect;

/**
 * A step (generate, score or tag) that did not finish: it ran out of attempts, failed in a way a retry cannot fix, or
 * was stopped before it could try again.
 */
public final class StepFailedException extends Exception {
    private final int attempts;
    private final boolean stopped;

    public StepFailedException(String reason, int attempts, boolean stopped, Throwable cause) {
        super(reason, cause);
        this.attempts = attempts;
        this.stopped = stopped;
    }

    /** Attempts made, the last failed one included. */
    public int attempts() {
        return attempts;
    }

    /** True when the run was stopped; such a step is not a failure, just not done yet. */
    public boolean stopped() {
        return stopped;
    }
}
