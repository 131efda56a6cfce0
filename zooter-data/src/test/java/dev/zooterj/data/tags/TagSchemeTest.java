package dev.zooterj.data.tags;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TagSchemeTest {
    @Test
    void parsesEverySchemeAndPrintsItBack() {
        for (String s : List.of("data", "subset", "cluster:64", "cluster:64,512", "keywords", "none")) {
            assertEquals(s, TagScheme.parse(s).toString());
        }
        assertEquals(TagScheme.cluster(List.of(16, 64)), TagScheme.parse(" Cluster:16, 64 "));
        assertEquals(TagScheme.DATA, TagScheme.parse("DATA"));
        assertEquals(List.of(64, 512), TagScheme.parse("cluster:64,512").ks());
    }

    @Test
    void onlyClusterAndKeywordsAreFittedAndOnlyClusterNeedsEmbeddings() {
        assertTrue(TagScheme.parse("cluster:8").fitted());
        assertTrue(TagScheme.parse("cluster:8").needsEmbeddings());
        assertTrue(TagScheme.KEYWORDS.fitted());
        assertFalse(TagScheme.KEYWORDS.needsEmbeddings());
        for (TagScheme s : List.of(TagScheme.DATA, TagScheme.SUBSET, TagScheme.NONE)) {
            assertFalse(s.fitted(), s.toString());
            assertFalse(s.needsEmbeddings(), s.toString());
        }
        assertTrue(TagScheme.parse("cluster:8,32").describe().contains("k = 8, 32"));
    }

    @Test
    void badSchemesAreOneClearLine() {
        assertEquals("tag scheme 'cluster:0': k must be a whole number >= 1, got 0", error("cluster:0"));
        assertEquals("tag scheme 'cluster:abc': k must be a whole number >= 1, got 'abc'", error("cluster:abc"));
        assertEquals("tag scheme 'cluster:64,': k must be a whole number >= 1, got ''", error("cluster:64,"));
        assertEquals("tag scheme 'cluster:-3': k must be a whole number >= 1, got -3", error("cluster:-3"));
        assertEquals("tag scheme 'cluster:8,8': k = 8 is listed twice", error("cluster:8,8"));
        assertEquals("tag scheme 'cluster': cluster needs at least one k, e.g. cluster:64 or cluster:64,512", error("cluster"));
        assertEquals("unknown tag scheme 'instag'; expected data, subset, cluster:K[,K2...], keywords or none", error("instag"));
        assertEquals("empty tag scheme; expected data, subset, cluster:K[,K2...], keywords or none", error(" "));
        assertEquals("unknown tag scheme 'subset:3'; expected data, subset, cluster:K[,K2...], keywords or none", error("subset:3"));
    }

    private static String error(String scheme) {
        return assertThrows(IllegalArgumentException.class, () -> TagScheme.parse(scheme)).getMessage();
    }
}
