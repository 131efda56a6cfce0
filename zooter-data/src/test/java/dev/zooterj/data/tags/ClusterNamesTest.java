package dev.zooterj.data.tags;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterNamesTest {
    @Test
    void aClusterIsNamedByTheWordsThatSetItApart() {
        List<String> texts = List.of(
                "Write a SQL join over two tables", "Optimise this SQL join query", "Why is my SQL join query slow?",
                "Bake bread with rye flour", "How long to bake sourdough bread?", "Bread flour or cake flour?",
                "Explain the query planner", "Explain gravity");
        int[] cluster = {0, 0, 0, 1, 1, 1, 2, 2};
        List<String> names = ClusterNames.name(texts, cluster, 3, "c3:", 3);
        assertEquals("c3:sql-join-query", names.get(0));
        assertEquals("c3:bread-bake-flour", names.get(1));
        // "explain" is in both texts of cluster 2 but nowhere else, "query" also appears in cluster 0
        assertTrue(names.get(2).startsWith("c3:explain"), names.get(2));
    }

    @Test
    void clashingNamesGetTheirClusterIndexAndEveryNameIsUnique() {
        List<String> texts = List.of("sql join", "sql join", "sql join", "sql join", "", "");
        int[] cluster = {0, 0, 1, 1, 2, 3};
        List<String> names = ClusterNames.name(texts, cluster, 5, "c5:", 2);
        assertEquals(List.of("c5:sql-join-0", "c5:sql-join-1", "c5:cluster-2", "c5:cluster-3", "c5:cluster-4"), names);
        assertEquals(5, new HashSet<>(names).size());
    }

    @Test
    void aWordOfOneTextNamesAClusterOnlyWhenNoWordIsShared() {
        List<String> texts = List.of("kubernetes pods crash", "kubernetes nodes drain", "zebra");
        List<String> names = ClusterNames.name(texts, new int[]{0, 0, 1}, 2, "c2:", 3);
        assertEquals("c2:kubernetes", names.get(0), "pods, crash, nodes, drain are in one text each");
        assertEquals("c2:zebra", names.get(1));
    }

    @Test
    void textsWithoutSpacesAreSplitIntoCharacterPairs() {
        assertEquals(List.of("函数", "数的", "的导", "导数"), List.copyOf(ClusterNames.nameWords("函数的导数")));
        List<String> texts = List.of("求函数的导数", "函数的极限是多少", "Compute the integral", "Integral of x squared");
        List<String> names = ClusterNames.name(texts, new int[]{0, 0, 1, 1}, 2, "c2:", 2);
        assertEquals("c2:函数-数的", names.get(0));
        assertEquals("c2:integral", names.get(1));
    }

    @Test
    void longWordsAreCut() {
        String longWord = "pneumonoultramicroscopicsilicovolcanoconiosis";
        List<String> names = ClusterNames.name(List.of(longWord, longWord), new int[]{0, 0}, 1, "c1:", 3);
        assertEquals("c1:" + longWord.substring(0, ClusterNames.MAX_WORD_LENGTH), names.get(0));
    }
}
