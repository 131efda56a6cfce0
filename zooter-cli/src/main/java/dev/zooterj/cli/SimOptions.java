package dev.zooterj.cli;

import dev.zooterj.data.sim.SimulatedZoo;
import picocli.CommandLine.Option;

/** Size and seed of the simulated zoo. */
final class SimOptions {
    @Option(names = "--seed", defaultValue = "42", description = "Random seed of the simulated zoo (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--sim-models", defaultValue = "6", description = "Number of simulated candidate models (default: ${DEFAULT-VALUE}).")
    int models;

    @Option(names = "--train-size", defaultValue = "3000", description = "Simulated training queries (default: ${DEFAULT-VALUE}).")
    int trainSize;

    @Option(names = "--per-subset", defaultValue = "40", description = "Simulated queries per evaluation subset (default: ${DEFAULT-VALUE}).")
    int perSubset;

    SimulatedZoo generate() {
        return SimulatedZoo.generate(new SimulatedZoo.Config(seed, models, trainSize, perSubset));
    }
}
