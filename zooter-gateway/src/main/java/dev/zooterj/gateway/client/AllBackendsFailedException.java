package dev.zooterj.gateway.client;

import java.util.List;
import java.util.stream.Collectors;

/** Every model a request was allowed to try failed; {@link #failures()} says which and why, in the order tried. */
public final class AllBackendsFailedException extends Exception {
    private final List<FallbackChain.Failure> failures;

    public AllBackendsFailedException(List<FallbackChain.Failure> failures) {
        super(message(failures));
        this.failures = List.copyOf(failures);
    }

    private static String message(List<FallbackChain.Failure> failures) {
        String each = failures.stream().map(f -> f.model() + ": " + f.error().getMessage()).collect(Collectors.joining("; "));
        return (failures.size() == 1 ? "the only model tried failed: " : "all " + failures.size() + " models tried failed: ")
                + each;
    }

    public List<FallbackChain.Failure> failures() {
        return failures;
    }
}
