package dev.zooterj.data.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The paper's evaluation layout (METHOD.md §5): 26 subsets in four groups, in the paper's order.
 *
 * <p>FLASK and MT-Bench share category names (math, coding, humanities), so every FLASK and MT-Bench subset
 * carries its group as a prefix ({@code flask_math}, {@code mtbench_math}); AlpacaEval and the benchmarks keep
 * their plain names.
 */
public final class PaperLayout {
    /** AlpacaEval: GPT-4's verdict against a reference answer, 1 win, 0.5 tie, 0 loss. */
    public static final String METRIC_WIN_RATE = "win_rate";
    /** FLASK and MT-Bench: a GPT-4 judge's score on the subset's scale. */
    public static final String METRIC_GPT4_SCORE = "gpt4_score";
    /** MMLU and GSM8K: 1 when the answer is correct, else 0. */
    public static final String METRIC_ACCURACY = "accuracy";
    /** HumanEval: 1 when the single sampled program passes the tests, else 0. */
    public static final String METRIC_PASS_AT_1 = "pass@1";

    public static final String ALPACA_EVAL = "AlpacaEval";
    public static final String FLASK = "FLASK";
    public static final String MT_BENCH = "MT-Bench";
    public static final String BENCHMARKS = "Benchmarks";

    private static final List<BenchmarkSubset> SUBSETS = buildSubsets();

    private PaperLayout() {
    }

    /** The 26 subsets, group by group, in the paper's order. */
    public static List<BenchmarkSubset> subsets() {
        return SUBSETS;
    }

    /** The four groups in the paper's order. */
    public static List<String> groups() {
        return List.of(ALPACA_EVAL, FLASK, MT_BENCH, BENCHMARKS);
    }

    /** Subset name to its group, in the paper's order. */
    public static Map<String, String> groupOfSubset() {
        Map<String, String> out = new LinkedHashMap<>();
        for (BenchmarkSubset s : SUBSETS) {
            out.put(s.name(), s.group());
        }
        return Collections.unmodifiableMap(out);
    }

    /** The subset with that name. */
    public static BenchmarkSubset subset(String name) {
        return SUBSETS.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no subset named '" + name + "'"));
    }

    private static List<BenchmarkSubset> buildSubsets() {
        List<BenchmarkSubset> out = new ArrayList<>();
        for (String name : List.of("helpful_base", "koala", "oasst", "selfinstruct", "vicuna")) {
            out.add(new BenchmarkSubset(ALPACA_EVAL, name, METRIC_WIN_RATE, 0, 1));
        }
        for (String name : List.of("humanities", "language", "culture", "health", "history", "natural_science",
                "math", "social_science", "technology", "coding")) {
            out.add(new BenchmarkSubset(FLASK, "flask_" + name, METRIC_GPT4_SCORE, 1, 5));
        }
        for (String name : List.of("writing", "roleplay", "reasoning", "math", "coding", "extraction", "stem",
                "humanities")) {
            out.add(new BenchmarkSubset(MT_BENCH, "mtbench_" + name, METRIC_GPT4_SCORE, 1, 10));
        }
        out.add(new BenchmarkSubset(BENCHMARKS, "mmlu", METRIC_ACCURACY, 0, 1));
        out.add(new BenchmarkSubset(BENCHMARKS, "gsm8k", METRIC_ACCURACY, 0, 1));
        out.add(new BenchmarkSubset(BENCHMARKS, "humaneval", METRIC_PASS_AT_1, 0, 1));
        return List.copyOf(out);
    }
}
