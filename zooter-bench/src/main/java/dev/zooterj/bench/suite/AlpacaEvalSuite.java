package dev.zooterj.bench.suite;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.data.Splits;
import dev.zooterj.data.importer.ScoreMatrixCsvImporter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AlpacaEval with the two-judge protocol (METHOD.md §6): rewards from the AE2 judge (it plays the reward
 * model), scores from AE1 (the paper's benchmark), seeded subset-stratified k-fold over the 805 queries so
 * every query is tested exactly once. Rows a judge left blank for a pool model are skipped and counted.
 */
public final class AlpacaEvalSuite implements BenchmarkSuite {
    /** The six open models of METHOD.md §6. */
    public static final List<String> OPEN_POOL = List.of("vicuna-13b", "wizardlm-13b", "oasst-rlhf-llama-33b",
            "falcon-40b-instruct", "alpaca-farm-ppo-human", "minichat-3b");
    public static final List<String> SUBSETS = List.of("helpful_base", "koala", "oasst", "selfinstruct", "vicuna");

    private final RewardDataset data;
    private final int folds;
    private final long seed;
    private final long skipped;
    private final Path dir;

    public AlpacaEvalSuite(Path dir, List<String> pool, int folds, long seed) {
        Path rewards = dir.resolve("ae2_weighted_gpt4turbo_winprob_wide.csv");
        if (!Files.isRegularFile(rewards)) {
            throw new IllegalArgumentException("AlpacaEval files not found in " + dir + ": expected "
                    + rewards.getFileName() + ", ae1_gpt4_winprob_wide.csv and instructions.jsonl (from "
                    + "https://github.com/tatsu-lab/alpaca_eval results; see ../shared/data/alpaca_eval/README.md); "
                    + "point --data at that folder");
        }
        var r = ScoreMatrixCsvImporter.importData(new ScoreMatrixCsvImporter.Options(rewards,
                dir.resolve("ae1_gpt4_winprob_wide.csv"), dir.resolve("ae1_gpt4_output_chars_wide.csv"),
                dir.resolve("instructions.jsonl"), pool == null || pool.isEmpty() ? OPEN_POOL : pool, true));
        this.data = r.dataset();
        this.skipped = r.report().rowsSkipped();
        this.folds = folds;
        this.seed = seed;
        this.dir = dir;
    }

    @Override
    public String name() {
        return "alpacaeval";
    }

    @Override
    public boolean simulated() {
        return false;
    }

    @Override
    public String source() {
        return "AlpacaEval (" + dir + "): rewards = AE2 judge P(win vs gpt4_1106_preview), scores = AE1 GPT-4 judge win "
                + "vs text-davinci-003, cost = AE1 output characters; " + data.size() + " queries (" + skipped
                + " skipped: a pool model has no judgement), " + folds + "-fold stratified by subset, seed " + seed;
    }

    @Override
    public Map<String, String> groupOfSubset() {
        Map<String, String> g = new LinkedHashMap<>();
        SUBSETS.forEach(s -> g.put(s, "AlpacaEval"));
        return g;
    }

    @Override
    public List<Fold> folds() {
        List<Fold> out = new ArrayList<>();
        for (Splits.Fold f : Splits.kFold(data, folds, seed)) {
            out.add(new Fold(f.index(), f.train(), f.test()));
        }
        return out;
    }
}
