package dev.zooterj.data.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

class QueryWriterProperties {
    private static final List<String> ALL_TAGS = QueryVocabulary.allTags();

    @Property
    void queriesAreShortSentencesWithOneToThreeKnownTags(@ForAll long seed, @ForAll Domain domain,
                                                          @ForAll Phrasing phrasing) {
        SimulatedQuery q = QueryWriter.write(domain, phrasing, new SplittableRandom(seed));
        int words = q.text().split("\\s+").length;
        assertTrue(words >= 8 && words <= 40, words + " words: " + q.text());
        assertFalse(q.text().contains("{") || q.text().contains("}"), q.text());
        assertTrue(q.tags().size() >= 1 && q.tags().size() <= 3, q.tags().toString());
        assertEquals(q.tags().size(), new HashSet<>(q.tags()).size(), "repeated tag in " + q.tags());
        assertTrue(ALL_TAGS.containsAll(q.traits()), q.traits().toString());
        assertTrue(q.traits().containsAll(q.tags()), q.tags() + " not among " + q.traits());
        assertEquals(domain, q.domain());
    }

    @Property
    void aMixedQueryUsesATemplateThatFitsAnyTopic(@ForAll long seed, @ForAll Domain domain, @ForAll Phrasing phrasing) {
        SimulatedQuery q = QueryWriter.write(domain, phrasing, new SplittableRandom(seed));
        if (q.mixed()) {
            List<String> openTemplateTags = QueryVocabulary.words(domain).anyTopicTemplates().stream()
                    .map(QueryVocabulary.Phrase::tag).toList();
            assertTrue(openTemplateTags.contains(q.traits().get(0)), q.text());
        }
    }
}
