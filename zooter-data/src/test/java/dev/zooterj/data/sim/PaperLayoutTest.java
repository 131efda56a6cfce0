package dev.zooterj.data.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PaperLayoutTest {

    @Test
    void hasTwentySixSubsetsInFourGroupsOfFiveTenEightThree() {
        List<BenchmarkSubset> subsets = PaperLayout.subsets();
        assertEquals(26, subsets.size());
        assertEquals(List.of("AlpacaEval", "FLASK", "MT-Bench", "Benchmarks"), PaperLayout.groups());
        List<Long> sizes = new ArrayList<>();
        for (String group : PaperLayout.groups()) {
            sizes.add(subsets.stream().filter(s -> s.group().equals(group)).count());
        }
        assertEquals(List.of(5L, 10L, 8L, 3L), sizes);
    }

    @Test
    void groupsAppearInPaperOrderWithoutInterleaving() {
        List<String> groupSequence = new ArrayList<>();
        for (BenchmarkSubset s : PaperLayout.subsets()) {
            if (groupSequence.isEmpty() || !groupSequence.get(groupSequence.size() - 1).equals(s.group())) {
                groupSequence.add(s.group());
            }
        }
        assertEquals(PaperLayout.groups(), groupSequence);
    }

    @Test
    void subsetNamesAreUniqueAndKeepThePapersNames() {
        List<String> names = PaperLayout.subsets().stream().map(BenchmarkSubset::name).toList();
        assertEquals(names.size(), new HashSet<>(names).size(), "duplicate subset names in " + names);
        assertEquals(List.of("helpful_base", "koala", "oasst", "selfinstruct", "vicuna"), names.subList(0, 5));
        assertEquals(List.of("mmlu", "gsm8k", "humaneval"), names.subList(23, 26));
        assertEquals(List.of("mtbench_writing", "mtbench_roleplay", "mtbench_reasoning", "mtbench_math",
                "mtbench_coding", "mtbench_extraction", "mtbench_stem", "mtbench_humanities"), names.subList(15, 23));
        assertTrue(names.contains("flask_math") && names.contains("flask_coding") && names.contains("flask_humanities"));
    }

    @Test
    void groupOfSubsetFollowsTheSubsetOrder() {
        Map<String, String> groupOf = PaperLayout.groupOfSubset();
        assertEquals(PaperLayout.subsets().stream().map(BenchmarkSubset::name).toList(), List.copyOf(groupOf.keySet()));
        for (BenchmarkSubset s : PaperLayout.subsets()) {
            assertEquals(s.group(), groupOf.get(s.name()));
        }
    }

    @Test
    void eachGroupHasItsMetricAndScale() {
        for (BenchmarkSubset s : PaperLayout.subsets()) {
            switch (s.group()) {
                case "AlpacaEval" -> assertScale(s, PaperLayout.METRIC_WIN_RATE, 0, 1);
                case "FLASK" -> assertScale(s, PaperLayout.METRIC_GPT4_SCORE, 1, 5);
                case "MT-Bench" -> assertScale(s, PaperLayout.METRIC_GPT4_SCORE, 1, 10);
                default -> {
                    assertEquals(0, s.minScore());
                    assertEquals(1, s.maxScore());
                    assertEquals(s.name().equals("humaneval") ? PaperLayout.METRIC_PASS_AT_1
                            : PaperLayout.METRIC_ACCURACY, s.metric());
                }
            }
        }
    }

    @Test
    void subsetLookupFindsByNameAndRejectsUnknownNames() {
        assertEquals("MT-Bench", PaperLayout.subset("mtbench_math").group());
        assertThrows(IllegalArgumentException.class, () -> PaperLayout.subset("math"));
    }

    @Test
    void normaliseMapsTheScaleOntoTheUnitInterval() {
        BenchmarkSubset mtBench = PaperLayout.subset("mtbench_writing");
        assertEquals(0, mtBench.normalise(1), 1e-12);
        assertEquals(1, mtBench.normalise(10), 1e-12);
        assertEquals(0.5, mtBench.normalise(5.5), 1e-12);
        assertTrue(mtBench.inRange(10) && !mtBench.inRange(10.1) && !mtBench.inRange(0.9));
    }

    private static void assertScale(BenchmarkSubset s, String metric, double min, double max) {
        assertEquals(metric, s.metric(), s.name());
        assertEquals(min, s.minScore(), s.name());
        assertEquals(max, s.maxScore(), s.name());
    }
}
