package dev.zooterj.data.tags;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HashedNgramsTest {
    private final HashedNgrams features = new HashedNgrams(1 << 12);

    @Property
    void everyTextGivesAUnitVectorOfSortedDistinctBucketsInRange(@ForAll @StringLength(max = 200) String text) {
        HashedNgrams.Sparse s = features.features(text);
        double norm = 0;
        for (int k = 0; k < s.size(); k++) {
            assertTrue(s.index()[k] >= 0 && s.index()[k] < features.dimension());
            if (k > 0) {
                assertTrue(s.index()[k] > s.index()[k - 1], "sorted and distinct");
            }
            norm += (double) s.value()[k] * s.value()[k];
        }
        if (text.isEmpty()) {
            assertEquals(0, s.size(), "nothing to count in an empty text");
        } else {
            // the padded text has at least 3 characters, so there is always a character trigram
            assertEquals(1.0, norm, 1e-5);
        }
    }

    @Property
    void featuresAreAFunctionOfTheLowerCasedText(@ForAll @StringLength(max = 80) String text) {
        HashedNgrams.Sparse a = features.features(text);
        HashedNgrams.Sparse b = new HashedNgrams(1 << 12).features(text.toLowerCase(java.util.Locale.ROOT));
        assertArrayEquals(a.index(), b.index());
        assertArrayEquals(a.value(), b.value());
    }

    @Test
    void theHashIsFixedAcrossRunsAndJvms() {
        // FNV-1a 64 then the murmur finaliser: a fixed function, so saved classifiers keep their meaning
        assertEquals(HashedNgrams.hash("w:answer"), HashedNgrams.hash("w:answer"));
        assertNotEquals(HashedNgrams.hash("w:answer"), HashedNgrams.hash("w:question"));
        // one known value pins the function itself
        assertEquals(0xefd01f60ba992926L, HashedNgrams.hash(""));
    }

    @Test
    void promptFormatsLandOnDifferentFeatures() {
        HashedNgrams.Sparse arc = features.features("Question:Which is an example of condensation?\nAnswer:");
        HashedNgrams.Sparse mmlu = features.features("Which is an example of condensation?\nA. rain\nB. dew\nC. fog\nD. ice");
        double dot = 0;
        int i = 0;
        int j = 0;
        while (i < arc.size() && j < mmlu.size()) {
            if (arc.index()[i] == mmlu.index()[j]) {
                dot += arc.value()[i++] * mmlu.value()[j++];
            } else if (arc.index()[i] < mmlu.index()[j]) {
                i++;
            } else {
                j++;
            }
        }
        assertTrue(dot > 0.2 && dot < 0.9, "same question, different format: similar but not equal, cosine " + dot);
    }

    @Test
    void theDimensionMustBeAPowerOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> new HashedNgrams(1000));
        assertThrows(IllegalArgumentException.class, () -> new HashedNgrams(8));
    }
}
