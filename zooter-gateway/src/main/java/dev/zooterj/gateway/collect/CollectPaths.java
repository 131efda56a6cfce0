package dev.zooterj.gateway.collect;

import java.nio.file.Path;

/**
 * Where a collect run writes.
 *
 * @param dataset  the dataset JSONL (the project's contract), written atomically at the end
 * @param answers  the answers side file (JSONL: id, model, answer, finishReason, usage, latencyMs, reward)
 * @param journal  the append-only journal that makes the run resumable
 * @param failures the failed steps of the last run (JSONL), written only when there are any
 */
public record CollectPaths(Path dataset, Path answers, Path journal, Path failures) {
    /** The defaults next to the dataset: for {@code data.jsonl}, {@code data.answers.jsonl}, {@code data.journal.jsonl}, {@code data.failures.jsonl}. */
    public static CollectPaths nextTo(Path dataset) {
        String name = dataset.getFileName().toString();
        String stem = name.endsWith(".jsonl") ? name.substring(0, name.length() - 6)
                : name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
        return new CollectPaths(dataset, dataset.resolveSibling(stem + ".answers.jsonl"),
                dataset.resolveSibling(stem + ".journal.jsonl"), dataset.resolveSibling(stem + ".failures.jsonl"));
    }

    public CollectPaths withAnswers(Path p) {
        return p == null ? this : new CollectPaths(dataset, p, journal, failures);
    }

    public CollectPaths withJournal(Path p) {
        return p == null ? this : new CollectPaths(dataset, answers, p, failures);
    }
}
