package dev.zooterj.gateway.client;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link FallbackChain#runAsync} tries the same candidates, in the same order, with the same outcome as {@link FallbackChain#run}. */
class FallbackChainAsyncTest {
    private static final List<String> RANKING = List.of("a", "b", "c", "d");

    /**
     * Each candidate either answers or fails (some failures refused a fallback); both chains, the blocking one and the
     * asynchronous one (answers arriving later, on another thread), give the same answer or the same failures.
     */
    @Property(tries = 100)
    void sameOutcomeAsTheBlockingChain(@ForAll @IntRange(min = 1, max = 4) int attempts,
                                       @ForAll @Size(4) List<@IntRange(min = 0, max = 2) Integer> outcomes) throws Exception {
        FallbackChain chain = new FallbackChain(attempts, e -> !(e instanceof IllegalStateException));
        List<String> blockingTried = new ArrayList<>();
        List<String> asyncTried = new ArrayList<>();
        FallbackChain.Answer<String> expected = null;
        AllBackendsFailedException expectedFailure = null;
        try {
            expected = chain.run(RANKING, (m, i) -> {
                blockingTried.add(m);
                return outcome(outcomes.get(RANKING.indexOf(m)), m);
            }, FallbackChain.FailureListener.NONE);
        } catch (AllBackendsFailedException e) {
            expectedFailure = e;
        }
        ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
        try {
            CompletableFuture<FallbackChain.Answer<String>> f = chain.runAsync(RANKING, (m, i) -> {
                asyncTried.add(m);
                CompletableFuture<String> answer = new CompletableFuture<>();
                later.schedule(() -> {
                    try {
                        answer.complete(outcome(outcomes.get(RANKING.indexOf(m)), m));
                    } catch (Exception e) {
                        answer.completeExceptionally(e);
                    }
                }, 1, TimeUnit.MILLISECONDS);
                return answer;
            }, FallbackChain.FailureListener.NONE);
            if (expected != null) {
                FallbackChain.Answer<String> got = f.get(10, TimeUnit.SECONDS);
                assertEquals(expected.model(), got.model());
                assertEquals(expected.value(), got.value());
                assertEquals(expected.attempts(), got.attempts());
                assertEquals(expected.failures().stream().map(FallbackChain.Failure::model).toList(),
                        got.failures().stream().map(FallbackChain.Failure::model).toList());
            } else {
                ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
                AllBackendsFailedException got = assertInstanceOf(AllBackendsFailedException.class, e.getCause());
                assertEquals(expectedFailure.failures().stream().map(FallbackChain.Failure::model).toList(),
                        got.failures().stream().map(FallbackChain.Failure::model).toList());
            }
            assertEquals(blockingTried, asyncTried);
        } finally {
            later.shutdownNow();
        }
    }

    /** 0: answers; 1: fails, the next candidate may answer; 2: fails and ends the chain. */
    private static String outcome(int kind, String model) throws Exception {
        return switch (kind) {
            case 0 -> "answer of " + model;
            case 1 -> throw new IOException(model + " is down");
            default -> throw new IllegalStateException(model + " refused the request");
        };
    }

    @Test
    void aNoFallbackFailureEndsTheChainAsItIs() {
        FallbackChain.NoFallback stop = new FallbackChain.NoFallback(new IOException("client went away"));
        List<String> tried = new ArrayList<>();
        CompletableFuture<FallbackChain.Answer<String>> f = new FallbackChain(3).runAsync(RANKING, (m, i) -> {
            tried.add(m);
            return CompletableFuture.failedFuture(stop);
        }, FallbackChain.FailureListener.NONE);
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
        assertSame(stop, e.getCause());
        assertEquals(List.of("a"), tried);
    }

    @Test
    void anAttemptThatThrowsCountsAsAFailedTry() throws Exception {
        List<String> told = new ArrayList<>();
        FallbackChain.Answer<String> a = new FallbackChain(2).runAsync(RANKING, (m, i) -> {
            if (m.equals("a")) {
                throw new IllegalArgumentException("cannot even send");
            }
            return CompletableFuture.completedFuture("answer of " + m);
        }, (m, e, next) -> told.add(m + ":" + next)).get(5, TimeUnit.SECONDS);
        assertEquals("b", a.model());
        assertEquals(2, a.attempts());
        assertEquals(List.of("a:true"), told);
    }
}
