package dev.zooterj.data.sim;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class QueryVocabularyTest {

    @Test
    void everyDomainHasSeveralTemplatesAndTopics() {
        for (Domain d : Domain.values()) {
            QueryVocabulary.DomainWords w = QueryVocabulary.words(d);
            assertTrue(w.allTemplates().size() >= 5, d + " templates");
            assertTrue(w.topics().size() >= 10, d + " topics");
            assertFalse(w.anyTopicTemplates().isEmpty(), d + " cannot host a mixed query");
        }
    }

    @Test
    void aboutAQuarterOfQueriesMixTwoDomains() {
        SplittableRandom random = new SplittableRandom(5);
        int mixed = 0;
        int n = 4000;
        for (int i = 0; i < n; i++) {
            mixed += QueryWriter.write(Domain.values()[i % Domain.values().length], random).mixed() ? 1 : 0;
        }
        double share = mixed / (double) n;
        assertTrue(share > 0.15 && share < 0.35, "mixed share " + share);
    }

    /** No word gives a domain away: none is in nearly all of one domain's queries and rare elsewhere. */
    @ParameterizedTest
    @EnumSource(Phrasing.class)
    void noSingleKeywordRevealsTheDomain(Phrasing phrasing) {
        SplittableRandom random = new SplittableRandom(11);
        Map<Domain, List<String>> texts = new EnumMap<>(Domain.class);
        for (Domain d : Domain.values()) {
            List<String> list = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                list.add(QueryWriter.write(d, phrasing, random).text());
            }
            texts.put(d, list);
        }
        Map<Domain, Map<String, Integer>> frequency = new EnumMap<>(Domain.class);
        texts.forEach((d, list) -> frequency.put(d, documentFrequency(list)));
        for (Domain d : Domain.values()) {
            for (Map.Entry<String, Integer> e : frequency.get(d).entrySet()) {
                double recall = e.getValue() / 400.0;
                int everywhere = 0;
                for (Domain any : Domain.values()) {
                    everywhere += frequency.get(any).getOrDefault(e.getKey(), 0);
                }
                double precision = e.getValue() / (double) everywhere;
                assertTrue(recall < 0.9 || precision < 0.9,
                        "'" + e.getKey() + "' marks " + d + ": recall " + recall + ", precision " + precision);
            }
        }
    }

    private static Map<String, Integer> documentFrequency(List<String> texts) {
        Map<String, Integer> df = new HashMap<>();
        for (String t : texts) {
            new HashSet<>(List.of(t.toLowerCase(Locale.ROOT).split("[^a-z0-9']+")))
                    .forEach(w -> df.merge(w, 1, Integer::sum));
        }
        return df;
    }
}
