package dev.zooterj.gateway.collect;

import dev.zooterj.gateway.backend.BackendsFile;
import dev.zooterj.gateway.backend.BackendsFileException;
import dev.zooterj.gateway.http.BackendClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CollectSetupTest {
    private static final String BACKENDS = "\"backends\": [{\"name\": \"a\", \"baseUrl\": \"http://127.0.0.1:9/v1\", \"model\": \"m-a\"}]";

    @TempDir
    Path dir;

    private CollectSetup load(String sections) throws IOException {
        Files.writeString(dir.resolve("judge.txt"), "Q {query} A {response}");
        Files.writeString(dir.resolve("tags.txt"), "Tag {query}");
        Path f = dir.resolve("b.json");
        Files.writeString(f, "{" + BACKENDS + ", " + sections + "}");
        return CollectSetup.from(BackendsFile.load(f), new BackendClient());
    }

    private String error(String sections) {
        return assertThrows(BackendsFileException.class, () -> load(sections)).getMessage();
    }

    @Test
    void readsAnInlineJudgeATaggerThatReusesACandidateAndDefaults() throws IOException {
        CollectSetup s = load("\"judge\": {\"baseUrl\": \"http://127.0.0.1:9/v1\", \"model\": \"judge-m\", \"maxConcurrent\": 2, "
                + "\"promptFile\": \"judge.txt\", \"min\": 0, \"max\": 1}, \"tagger\": {\"backend\": \"a\"}");
        JudgeScorer judge = assertInstanceOf(JudgeScorer.class, s.scorer());
        assertEquals("judge", judge.backend().name());
        assertEquals(2, judge.maxConcurrent());
        assertTrue(judge.identity().startsWith("judge model=judge-m prompt="), judge.identity());
        assertTrue(judge.identity().contains("range=[0,1] temperature=0.0 max_tokens=1024"), judge.identity());
        assertEquals("a", s.tagger().backend().name());
        assertTrue(s.tagger().identity().contains("max_tags=10"), s.tagger().identity());
        assertEquals(1, s.candidates().size());
    }

    @Test
    void readsARewardEndpoint() throws IOException {
        CollectSetup s = load("\"rewardEndpoint\": {\"url\": \"http://127.0.0.1:9/score\", \"timeoutSeconds\": 5, \"maxConcurrent\": 3}");
        assertEquals("endpoint http://127.0.0.1:9/score", s.scorer().identity());
        assertEquals(3, s.scorer().maxConcurrent());
        assertNull(s.tagger());
    }

    @Test
    void problemsNameTheFileTheFieldAndWhatWasExpected() throws IOException {
        Path f = dir.resolve("b.json");
        String judge = "\"judge\": {\"backend\": \"a\", \"promptFile\": \"judge.txt\", \"min\": 1, \"max\": 10";
        assertEquals(f + ": no reward model: add a 'judge' section (an OpenAI-compatible model and a prompt file) or a "
                + "'rewardEndpoint' section (a URL that scores {query, response})", error("\"x\": 1"));
        assertEquals(f + ": rewardEndpoint: give either 'judge' or 'rewardEndpoint', not both",
                error(judge + "}, \"rewardEndpoint\": {\"url\": \"http://x/score\"}"));
        assertEquals(f + ": judge.max: missing (required): expected a number",
                error("\"judge\": {\"backend\": \"a\", \"promptFile\": \"judge.txt\", \"min\": 1}"));
        assertEquals(f + ": judge.max: expected a number above min (5.0), got 5.0",
                error("\"judge\": {\"backend\": \"a\", \"promptFile\": \"judge.txt\", \"min\": 5, \"max\": 5}"));
        assertTrue(error(judge + ", \"maxTokenz\": 5}").startsWith(f + ": judge.maxTokenz: unknown field (expected one of "));
        assertEquals(f + ": judge.backend: no backend named 'zz' (have: a)",
                error("\"judge\": {\"backend\": \"zz\", \"promptFile\": \"judge.txt\", \"min\": 1, \"max\": 10}"));
        assertEquals(f + ": judge.model: not allowed together with judge.backend (use one or the other)",
                error(judge + ", \"model\": \"x\"}"));
        assertEquals(f + ": judge.baseUrl: expected an http(s) URL such as http://localhost:8000/v1, got 'ftp://x'",
                error("\"judge\": {\"baseUrl\": \"ftp://x\", \"model\": \"m\", \"promptFile\": \"judge.txt\", \"min\": 1, \"max\": 10}"));
        assertEquals(f + ": judge.model: missing (required)",
                error("\"judge\": {\"baseUrl\": \"http://x/v1\", \"promptFile\": \"judge.txt\", \"min\": 1, \"max\": 10}"));
        assertEquals(f + ": judge.name: 'a' is also a candidate's name; give the judge another \"name\"",
                error("\"judge\": {\"name\": \"a\", \"baseUrl\": \"http://x/v1\", \"model\": \"m\", \"promptFile\": \"judge.txt\", "
                        + "\"min\": 1, \"max\": 10}"));
        assertEquals(f + ": judge.promptFile: tags.txt has no {response} placeholder (needs {query}, {response})",
                error("\"judge\": {\"backend\": \"a\", \"promptFile\": \"tags.txt\", \"min\": 1, \"max\": 10}"));
        assertEquals(f + ": judge.promptFile: cannot read " + dir.resolve("nope.txt") + ": no such file",
                error("\"judge\": {\"backend\": \"a\", \"promptFile\": \"nope.txt\", \"min\": 1, \"max\": 10}"));
        assertEquals(f + ": rewardEndpoint.url: missing (required)", error("\"rewardEndpoint\": {\"timeoutSeconds\": 3}"));
        assertEquals(f + ": rewardEndpoint.timeoutSeconds: expected a positive number, got -1.0",
                error("\"rewardEndpoint\": {\"url\": \"http://x/score\", \"timeoutSeconds\": -1}"));
        assertEquals(f + ": tagger.maxTags: expected a whole number >= 1, got 2.5",
                error(judge + "}, \"tagger\": {\"backend\": \"a\", \"maxTags\": 2.5}"));
        assertEquals(f + ": tagger: expected an object, got ARRAY", error(judge + "}, \"tagger\": []"));
    }
}
