package dev.zooterj.core.label;

import dev.zooterj.core.data.RewardRecord;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LabelProperties {
    private static final List<String> TAG_POOL = List.of("python", "sql", "algebra", "poem", "history", "email");

    @Provide
    Arbitrary<double[]> rewards() {
        return Arbitraries.doubles().between(-1e4, 1e4).array(double[].class).ofMinSize(2).ofMaxSize(8);
    }

    @Provide
    Arbitrary<List<RewardRecord>> trainingSets() {
        return Arbitraries.integers().between(2, 6).flatMap(models ->
                record(models).list().ofMinSize(1).ofMaxSize(30).map(LabelProperties::withUniqueIds));
    }

    /** At least two rows, so that a property can put some in training and some in test. */
    @Provide
    Arbitrary<List<RewardRecord>> trainingAndTestSets() {
        return Arbitraries.integers().between(2, 6).flatMap(models ->
                record(models).list().ofMinSize(2).ofMaxSize(30).map(LabelProperties::withUniqueIds));
    }

    private static Arbitrary<RewardRecord> record(int models) {
        Arbitrary<double[]> r = Arbitraries.doubles().between(-50, 50).array(double[].class).ofSize(models);
        Arbitrary<List<String>> tags = Arbitraries.of(TAG_POOL).list().ofMaxSize(3);
        return Combinators.combine(r, tags).as((rw, t) -> RewardRecord.of("x", "q", t, null, rw));
    }

    private static List<RewardRecord> withUniqueIds(List<RewardRecord> rs) {
        List<RewardRecord> out = new ArrayList<>();
        for (int i = 0; i < rs.size(); i++) {
            RewardRecord r = rs.get(i);
            out.add(RewardRecord.of("q" + i, r.query(), r.tags(), r.subset(), r.rewards()));
        }
        return out;
    }

    @Property
    void everyLabelIsAProbabilityVector(@ForAll("trainingSets") List<RewardRecord> train,
                                        @ForAll @DoubleRange(min = 0, max = 1) double beta,
                                        @ForAll @DoubleRange(min = 0.01, max = 100) double tau,
                                        @ForAll boolean standardize, @ForAll boolean hard) {
        LabelConfig config = new LabelConfig(tau, standardize ? RewardNormalization.STANDARDIZE : RewardNormalization.NONE,
                beta, hard);
        TagEnhancedLabels labels = TagEnhancedLabels.fit(config, train);
        for (RewardRecord r : train) {
            double[] s = labels.label(r);
            assertTrue(ProbabilityVectors.isProbabilityVector(s, 1e-9), () -> java.util.Arrays.toString(s));
        }
    }

    @Property
    void softmaxIsStableForHugeRewards(@ForAll("rewards") double[] r) {
        double[] big = r.clone();
        for (int i = 0; i < big.length; i++) {
            big[i] = big[i] * 1e3; // up to 1e7: exp would overflow without the max shift
        }
        double[] s = ProbabilityVectors.softmax(big, 1.0);
        assertTrue(ProbabilityVectors.isProbabilityVector(s, 1e-9));
    }

    @Property
    void betaOneLeavesTheNormalisedRewardUnchanged(@ForAll("trainingSets") List<RewardRecord> train) {
        TagEnhancedLabels labels = TagEnhancedLabels.fit(LabelConfig.paper().withBeta(1.0), train);
        for (RewardRecord r : train) {
            assertArrayEquals(labels.normalised(r), labels.label(r), 0.0);
        }
    }

    @Property
    void permutingModelsPermutesLabels(@ForAll("trainingSets") List<RewardRecord> train,
                                       @ForAll @DoubleRange(min = 0, max = 1) double beta,
                                       @ForAll long shuffleSeed) {
        int n = train.get(0).modelCount();
        List<Integer> perm = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            perm.add(i);
        }
        java.util.Collections.shuffle(perm, new java.util.Random(shuffleSeed));
        List<RewardRecord> permuted = new ArrayList<>();
        for (RewardRecord r : train) {
            permuted.add(RewardRecord.of(r.id(), r.query(), r.tags(), r.subset(), permute(r.rewards(), perm)));
        }
        LabelConfig config = LabelConfig.paper().withBeta(beta);
        TagEnhancedLabels a = TagEnhancedLabels.fit(config, train);
        TagEnhancedLabels b = TagEnhancedLabels.fit(config, permuted);
        for (int q = 0; q < train.size(); q++) {
            assertArrayEquals(permute(a.label(train.get(q)), perm), b.label(permuted.get(q)), 1e-12);
        }
    }

    private static double[] permute(double[] v, List<Integer> perm) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[perm.get(i)];
        }
        return out;
    }

    @Property
    void smallTemperatureTendsToTheArgmaxOneHot(@ForAll("rewards") double[] r) {
        double[] limit = ProbabilityVectors.uniformOverArgmax(r);
        double gap = secondLargestGap(r);
        // With the top value ahead by `gap`, softmax(r/tau) puts at most (N-1)·exp(-gap/tau) outside the maxima.
        double tau = gap == 0 ? 1e-3 : gap / 50;
        double[] s = ProbabilityVectors.softmax(r, tau);
        assertArrayEquals(limit, s, (r.length - 1) * Math.exp(-50) + 1e-12);
        assertArrayEquals(limit, ProbabilityVectors.softmax(r, 0), 0.0);
    }

    private static double secondLargestGap(double[] r) {
        double max = ProbabilityVectors.max(r);
        double second = Double.NEGATIVE_INFINITY;
        for (double x : r) {
            if (x < max) {
                second = Math.max(second, x);
            }
        }
        return second == Double.NEGATIVE_INFINITY ? 0 : max - second;
    }

    @Property
    void tagStatisticsIgnoreTestRows(@ForAll("trainingAndTestSets") List<RewardRecord> rows,
                                     @ForAll @IntRange(min = 0, max = 1000) int cutDraw,
                                     @ForAll long noiseSeed) {
        // The same training rows with two different sets of test rows (other rewards, other tags) must give
        // identical tag statistics and identical training labels. Every try has at least one row on each side.
        int cut = 1 + cutDraw % (rows.size() - 1);
        assertTrue(cut >= 1 && cut < rows.size(), "train rows [0, " + cut + "), test rows [" + cut + ", " + rows.size() + ")");
        java.util.Random noise = new java.util.Random(noiseSeed);
        List<RewardRecord> a = new ArrayList<>();
        List<RewardRecord> b = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            RewardRecord r = rows.get(i);
            if (i < cut) {
                a.add(r.withSplit("train"));
                b.add(r.withSplit("train"));
            } else {
                a.add(r.withSplit("test"));
                double[] other = r.rewards().clone();
                for (int m = 0; m < other.length; m++) {
                    other[m] += 100 * noise.nextGaussian();
                }
                b.add(new RewardRecord(r.id(), r.query(), null, List.of(TAG_POOL.get(noise.nextInt(TAG_POOL.size()))),
                        null, "test", other, null, null));
            }
        }
        List<String> models = new ArrayList<>();
        for (int m = 0; m < rows.get(0).modelCount(); m++) {
            models.add("m" + m);
        }
        TagEnhancedLabels fa = TagEnhancedLabels.fitOnSplit(LabelConfig.paper(), new dev.zooterj.core.data.RewardDataset(models, a), "train");
        TagEnhancedLabels fb = TagEnhancedLabels.fitOnSplit(LabelConfig.paper(), new dev.zooterj.core.data.RewardDataset(models, b), "train");
        assertEquals(fa.tagStatistics().counts(), fb.tagStatistics().counts());
        for (String tag : TAG_POOL) {
            long expected = a.subList(0, cut).stream().filter(r -> r.tags().contains(tag)).count();
            assertEquals(expected, fa.tagStatistics().count(tag));
        }
        for (int i = 0; i < cut; i++) {
            assertArrayEquals(fa.label(a.get(i)), fb.label(b.get(i)), 0.0);
        }
    }
}
