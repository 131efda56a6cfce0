package dev.zooterj.data.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zooterj.core.data.RewardRecord;
import java.util.Arrays;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class SimulatedZooProperties {

    @Property(tries = 30)
    void sameConfigGivesEqualDatasets(@ForAll long seed, @ForAll @IntRange(min = 2, max = 10) int models,
                                      @ForAll @IntRange(max = 60) int training,
                                      @ForAll @IntRange(max = 3) int perSubset) {
        SimulatedZoo.Config config = new SimulatedZoo.Config(seed, models, training, perSubset);
        SimulatedZoo first = SimulatedZoo.generate(config);
        SimulatedZoo second = SimulatedZoo.generate(config);
        SimulatedZooTest.assertSameData(first.training(), second.training());
        SimulatedZooTest.assertSameData(first.evaluation(), second.evaluation());
    }

    @Property(tries = 30)
    void differentSeedsGiveDifferentDatasets(@ForAll long seed, @ForAll long otherSeed) {
        Assume.that(seed != otherSeed);
        SimulatedZoo.Config config = SimulatedZoo.Config.defaults().withTrainingQueries(20).withQueriesPerSubset(1);
        SimulatedZoo first = SimulatedZoo.generate(config.withSeed(seed));
        SimulatedZoo second = SimulatedZoo.generate(config.withSeed(otherSeed));
        assertNotEquals(first.training().records(), second.training().records());
        assertNotEquals(first.evaluation().records(), second.evaluation().records());
    }

    @Property(tries = 30)
    void sizesAndModelsFollowTheConfig(@ForAll long seed, @ForAll @IntRange(min = 2, max = 10) int models,
                                       @ForAll @IntRange(max = 60) int training,
                                       @ForAll @IntRange(max = 3) int perSubset) {
        SimulatedZoo zoo = SimulatedZoo.generate(new SimulatedZoo.Config(seed, models, training, perSubset));
        assertEquals(SimulatedZoo.modelCatalogue().subList(0, models), zoo.models());
        assertEquals(training, zoo.training().size());
        assertEquals(26 * perSubset, zoo.evaluation().size());
    }

    @Property(tries = 30)
    void everyScoreIsFiniteAndOnItsSubsetsScale(@ForAll long seed, @ForAll @IntRange(min = 2, max = 10) int models) {
        SimulatedZoo zoo = SimulatedZoo.generate(new SimulatedZoo.Config(seed, models, 30, 3));
        for (RewardRecord r : zoo.evaluation().records()) {
            BenchmarkSubset subset = PaperLayout.subset(r.subset());
            assertTrue(Arrays.stream(r.scores()).allMatch(subset::inRange), r.id() + Arrays.toString(r.scores()));
            assertTrue(Arrays.stream(r.rewards()).allMatch(Double::isFinite), r.id());
            assertTrue(Arrays.stream(r.cost()).allMatch(c -> Double.isFinite(c) && c >= 1), r.id());
        }
        for (RewardRecord r : zoo.training().records()) {
            assertTrue(Arrays.stream(r.rewards()).allMatch(Double::isFinite), r.id());
        }
    }
}
