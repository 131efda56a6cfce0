package dev.zooterj.gateway.collect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a collect run writes.
 *
 * @param dataset  the dataset JSONL (the project's contract), written atomically at the end
 * @param answers  the answers side file (JSONL: id, model, answer, finishReason, usage, latencyMs, reward)
 * @param journal  the append-only journal that makes the run resumable
 * @param failures the failed steps of the last run (JSONL), written only when there are any
 */
public record CollectPaths(Path dataset, Path answers, Path journal, Path failures) {
    private static final ObjectMapper JSON = new ObjectMapper();

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

    /**
     * Refuses a command line that would destroy a file, before anything is written:
     * <ul>
     *   <li>two outputs that are one file, or an output that is one of {@code inputs} (the queries, the backends file,
     *   the prompt files). Files are compared by real path, symlinks resolved: an existing file as it is (hard links
     *   too), a new one by its nearest existing parent;</li>
     *   <li>an output that is a directory;</li>
     *   <li>an existing, non-empty dataset, answers or failures file that does not look like one collect writes (its
     *   first line a JSON object with the fields that file has): it would be replaced. (The journal is checked when
     *   opened: only a file that starts with a journal header is used, see {@link Journal}.)</li>
     * </ul>
     *
     * @param inputs each input file by the name to use in messages, e.g. {@code --data}
     * @throws IllegalArgumentException naming both options and the file
     */
    public void checkSafe(Map<String, Path> inputs) {
        Map<String, Path> outputs = new LinkedHashMap<>();
        outputs.put("--out", dataset);
        outputs.put("--answers", answers);
        outputs.put("--journal", journal);
        outputs.put("the failures file", failures);
        Map<String, Path> real = new LinkedHashMap<>();
        for (Map.Entry<String, Path> o : outputs.entrySet()) {
            Path r = realPath(o.getValue());
            if (Files.isDirectory(r)) {
                throw new IllegalArgumentException(o.getKey() + " " + o.getValue() + " is a directory; name a file");
            }
            for (Map.Entry<String, Path> seen : real.entrySet()) {
                if (sameFile(seen.getValue(), r)) {
                    throw new IllegalArgumentException(seen.getKey() + " and " + o.getKey() + " name the same file ("
                            + r + "); each output needs a file of its own, or one would overwrite the other");
                }
            }
            for (Map.Entry<String, Path> in : inputs.entrySet()) {
                if (in.getValue() != null && sameFile(realPath(in.getValue()), r)) {
                    throw new IllegalArgumentException(o.getKey() + " names the input " + in.getKey() + " (" + r
                            + "); collect would overwrite it. Name another output file");
                }
            }
            real.put(o.getKey(), r);
        }
        requireLooksLike(dataset, "--out", "a dataset", List.of("id", "rewards"));
        requireLooksLike(answers, "--answers", "an answers file", List.of("id", "model", "answer"));
        requireLooksLike(failures, "the failures file", "a failures file", List.of("id", "step"));
    }

    /** An existing non-empty file whose first line is not a JSON object with {@code fields} is refused. */
    private static void requireLooksLike(Path file, String option, String what, List<String> fields) {
        if (!Files.isRegularFile(file)) {
            return;
        }
        String first;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            first = in.readLine();
        } catch (IOException e) {
            // unreadable as UTF-8 text: certainly not a file collect wrote
            first = "\u0000";
        }
        if (first == null || first.isBlank()) {
            return;
        }
        if (first.startsWith("\uFEFF")) {
            first = first.substring(1);
        }
        JsonNode n;
        try {
            n = JSON.readTree(first);
        } catch (IOException e) {
            n = null;
        }
        boolean ok = n != null && n.isObject();
        for (String f : fields) {
            ok &= n != null && n.has(f);
        }
        if (!ok) {
            throw new IllegalArgumentException(option + " " + file + " exists and is not " + what + " that collect "
                    + "writes (its first line is not a JSON object with " + String.join(", ", fields)
                    + "); refusing to replace it. Name another file, or delete this one first");
        }
    }

    private static boolean sameFile(Path a, Path b) {
        if (a.equals(b)) {
            return true;
        }
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The real path of a file that may not exist yet: the real path of its nearest existing ancestor, then the rest.
     * A dangling symlink counts as its target (writing to it would create the target).
     */
    static Path realPath(Path p) {
        Path abs = p.toAbsolutePath();
        for (int hops = 0; hops < 16 && Files.isSymbolicLink(abs) && !Files.exists(abs); hops++) {
            try {
                abs = abs.resolveSibling(Files.readSymbolicLink(abs)).toAbsolutePath();
            } catch (IOException e) {
                break;
            }
        }
        Deque<Path> rest = new ArrayDeque<>();
        Path existing = abs;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            rest.push(existing.getFileName());
            existing = existing.getParent();
        }
        try {
            Path r = existing == null ? abs.getRoot() : existing.toRealPath();
            while (!rest.isEmpty()) {
                r = r.resolve(rest.pop());
            }
            return r.normalize();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve " + p + ": " + e.getMessage(), e);
        }
    }
}
