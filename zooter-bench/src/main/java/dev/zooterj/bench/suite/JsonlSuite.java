package dev.zooterj.bench.suite;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.data.ReadOptions;
import dev.zooterj.data.RewardDatasetReader;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Any two datasets in the project's JSONL contract: routers train on one and are tested on the other. */
public final class JsonlSuite implements BenchmarkSuite {
    private final RewardDataset train;
    private final RewardDataset test;
    private final Path trainFile;
    private final Path testFile;

    public JsonlSuite(Path trainFile, Path testFile, boolean lenient) {
        this.trainFile = trainFile;
        this.testFile = testFile;
        this.train = RewardDatasetReader.read(trainFile, new ReadOptions(lenient, null)).dataset();
        this.test = RewardDatasetReader.read(testFile, new ReadOptions(lenient, train.models())).dataset();
    }

    @Override
    public String name() {
        return "jsonl";
    }

    @Override
    public boolean simulated() {
        return false;
    }

    @Override
    public String source() {
        return "JSONL datasets: train " + trainFile + " (" + train.size() + " rows), test " + testFile + " (" + test.size() + " rows)";
    }

    @Override
    public Map<String, String> groupOfSubset() {
        Map<String, String> g = new LinkedHashMap<>();
        test.bySubset().keySet().forEach(s -> g.put(s, "all"));
        return g;
    }

    @Override
    public List<Fold> folds() {
        return List.of(new Fold(0, train, test));
    }
}
