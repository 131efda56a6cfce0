package dev.zooterj.data.sim;

import java.util.List;

/**
 * A generated query before any model answers it.
 *
 * @param text      what the user asked
 * @param tags      what a tagger saw in it (1 to 3 tags)
 * @param domain    the skill the request mainly calls on (the template's domain)
 * @param topicDomain the domain the topic came from; differs from {@code domain} for a mixed query
 */
record SimulatedQuery(String text, List<String> tags, Domain domain, Domain topicDomain) {

    boolean mixed() {
        return domain != topicDomain;
    }
}
