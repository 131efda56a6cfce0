package dev.zooterj.data.sim;

import java.util.List;

/**
 * A generated query before any model answers it.
 *
 * @param text        what the user asked
 * @param traits      the tags of every phrase the query was built from: what actually drives answer quality
 * @param tags        what a tagger reported: {@code traits} with some misses, never empty
 * @param domain      the skill the request mainly calls on (the template's domain)
 * @param topicDomain the domain the topic came from; differs from {@code domain} for a mixed query
 */
record SimulatedQuery(String text, List<String> traits, List<String> tags, Domain domain, Domain topicDomain) {

    boolean mixed() {
        return domain != topicDomain;
    }
}
