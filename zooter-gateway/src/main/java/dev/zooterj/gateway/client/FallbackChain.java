package dev.zooterj.gateway.client;

import java.util.ArrayList;
import java.util.List;

/**
 * Tries the candidates of a router's ranking, best first, until one answers: the fallback rule shared by the gateway,
 * {@link RoutingChatClient} and {@link ZooterChatModel}. At most {@link #attempts()} candidates are tried. Any failure
 * moves on to the next candidate, except one wrapped in {@link NoFallback}: an answer already partly delivered to the
 * caller cannot be restarted on another model.
 */
public final class FallbackChain {
    /** One try on one candidate; {@code attempt} counts from 1. */
    public interface Attempt<T> {
        T call(String model, int attempt) throws Exception;
    }

    /** Told about every failed try, and whether another candidate follows. */
    public interface FailureListener {
        FailureListener NONE = (model, error, fallingBack) -> { };

        void failed(String model, Exception error, boolean fallingBack);
    }

    /** A candidate that failed, and why. */
    public record Failure(String model, Exception error) {
    }

    /** The candidate that answered, its answer, how many candidates were tried and the failures before it. */
    public record Answer<T>(String model, T value, int attempts, List<Failure> failures) {
    }

    /** Thrown by an attempt to end the chain with this error: the failure must not be retried on another model. */
    public static final class NoFallback extends RuntimeException {
        public NoFallback(Exception cause) {
            super(cause.getMessage(), cause);
        }

        public Exception error() {
            return (Exception) getCause();
        }
    }

    private final int attempts;

    public FallbackChain(int attempts) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be >= 1, got " + attempts);
        }
        this.attempts = attempts;
    }

    /** The most candidates one request may try. */
    public int attempts() {
        return attempts;
    }

    /** The candidates that will be tried, in order: the head of the ranking. */
    public List<String> candidates(List<String> ranking) {
        return ranking.subList(0, Math.min(attempts, ranking.size()));
    }

    /**
     * Runs {@code attempt} on each candidate in turn until one returns.
     *
     * @throws AllBackendsFailedException every candidate tried failed (the failures in order)
     * @throws NoFallback                 an attempt ended the chain
     */
    public <T> Answer<T> run(List<String> ranking, Attempt<T> attempt, FailureListener listener)
            throws AllBackendsFailedException, InterruptedException {
        List<String> tried = candidates(ranking);
        if (tried.isEmpty()) {
            throw new IllegalArgumentException("no candidates to try");
        }
        List<Failure> failures = new ArrayList<>();
        for (int i = 0; i < tried.size(); i++) {
            String model = tried.get(i);
            try {
                return new Answer<>(model, attempt.call(model, i + 1), i + 1, List.copyOf(failures));
            } catch (InterruptedException | NoFallback e) {
                throw e;
            } catch (Exception e) {
                failures.add(new Failure(model, e));
                listener.failed(model, e, i + 1 < tried.size());
            }
        }
        throw new AllBackendsFailedException(failures);
    }
}
