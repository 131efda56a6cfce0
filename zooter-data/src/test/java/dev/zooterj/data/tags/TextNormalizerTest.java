package dev.zooterj.data.tags;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TextNormalizerTest {
    @Test
    void lowerCasesAndStripsPunctuation() {
        assertEquals(List.of("sql", "join", "on", "2", "tables"), TextNormalizer.words("SQL-join, on 2 tables!"));
        assertEquals(List.of("file"), TextNormalizer.words("ﬁle"));
    }

    @Test
    void unspacedScriptsGiveOneWordPerCharacterAndBigramContentWords() {
        assertEquals(List.of("what", "is", "中", "国", "的", "首", "都"), TextNormalizer.words("What is 中国的首都?"));
        assertEquals(List.of("中国", "国的", "的首", "首都"), TextNormalizer.contentWords("What is 中国的首都?"));
        assertEquals(List.of(), TextNormalizer.contentWords("是"));
        List<String> words = TextNormalizer.contentWords("下列的是首都");
        assertTrue(words.contains("首都"), words.toString());
        assertFalse(words.contains("下列") || words.contains("的是"), "boilerplate bigrams are not content: " + words);
    }

    @Test
    void combiningMarksStayInTheirWord() {
        assertEquals(List.of("नमस्ते", "दुनिया"), TextNormalizer.words("नमस्ते, दुनिया!"));
        assertEquals(List.of("café"), TextNormalizer.words("cafe\u0301")); // NFKC composes; a leftover mark would stay too
    }

    @Test
    void contentWordsDropStopWordsShortWordsAndNumbers() {
        assertEquals(List.of("capital", "france", "x1"), TextNormalizer.contentWords("What is the capital of France, 1999 x1 a?"));
    }
}
