package dev.zooterj.data.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zooterj.core.data.RewardRecord;
import dev.zooterj.data.tags.TextNormalizer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/**
 * The evaluation queries are not the training queries: none occurs word for word in training, few share even a
 * 6-word run with it, and the training set is not a handful of texts repeated.
 */
class HeldOutQueriesTest {

    @Test
    void demoDefaultsHaveNoEvaluationQueryInTraining() {
        SimulatedZoo zoo = SimulatedZoo.generate(SimulatedZoo.Config.defaults());
        assertNoEvaluationQueryInTraining(zoo);
        SimulatedZoo.Overlap o = zoo.overlap();
        assertEquals(1040, o.evaluationQueries());
        assertEquals(0, o.exactInTraining());
        assertEquals(6, o.ngram());
        // Measured 0 with the vocabulary of this commit; the bound leaves room for a new phrase or two.
        assertTrue(o.sharingNgramShare() <= 0.02, o.describe());
    }

    @Property(tries = 6)
    void noEvaluationQueryOccursInTrainingForOtherSeeds(@ForAll @LongRange(min = -1_000_000, max = 1_000_000) long seed) {
        SimulatedZoo zoo = SimulatedZoo.generate(SimulatedZoo.Config.defaults().withSeed(seed));
        assertNoEvaluationQueryInTraining(zoo);
        assertTrue(zoo.overlap().sharingNgramShare() <= 0.02, zoo.overlap().describe());
    }

    @Test
    void overlapCountsAgreeWithADirectCount() {
        SimulatedZoo zoo = SimulatedZoo.generate(SimulatedZoo.Config.defaults().withSeed(7).withTrainingQueries(500)
                .withQueriesPerSubset(10));
        Set<String> trainingNgrams = new HashSet<>();
        for (RewardRecord r : zoo.training().records()) {
            trainingNgrams.addAll(ngrams(r.query(), 6));
        }
        long sharing = zoo.evaluation().records().stream()
                .filter(r -> ngrams(r.query(), 6).stream().anyMatch(trainingNgrams::contains)).count();
        assertEquals(sharing, zoo.overlap().sharingNgram());
    }

    @Test
    void trainingTextsAreVaried() {
        SimulatedZoo zoo = SimulatedZoo.generate(SimulatedZoo.Config.defaults());
        long distinct = zoo.training().records().stream().map(RewardRecord::query).distinct().count();
        // 1,791 of 3,000 before the openers; 2,222 with them.
        assertTrue(distinct >= 2100, distinct + " distinct training texts of 3000");
    }

    /** Every training-wording phrase differs from its held-out wording in every 6-word run. */
    @Test
    void theTwoWordingsOfAPhraseShareNoSixWordRun() {
        Set<String> trainingNgrams = new HashSet<>();
        Set<String> heldOutNgrams = new HashSet<>();
        for (Domain d : Domain.values()) {
            QueryVocabulary.DomainWords w = QueryVocabulary.words(d);
            for (List<QueryVocabulary.Phrase> phrases : List.of(w.allTemplates(), w.topics(), QueryVocabulary.closings())) {
                for (QueryVocabulary.Phrase p : phrases) {
                    trainingNgrams.addAll(ngrams(p.text().replace(QueryVocabulary.TOPIC_SLOT, " "), 6));
                    heldOutNgrams.addAll(ngrams(p.heldOutText().replace(QueryVocabulary.TOPIC_SLOT, " "), 6));
                }
            }
        }
        heldOutNgrams.retainAll(trainingNgrams);
        assertTrue(heldOutNgrams.isEmpty(), "shared 6-grams: " + heldOutNgrams);
    }

    static void assertNoEvaluationQueryInTraining(SimulatedZoo zoo) {
        Set<String> training = new HashSet<>();
        zoo.training().records().forEach(r -> training.add(r.query()));
        List<String> seen = zoo.evaluation().records().stream().map(RewardRecord::query).filter(training::contains)
                .toList();
        assertTrue(seen.isEmpty(), seen.size() + " evaluation queries occur in training, e.g. " + seen.stream().limit(3).toList());
    }

    private static List<String> ngrams(String text, int n) {
        List<String> words = TextNormalizer.words(text);
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i + n <= words.size(); i++) {
            out.add(String.join(" ", words.subList(i, i + n)));
        }
        return out;
    }
}
