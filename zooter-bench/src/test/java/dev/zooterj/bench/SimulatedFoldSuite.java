package dev.zooterj.bench;

import dev.zooterj.bench.suite.BenchmarkSuite;
import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.data.Splits;
import dev.zooterj.data.sim.PaperLayout;

import java.util.List;
import java.util.Map;

/** A small k-fold suite over simulated rows in the paper's layout, for tests of the harness. */
record SimulatedFoldSuite(String name, RewardDataset data, int k, long seed) implements BenchmarkSuite {
    @Override
    public boolean simulated() {
        return true;
    }

    @Override
    public String source() {
        return "simulated rows in " + k + " folds";
    }

    @Override
    public Map<String, String> groupOfSubset() {
        return PaperLayout.groupOfSubset();
    }

    @Override
    public List<Fold> folds() {
        return Splits.kFold(data, k, seed).stream().map(f -> new Fold(f.index(), f.train(), f.test())).toList();
    }
}
