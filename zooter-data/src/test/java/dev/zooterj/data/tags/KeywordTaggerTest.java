package dev.zooterj.data.tags;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeywordTaggerTest {
    private static final KeywordTagger.Options LOOSE = new KeywordTagger.Options(2, 2, 0.5);

    /** 12 training queries: "sql" in 4, "recursion" in 3, "poem" in 3, "python" in 7, "explain" in 12, "regex" in 1. */
    private static final List<String> TRAINING = List.of(
            "Explain SQL joins in Python",
            "Explain an SQL index",
            "Explain SQL, again: SQL grouping",
            "Explain SQL window functions in Python",
            "Explain recursion in Python",
            "Explain recursion with a Python example",
            "Explain tail recursion",
            "Explain: a poem about Python",
            "Explain the poem's meter",
            "Explain this poem",
            "Explain Python decorators",
            "Explain a regex in Python");

    @Test
    void vocabularyKeepsWordsSharedByEnoughButNotMostTrainingQueries() {
        KeywordTagger t = KeywordTagger.fit(TRAINING, LOOSE);
        assertEquals(12, t.documents());
        assertEquals(4, t.documentFrequencies().get("sql"), "counted once per query even when repeated");
        assertEquals(3, t.documentFrequencies().get("recursion"));
        assertFalse(t.documentFrequencies().containsKey("python"), "7 of 12 > 0.5 share");
        assertFalse(t.documentFrequencies().containsKey("explain"), "in every query");
        assertFalse(t.documentFrequencies().containsKey("regex"), "df 1 < minDf 2");
        assertFalse(t.documentFrequencies().containsKey("in"), "stop words are never tags");
        assertTrue(t.documentFrequencies().containsKey("poem"));
    }

    @Test
    void tagsAreTheHighestTfIdfWordsThenAlphabetical() {
        KeywordTagger t = KeywordTagger.fit(TRAINING, LOOSE);
        // recursion (df 3) is rarer than sql (df 4), so it ranks first at equal tf
        assertEquals(List.of("kw:recursion", "kw:sql"), t.tags("SQL recursion with Python"));
        // tf counts: sql twice outweighs recursion once
        assertEquals(List.of("kw:sql", "kw:recursion"), t.tags("sql recursion SQL"));
        // equal df and tf: alphabetical
        assertEquals(List.of("kw:poem", "kw:recursion"), t.tags("recursion poem"));
        assertEquals(List.of("kw:sql"), t.tags("explain sql in python"));
        assertEquals(List.of(), t.tags("regex python explain"), "no vocabulary word, no tags");
        assertEquals(List.of(), t.tags(""));
        assertEquals(1, KeywordTagger.fit(TRAINING, LOOSE.withTagsPerQuery(1)).tags("SQL recursion poem").size());
        assertEquals(3, KeywordTagger.fit(TRAINING, LOOSE.withTagsPerQuery(5)).tags("SQL recursion poem").size());
    }

    @Test
    void aWordSeenOnlyOutsideTrainingNeverBecomesATag() {
        List<String> test = List.of("Kubernetes pods", "kubernetes services", "Kubernetes ingress", "SQL on kubernetes");
        KeywordTagger t = KeywordTagger.fit(TRAINING, LOOSE);
        for (String q : test) {
            assertTrue(t.tags(q).stream().noneMatch(tag -> tag.contains("kubernetes")), q + " -> " + t.tags(q));
        }
        assertEquals(List.of("kw:sql"), t.tags("SQL on kubernetes"));
        // fitted on everything, the same word would be a tag: the training-only fit is what keeps it out
        List<String> all = new ArrayList<>(TRAINING);
        all.addAll(test);
        assertTrue(KeywordTagger.fit(all, LOOSE).tags("Kubernetes pods").contains("kw:kubernetes"));
    }

    @Test
    void deterministicWhateverTheTrainingOrder() {
        List<String> shuffled = new ArrayList<>(TRAINING);
        java.util.Collections.shuffle(shuffled, new Random(3));
        KeywordTagger a = KeywordTagger.fit(TRAINING, LOOSE);
        KeywordTagger b = KeywordTagger.fit(shuffled, LOOSE);
        for (String q : TRAINING) {
            assertEquals(a.tags(q), b.tags(q), q);
            assertEquals(a.tags(q), a.tags(q), q);
        }
        assertEquals(a.toJson(), b.toJson());
    }

    @Test
    void jsonRoundTripGivesIdenticalTags() throws Exception {
        List<String> corpus = syntheticCorpus(3000, 11);
        KeywordTagger t = KeywordTagger.fit(corpus, KeywordTagger.Options.defaults());
        assertTrue(t.vocabularySize() > 100, "vocabulary " + t.vocabularySize());
        ObjectMapper json = new ObjectMapper();
        String text = json.writeValueAsString(t.toJson());
        KeywordTagger back = KeywordTagger.fromJson(json.readTree(text));
        assertEquals(t.options(), back.options());
        assertEquals(t.documents(), back.documents());
        assertEquals(t.documentFrequencies(), back.documentFrequencies());
        int tagged = 0;
        for (String q : syntheticCorpus(500, 12)) {
            assertEquals(t.tags(q), back.tags(q), q);
            tagged += t.tags(q).isEmpty() ? 0 : 1;
        }
        assertTrue(tagged > 400, "most queries get a tag: " + tagged);
        assertEquals(text, json.writeValueAsString(back.toJson()), "stable serialisation");
    }

    @Test
    void fromJsonNamesTheBadField() {
        ObjectNode good = KeywordTagger.fit(TRAINING, LOOSE).toJson();
        ObjectNode noDocs = good.deepCopy();
        noDocs.remove("documents");
        assertMessage("field 'documents': expected an integer", noDocs);
        ObjectNode badDf = good.deepCopy();
        ((ObjectNode) badDf.get("vocabulary")).put("sql", 99);
        assertMessage("field 'vocabulary.sql': expected a document frequency in [1, 12], got 99", badDf);
        ObjectNode badOption = good.deepCopy();
        ((ObjectNode) badOption.get("options")).put("maxDfShare", 2.0);
        assertMessage("field 'options': maxDfShare must be in (0, 1]", badOption);
        ObjectNode wrongKind = good.deepCopy();
        wrongKind.put("kind", "router");
        assertMessage("field 'kind'", wrongKind);
    }

    private static void assertMessage(String expected, JsonNode json) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KeywordTagger.fromJson(json));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void optionsAreValidated() {
        assertEquals(new KeywordTagger.Options(2, 3, 0.3), KeywordTagger.Options.defaults());
        assertThrows(IllegalArgumentException.class, () -> new KeywordTagger.Options(0, 3, 0.3));
        assertThrows(IllegalArgumentException.class, () -> new KeywordTagger.Options(2, 0, 0.3));
        assertThrows(IllegalArgumentException.class, () -> new KeywordTagger.Options(2, 3, 0));
        assertThrows(IllegalArgumentException.class, () -> new KeywordTagger.Options(2, 3, Double.NaN));
    }

    @Test
    void fitsTwentyThousandQueriesQuickly() {
        List<String> corpus = syntheticCorpus(20_000, 5);
        long start = System.nanoTime();
        KeywordTagger t = KeywordTagger.fit(corpus, KeywordTagger.Options.defaults());
        for (String q : corpus) {
            t.tags(q);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // about a second on a quiet laptop; the bound only catches a quadratic pass, not a busy CI machine
        assertTrue(seconds < 30, "fit + tag 20k queries took " + seconds + " s");
    }

    /** Queries of 8–20 words over a Zipf-like vocabulary of 2000 invented words. */
    private static List<String> syntheticCorpus(int n, long seed) {
        Random rng = new Random(seed);
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            StringBuilder sb = new StringBuilder();
            int len = 8 + rng.nextInt(13);
            for (int w = 0; w < len; w++) {
                int rank = (int) Math.floor(Math.pow(2000, rng.nextDouble()));
                sb.append(rank % 2 == 0 ? "Term" : "word").append(rank).append(w % 4 == 3 ? ", " : " ");
            }
            out.add(sb.toString());
        }
        return out;
    }
}
