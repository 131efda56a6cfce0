package dev.zooterj.gateway.collect;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The documented rules by which judge, reward-endpoint and tagger replies are read, and the prompt templates. */
class ScoreParsingTest {
    @Test
    void judgeScoresFollowTheDocumentedRules() throws Exception {
        assertEquals(7, JudgeScorer.parseScore("The answer is clear [[6]]... on reflection: Rating: [[7]]", 1, 10));
        assertEquals(8.5, JudgeScorer.parseScore("{\"score\": 8.5, \"why\": \"good\"}", 1, 10));
        assertEquals(3, JudgeScorer.parseScore("  3.\n", 1, 10));
        assertEquals(9, JudgeScorer.parseScore("Helpful and correct.\n**Score:** 9/10", 1, 10));
        assertEquals(4, JudgeScorer.parseScore("Rating = 4", 1, 10));
        assertEquals(-2, JudgeScorer.parseScore("[[-2]]", -5, 5));
        assertEquals(1, JudgeScorer.parseScore("[[1]]", 1, 10), "the range is inclusive");
    }

    @Test
    void judgeRepliesWithoutAScoreOrOutOfRangeAreInvalid() {
        for (String reply : List.of("A fine answer.", "I'd give it 7 out of 10", "{\"rating\": 5}", "[[seven]]", "")) {
            InvalidOutputException e = assertThrows(InvalidOutputException.class, () -> JudgeScorer.parseScore(reply, 1, 10), reply);
            assertTrue(e.getMessage().startsWith("judge reply has no score"), e.getMessage());
        }
        InvalidOutputException e = assertThrows(InvalidOutputException.class, () -> JudgeScorer.parseScore("[[10.5]]", 1, 10));
        assertEquals("judge score 10.5 is outside [1, 10]", e.getMessage());
        assertThrows(InvalidOutputException.class, () -> JudgeScorer.parseScore("Score: 0", 1, 10));
    }

    @Test
    void rewardEndpointRepliesAreANumberOrAnObjectWithReward() throws Exception {
        assertEquals(-1.25, HttpRewardScorer.parseReward("-1.25"));
        assertEquals(3, HttpRewardScorer.parseReward("{\"reward\": 3, \"model\": \"rm\"}"));
        for (String bad : List.of("\"3\"", "{\"score\": 3}", "not json", "[3]", "{\"reward\": null}")) {
            assertThrows(InvalidOutputException.class, () -> HttpRewardScorer.parseReward(bad), bad);
        }
    }

    @Test
    void tagsAreAJsonArrayOfStringsOrInsTagObjects() throws Exception {
        assertEquals(List.of("sql", "code generation"), Tagger.parseTags("[\"SQL\", \" code\n generation \", \"sql\"]", 10));
        assertEquals(List.of("math", "proof"), Tagger.parseTags("Here you go:\n```json\n[{\"tag\": \"Math\", \"explanation\": "
                + "\"a [bracketed] note\"}, {\"tag\": \"proof\"}]\n```", 10));
        assertEquals(List.of("a", "b"), Tagger.parseTags("[\"a\", \"b\", \"c\"]", 2));
        assertEquals(List.of(), Tagger.parseTags("[]", 5));
        for (String bad : List.of("coding, sql", "[\"a\", 3]", "[{\"name\": \"x\"}]", "[\"  \"]", "[\"" + "x".repeat(101) + "\"]",
                "{\"tags\": \"a\"}")) {
            assertThrows(InvalidOutputException.class, () -> Tagger.parseTags(bad, 10), bad);
        }
    }

    @Test
    void templatesAreFilledInOnePassAndNeedTheirPlaceholders() {
        PromptTemplate t = new PromptTemplate("Q: {query}\nA: {response}\nJSON like {\"score\": N} or {other}",
                List.of("query", "response"), List.of("query", "response"));
        assertEquals("Q: what is {response}?\nA: $1 \\ done\nJSON like {\"score\": N} or {other}",
                t.render(Map.of("query", "what is {response}?", "response", "$1 \\ done")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PromptTemplate("Rate: {query}", List.of("query", "response"), List.of("query", "response")));
        assertEquals("has no {response} placeholder (needs {query}, {response})", e.getMessage());
    }
}
