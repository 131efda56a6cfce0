package dev.zooterj.gateway.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Predicate;

/**
 * Tries the candidates of a router's ranking, best first, until one answers: the fallback rule shared by the gateway,
 * {@link RoutingChatClient} and {@link ZooterChatModel}. At most {@link #attempts()} candidates are tried. A failure
 * moves on to the next candidate, except one wrapped in {@link NoFallback} (an answer already partly delivered to the
 * caller cannot be restarted on another model) and one that the chain's {@code fallsBack} test refuses (a request that
 * any candidate would refuse): that one ends the chain as the last of its failures.
 */
public final class FallbackChain {
    /** One try on one candidate; {@code attempt} counts from 1. */
    public interface Attempt<T> {
        T call(String model, int attempt) throws Exception;
    }

    /** One try on one candidate that answers later: the future completes with the answer or fails with the error. */
    public interface AsyncAttempt<T> {
        CompletableFuture<T> call(String model, int attempt);
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
    private final Predicate<Exception> fallsBack;

    /** Falls back on every failure. */
    public FallbackChain(int attempts) {
        this(attempts, e -> true);
    }

    /** Falls back on a failure that {@code fallsBack} accepts; any other ends the chain. */
    public FallbackChain(int attempts, Predicate<Exception> fallsBack) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be >= 1, got " + attempts);
        }
        this.attempts = attempts;
        this.fallsBack = fallsBack;
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
     * @throws AllBackendsFailedException every candidate tried failed, or one failed in a way that ends the chain (the
     *                                    failures in order)
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
                boolean next = i + 1 < tried.size() && fallsBack.test(e);
                listener.failed(model, e, next);
                if (!next) {
                    break;
                }
            }
        }
        throw new AllBackendsFailedException(failures);
    }

    /**
     * {@link #run} without a waiting thread: each try starts when the one before it has failed, on the thread that
     * completed it. The future fails with {@link AllBackendsFailedException} or {@link NoFallback} as {@link #run}
     * throws them.
     */
    public <T> CompletableFuture<Answer<T>> runAsync(List<String> ranking, AsyncAttempt<T> attempt,
                                                     FailureListener listener) {
        List<String> tried = candidates(ranking);
        if (tried.isEmpty()) {
            throw new IllegalArgumentException("no candidates to try");
        }
        CompletableFuture<Answer<T>> out = new CompletableFuture<>();
        tryAsync(tried, 0, new ArrayList<>(), attempt, listener, out);
        return out;
    }

    private <T> void tryAsync(List<String> tried, int i, List<Failure> failures, AsyncAttempt<T> attempt,
                              FailureListener listener, CompletableFuture<Answer<T>> out) {
        String model = tried.get(i);
        CompletableFuture<T> call;
        try {
            call = attempt.call(model, i + 1);
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        call.whenComplete((value, error) -> {
            if (error == null) {
                out.complete(new Answer<>(model, value, i + 1, List.copyOf(failures)));
                return;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof NoFallback || !(cause instanceof Exception)) {
                out.completeExceptionally(cause);
                return;
            }
            Exception e = (Exception) cause;
            failures.add(new Failure(model, e));
            boolean next = i + 1 < tried.size() && fallsBack.test(e);
            try {
                listener.failed(model, e, next);
            } catch (RuntimeException listenerFailure) {
                out.completeExceptionally(listenerFailure);
                return;
            }
            if (next) {
                tryAsync(tried, i + 1, failures, attempt, listener, out);
            } else {
                out.completeExceptionally(new AllBackendsFailedException(failures));
            }
        });
    }
}
