package dev.zooterj.gateway.collect;

import dev.zooterj.gateway.backend.BackendsFile;
import dev.zooterj.gateway.backend.BackendsFileException;
import dev.zooterj.gateway.http.BackendClient;
import dev.zooterj.gateway.http.BackendException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
                + "'rewardEndpoint' section (a URL that scores {query, response})", error("\"tagger\": {\"backend\": \"a\"}"));
        assertEquals(f + ": tager: unknown top-level key (expected one of backends, judge, rewardEndpoint, tagger)",
                error(judge + "}, \"tager\": {\"backend\": \"a\"}"));
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
        assertEquals(f + ": rewardEndpoint.timeoutSeconds: expected seconds from 0.001 to 3600, got -1",
                error("\"rewardEndpoint\": {\"url\": \"http://x/score\", \"timeoutSeconds\": -1}"));
        assertEquals(f + ": tagger.maxTags: expected a whole number >= 1, got 2.5",
                error(judge + "}, \"tagger\": {\"backend\": \"a\", \"maxTags\": 2.5}"));
        assertEquals(f + ": tagger: expected an object, got ARRAY", error(judge + "}, \"tagger\": []"));
    }

    @Test
    void anInlineJudgeAndTaggerMayShareANameOnlyForTheSameBackend() throws IOException {
        String judge = "\"judge\": {\"name\": \"helper\", \"baseUrl\": \"http://127.0.0.1:9/v1\", \"model\": \"m\", "
                + "\"promptFile\": \"judge.txt\", \"min\": 1, \"max\": 10}";
        assertEquals(dir.resolve("b.json") + ": tagger.name: 'helper' is also judge.name, but the two differ in baseUrl, "
                        + "maxConcurrent; give the tagger another \"name\" (or the same settings as the judge)",
                error(judge + ", \"tagger\": {\"name\": \"helper\", \"baseUrl\": \"http://127.0.0.1:10/v1\", \"model\": \"m\", "
                        + "\"maxConcurrent\": 2}"));
        CollectSetup same = load(judge + ", \"tagger\": {\"name\": \"helper\", \"baseUrl\": \"http://127.0.0.1:9/v1\", "
                + "\"model\": \"m\"}");
        assertEquals(((JudgeScorer) same.scorer()).backend(), same.tagger().backend(), "one backend, one limit");
    }

    @Test
    void concurrencyCapsTheCandidatesTheJudgeAndTheTagger() throws IOException {
        CollectSetup s = load("\"judge\": {\"baseUrl\": \"http://127.0.0.1:9/v1\", \"model\": \"judge-m\", \"maxConcurrent\": 6, "
                + "\"promptFile\": \"judge.txt\", \"min\": 0, \"max\": 1}, \"tagger\": {\"backend\": \"a\"}");
        CollectSetup capped = s.withConcurrency(3);
        assertEquals(3, capped.candidates().get(0).maxConcurrent(), "a's own limit is the default 8");
        assertEquals(3, capped.scorer().maxConcurrent());
        assertEquals(3, capped.tagger().maxConcurrent());
        assertEquals(s.scorer().identity(), capped.scorer().identity(), "the limit is no part of what a reward means");
        assertEquals(2, load("\"rewardEndpoint\": {\"url\": \"http://127.0.0.1:9/score\", \"maxConcurrent\": 2}")
                .withConcurrency(3).scorer().maxConcurrent(), "a lower limit of its own stays");
    }

    @Test
    void aKeyInTheRewardEndpointUrlIsSentButNeverShown() throws Exception {
        CollectSetup one = load("\"rewardEndpoint\": {\"url\": \"http://127.0.0.1:1/api/score?code=S3CRET-ONE\"}");
        CollectSetup two = load("\"rewardEndpoint\": {\"url\": \"http://127.0.0.1:1/api/score?code=S3CRET-TWO\"}");
        String id = one.scorer().identity();
        assertTrue(id.matches("endpoint http://127\\.0\\.0\\.1:1/api/score\\?… sha256=[0-9a-f]{16}"), id);
        assertNotEquals(id, two.scorer().identity(), "another key is another scorer");
        assertEquals("reward endpoint http://127.0.0.1:1/api/score?…", one.scorer().toString());
        // Nothing listens on port 1: the failure, which goes to the console and the failures file, hides the key too.
        BackendException e = assertThrows(BackendException.class, () -> one.scorer().score("q", "a"));
        assertTrue(e.getMessage().contains("cannot reach http://127.0.0.1:1/api/score?…"), e.getMessage());
        assertFalse(e.getMessage().contains("S3CRET"), e.getMessage());

        String userInfo = error("\"rewardEndpoint\": {\"url\": \"http://me:S3CRET@127.0.0.1:1/score\"}");
        assertTrue(userInfo.startsWith(dir.resolve("b.json") + ": rewardEndpoint.url: a user name or password"), userInfo);
        assertFalse(userInfo.contains("S3CRET"), userInfo);
    }
}
