package dev.zooterj.data.sim;

import dev.zooterj.data.sim.QueryVocabulary.DomainWords;
import dev.zooterj.data.sim.QueryVocabulary.Phrase;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Writes query text and its tags from the {@link QueryVocabulary}. */
final class QueryWriter {
    // A quarter of real instructions mix skills (a poem about recursion); they make domains ambiguous.
    private static final double MIXED_SHARE = 0.25;
    private static final double CLOSING_SHARE = 0.3;
    // Taggers miss things; without misses every query would carry exactly its template and topic tags.
    private static final double TAG_RECALL = 0.85;
    private static final double OPENER_SHARE = 0.3;

    private QueryWriter() {
    }

    /** A query in the training wording. */
    static SimulatedQuery write(Domain domain, SplittableRandom random) {
        return write(domain, Phrasing.TRAINING, random);
    }

    static SimulatedQuery write(Domain domain, Phrasing phrasing, SplittableRandom random) {
        Domain topicDomain = domain;
        if (random.nextDouble() < MIXED_SHARE) {
            topicDomain = otherDomain(domain, random);
        }
        DomainWords words = QueryVocabulary.words(domain);
        Phrase template = pick(topicDomain == domain ? words.allTemplates() : words.anyTopicTemplates(), random);
        Phrase topic = pick(QueryVocabulary.words(topicDomain).topics(), random);
        Phrase closing = random.nextDouble() < CLOSING_SHARE ? pick(QueryVocabulary.closings(), random) : null;

        String opener = random.nextDouble() < OPENER_SHARE ? pick(QueryVocabulary.openers(phrasing), random) : null;

        String text = template.text(phrasing).replace(QueryVocabulary.TOPIC_SLOT, topic.text(phrasing));
        if (closing != null) {
            text = text + " " + closing.text(phrasing);
        }
        if (opener != null) {
            text = opener + " " + text;
        }
        List<String> traits = new ArrayList<>(3);
        for (Phrase p : closing == null ? List.of(template, topic) : List.of(template, topic, closing)) {
            if (!traits.contains(p.tag())) {
                traits.add(p.tag());
            }
        }
        List<String> tags = taggerView(traits, topic, random);
        return new SimulatedQuery(text, List.copyOf(traits), tags, domain, topicDomain);
    }

    private static List<String> taggerView(List<String> traits, Phrase topic, SplittableRandom random) {
        List<String> tags = new ArrayList<>(traits.size());
        for (String trait : traits) {
            if (random.nextDouble() < TAG_RECALL) {
                tags.add(trait);
            }
        }
        if (tags.isEmpty()) {
            tags.add(topic.tag());
        }
        return List.copyOf(tags);
    }

    private static Domain otherDomain(Domain domain, SplittableRandom random) {
        Domain[] all = Domain.values();
        int shift = 1 + random.nextInt(all.length - 1);
        return all[(domain.ordinal() + shift) % all.length];
    }

    private static <T> T pick(List<T> items, SplittableRandom random) {
        return items.get(random.nextInt(items.size()));
    }
}
