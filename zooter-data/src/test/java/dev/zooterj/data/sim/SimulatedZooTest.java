package dev.zooterj.data.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.core.label.ProbabilityVectors;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SimulatedZooTest {
    private static final SimulatedZoo DEFAULT = SimulatedZoo.generate(SimulatedZoo.Config.defaults());
    private static final Set<String> DOMAIN_LABELS =
            Arrays.stream(Domain.values()).map(Domain::label).collect(Collectors.toSet());

    @Test
    void defaultsAreTheIssuesSizes() {
        SimulatedZoo.Config c = SimulatedZoo.Config.defaults();
        assertEquals(new SimulatedZoo.Config(42, 6, 3000, 40), c);
        assertEquals(List.of("sim-coder-7b", "sim-math-7b", "sim-writer-13b", "sim-generalist-13b", "sim-chat-3b",
                "sim-knowledge-34b"), DEFAULT.models());
        assertEquals(DEFAULT.models(), DEFAULT.training().models());
        assertEquals(DEFAULT.models(), DEFAULT.evaluation().models());
        assertEquals(3000, DEFAULT.training().size());
        assertEquals(26 * 40, DEFAULT.evaluation().size());
        assertEquals(c, DEFAULT.config());
    }

    @Test
    void withMethodsChangeOnlyTheirField() {
        SimulatedZoo.Config c = SimulatedZoo.Config.defaults();
        assertEquals(new SimulatedZoo.Config(7, 6, 3000, 40), c.withSeed(7));
        assertEquals(new SimulatedZoo.Config(42, 4, 3000, 40), c.withModels(4));
        assertEquals(new SimulatedZoo.Config(42, 6, 10, 40), c.withTrainingQueries(10));
        assertEquals(new SimulatedZoo.Config(42, 6, 3000, 3), c.withQueriesPerSubset(3));
    }

    @Test
    void rejectsImpossibleConfigs() {
        SimulatedZoo.Config c = SimulatedZoo.Config.defaults();
        assertThrows(IllegalArgumentException.class, () -> c.withModels(1));
        assertThrows(IllegalArgumentException.class, () -> c.withModels(SimulatedZoo.modelCatalogue().size() + 1));
        assertThrows(IllegalArgumentException.class, () -> c.withTrainingQueries(-1));
        assertThrows(IllegalArgumentException.class, () -> c.withQueriesPerSubset(-1));
    }

    @Test
    void sameSeedGivesEqualDatasets() {
        SimulatedZoo again = SimulatedZoo.generate(SimulatedZoo.Config.defaults());
        assertSameData(DEFAULT.training(), again.training());
        assertSameData(DEFAULT.evaluation(), again.evaluation());
        assertEquals(DEFAULT.description(), again.description());
    }

    @Test
    void differentSeedGivesDifferentDatasets() {
        SimulatedZoo other = SimulatedZoo.generate(SimulatedZoo.Config.defaults().withSeed(43));
        assertNotEquals(DEFAULT.training().records(), other.training().records());
        assertNotEquals(DEFAULT.evaluation().records(), other.evaluation().records());
    }

    @Test
    void trainingSizeDoesNotChangeTheEvaluationSet() {
        SimulatedZoo smaller = SimulatedZoo.generate(SimulatedZoo.Config.defaults().withTrainingQueries(100));
        assertSameData(DEFAULT.evaluation(), smaller.evaluation());
        assertEquals(DEFAULT.training().records().subList(0, 100), smaller.training().records());
    }

    @Test
    void trainingRecordsAreTaggedDomainQueriesWithRewardsAndCost() {
        List<RewardRecord> records = DEFAULT.training().records();
        for (int i = 0; i < records.size(); i++) {
            RewardRecord r = records.get(i);
            assertEquals(String.format("sim-train-%06d", i), r.id());
            assertEquals("train", r.split());
            assertTrue(DOMAIN_LABELS.contains(r.subset()), r.subset());
            assertNull(r.scores(), "training records carry rewards only");
            assertTrue(r.cost() != null && Arrays.stream(r.cost()).allMatch(c -> c >= 1), r.id());
            assertTrue(r.tags().size() >= 1 && r.tags().size() <= 3, r.id() + " " + r.tags());
            int words = r.query().split("\\s+").length;
            assertTrue(words >= 8 && words <= 40, words + " words: " + r.query());
        }
        assertEquals(DOMAIN_LABELS, records.stream().map(RewardRecord::subset).collect(Collectors.toSet()));
    }

    @Test
    void evaluationHasEveryPaperSubsetWithScoresOnItsScale() {
        Map<String, List<RewardRecord>> bySubset = DEFAULT.evaluation().bySubset();
        assertEquals(List.copyOf(PaperLayout.groupOfSubset().keySet()), List.copyOf(bySubset.keySet()));
        for (BenchmarkSubset subset : PaperLayout.subsets()) {
            List<RewardRecord> records = bySubset.get(subset.name());
            assertEquals(40, records.size(), subset.name());
            for (RewardRecord r : records) {
                assertEquals("test", r.split());
                assertTrue(r.id().startsWith("sim-"), r.id());
                for (double s : r.scores()) {
                    assertTrue(subset.inRange(s), r.id() + " score " + s + " outside " + subset);
                    assertTrue(isValueOfMetric(subset.metric(), s), r.id() + " " + subset.metric() + " " + s);
                }
            }
        }
    }

    @Test
    void evaluationIdsReadLikeTheirSubset() {
        List<String> ids = DEFAULT.evaluation().records().stream().map(RewardRecord::id).toList();
        assertTrue(ids.contains("sim-mtbench-coding-0007"));
        assertTrue(ids.contains("sim-flask-math-0000"));
        assertTrue(ids.contains("sim-alpacaeval-helpful-base-0039"));
        assertTrue(ids.contains("sim-benchmarks-humaneval-0012"));
    }

    @Test
    void everyNumberIsFinite() {
        for (RewardDataset d : List.of(DEFAULT.training(), DEFAULT.evaluation())) {
            for (RewardRecord r : d.records()) {
                assertTrue(allFinite(r.rewards()) && allFinite(r.cost()), r.id());
                if (r.scores() != null) {
                    assertTrue(allFinite(r.scores()), r.id());
                }
            }
        }
    }

    @Test
    void rewardsLookLikeARewardModelsUnboundedScores() {
        double[] all = DEFAULT.training().records().stream().flatMapToDouble(r -> Arrays.stream(r.rewards()))
                .toArray();
        double min = Arrays.stream(all).min().orElseThrow();
        double max = Arrays.stream(all).max().orElseThrow();
        assertTrue(min < 0 && max > 1, "rewards span [" + min + ", " + max + "]: not confined to [0, 1]");
        assertTrue(max - min < 40, "rewards span [" + min + ", " + max + "]: more than a few units");
    }

    @Test
    void routingHasClearHeadroomOverTheBestSingleModel() {
        RewardDataset eval = DEFAULT.evaluation();
        int bestSingle = ZooMeasurements.bestSingleModel(eval);
        double best = ZooMeasurements.singleModelScores(eval)[bestSingle];
        double oracle = ZooMeasurements.oracleScore(eval);
        double perSubset = ZooMeasurements.subsetRoutingScore(eval);
        double rewardRanking = ZooMeasurements.rewardRankingScore(eval);
        assertTrue(oracle - best > 0.10, "oracle " + oracle + " vs best single " + best);
        assertTrue(perSubset > best, "best model per subset " + perSubset + " vs best single " + best);
        assertTrue(rewardRanking > best && rewardRanking < oracle,
                "reward-model ranking " + rewardRanking + " should lie between " + best + " and " + oracle);
        assertTrue(ZooMeasurements.bestModelPerSubset(eval).values().stream().anyMatch(m -> m != bestSingle),
                "the best single model is best on every subset");
    }

    /**
     * With 1,000 queries per subset sampling noise is small, so this measures the designed expertise: a zoo
     * of equally skilled models (tag effects only) gains about 0.015 from per-subset routing and loses about
     * 5 subsets by more than 0.03; the complementary zoo gains about 0.05 and loses 15 or more.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 42})
    void specialistsBeatTheBestSingleModelOnManySubsets(long seed) {
        RewardDataset eval = SimulatedZoo.generate(SimulatedZoo.Config.defaults().withSeed(seed)
                .withTrainingQueries(0).withQueriesPerSubset(1000)).evaluation();
        double best = ZooMeasurements.singleModelScores(eval)[ZooMeasurements.bestSingleModel(eval)];
        double perSubset = ZooMeasurements.subsetRoutingScore(eval);
        long lost = ZooMeasurements.subsetsLostByBestSingle(eval, 0.03);
        assertTrue(perSubset - best > 0.035, "best model per subset " + perSubset + " vs best single " + best);
        assertTrue(lost >= 10, "the best single model loses only " + lost + " subsets by more than 0.03");
    }

    @Test
    void perTagFavouritesDifferAcrossTags() {
        Map<String, double[]> byTag = ZooMeasurements.meanLabelBy(DEFAULT.training().records(), RewardRecord::tags);
        long distinct = byTag.values().stream().mapToInt(ProbabilityVectors::argmax).distinct().count();
        assertTrue(byTag.size() > 100, byTag.size() + " tags");
        assertEquals(DEFAULT.models().size(), distinct, "every model should be some tag's favourite");
    }

    /** Domain specialists alone would already make favourites differ across tags; this looks inside domains. */
    @Test
    void perTagFavouritesDifferWithinADomain() {
        int domainsWithSplitFavourites = ZooMeasurements.domainsWithSplitTagFavourites(DEFAULT.training(), 30);
        assertTrue(domainsWithSplitFavourites >= 5, domainsWithSplitFavourites + " of 10 domains");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 42, 2024})
    void tagsTellMoreThanTheDomainAlone(long seed) {
        List<RewardRecord> train = SimulatedZoo.generate(
                SimulatedZoo.Config.defaults().withSeed(seed).withTrainingQueries(20_000).withQueriesPerSubset(0))
                .training().records();
        List<RewardRecord> fit = train.subList(0, train.size() / 2);
        List<RewardRecord> heldOut = train.subList(train.size() / 2, train.size());
        double byDomain = ZooMeasurements.heldOutRewardOfKeyRouting(fit, heldOut, r -> List.of(r.subset()));
        double byDomainAndTags = ZooMeasurements.heldOutRewardOfKeyRouting(fit, heldOut, ZooMeasurements::domainAndTags);
        assertTrue(byDomainAndTags > byDomain + 0.02, "domain+tags " + byDomainAndTags + " vs domain " + byDomain);
    }

    @Test
    void costReflectsEachModelsVerbosity() {
        double[] meanCost = new double[DEFAULT.models().size()];
        for (RewardRecord r : DEFAULT.training().records()) {
            for (int m = 0; m < meanCost.length; m++) {
                meanCost[m] += r.cost()[m] / DEFAULT.training().size();
            }
        }
        int writer = DEFAULT.training().modelIndex("sim-writer-13b");
        int math = DEFAULT.training().modelIndex("sim-math-7b");
        assertTrue(meanCost[writer] > 1.5 * meanCost[math], Arrays.toString(meanCost));
    }

    @Test
    void moreModelsComeFromTheCatalogueInOrder() {
        SimulatedZoo ten = SimulatedZoo.generate(SimulatedZoo.Config.defaults().withModels(10)
                .withTrainingQueries(50).withQueriesPerSubset(2));
        assertEquals(SimulatedZoo.modelCatalogue(), ten.models());
        assertEquals(10, ten.evaluation().records().get(0).scores().length);
    }

    @Test
    void descriptionSaysItIsSimulatedAndHowBig() {
        String d = DEFAULT.description();
        assertTrue(d.startsWith("Simulated"), d);
        assertTrue(d.contains("not real model outputs") && d.contains("seed 42") && d.contains("3000 training")
                && d.contains("1040 evaluation") && d.contains("sim-coder-7b"), d);
    }

    static void assertSameData(RewardDataset expected, RewardDataset actual) {
        assertEquals(expected.models(), actual.models());
        assertEquals(expected.records(), actual.records());
    }

    private static boolean isValueOfMetric(String metric, double score) {
        return switch (metric) {
            case PaperLayout.METRIC_WIN_RATE -> score == 0 || score == 0.5 || score == 1;
            case PaperLayout.METRIC_ACCURACY, PaperLayout.METRIC_PASS_AT_1 -> score == 0 || score == 1;
            case PaperLayout.METRIC_GPT4_SCORE -> Math.abs(score * 10 - Math.rint(score * 10)) < 1e-9;
            default -> false;
        };
    }

    private static boolean allFinite(double[] values) {
        return Arrays.stream(values).allMatch(Double::isFinite);
    }
}
