package dev.zooterj.bench.suite;

import dev.zooterj.data.sim.BenchmarkSubset;
import dev.zooterj.data.sim.PaperLayout;
import dev.zooterj.data.sim.SimulatedZoo;

import java.util.List;
import java.util.Map;

/** The paper's 26-subset layout on the simulated zoo, with its simulated training set. */
public final class PaperSimSuite implements BenchmarkSuite {
    private final SimulatedZoo zoo;

    public PaperSimSuite(SimulatedZoo.Config config) {
        this(SimulatedZoo.generate(config));
    }

    /** A suite over an already generated zoo. */
    public PaperSimSuite(SimulatedZoo zoo) {
        this.zoo = zoo;
    }

    @Override
    public String name() {
        return "paper-sim";
    }

    @Override
    public boolean simulated() {
        return true;
    }

    @Override
    public String source() {
        return "SIMULATED — " + zoo.description() + " " + zoo.overlap().describe() + ".";
    }

    @Override
    public Map<String, String> groupOfSubset() {
        return PaperLayout.groupOfSubset();
    }

    @Override
    public List<Fold> folds() {
        return List.of(new Fold(0, zoo.training(), zoo.evaluation()));
    }

    @Override
    public double[] scale(String subset) {
        BenchmarkSubset s = PaperLayout.subset(subset);
        return new double[]{s.minScore(), s.maxScore()};
    }
}
