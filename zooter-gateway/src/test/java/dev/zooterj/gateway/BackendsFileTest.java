package dev.zooterj.gateway;

import dev.zooterj.gateway.backend.Backend;
import dev.zooterj.gateway.backend.BackendsFile;
import dev.zooterj.gateway.backend.BackendsFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackendsFileTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void readsJsonWithDefaultsAndPrices() throws IOException {
        Path f = write("b.json", """
                {"backends": [
                  {"name": "a", "baseUrl": "http://localhost:8000/v1", "model": "m-a", "apiKeyEnv": "A_KEY",
                   "timeoutSeconds": 2.5, "maxConcurrent": 3, "pricePer1kOutputTokens": 0.5},
                  {"name": "b", "baseUrl": "https://api.example.com/v1/", "model": "m-b"}
                ], "judge": {"backend": "a"}}""");
        BackendsFile bf = BackendsFile.load(f);
        assertEquals(List.of("a", "b"), bf.names());
        Backend a = bf.get("a");
        assertEquals(Duration.ofMillis(2500), a.timeout());
        assertEquals(3, a.maxConcurrent());
        assertEquals(0.25, a.cost(100, 500), 1e-12);
        assertEquals("http://localhost:8000/v1/chat/completions", a.chatCompletionsUri().toString());
        Backend b = bf.get("b");
        assertEquals("https://api.example.com/v1/chat/completions", b.chatCompletionsUri().toString());
        assertEquals(8, b.maxConcurrent());
        assertNull(b.pricePer1kOutput());
        assertFalse(b.apiKey().isPresent());
        assertTrue(bf.section("judge").isPresent());
        assertFalse(bf.section("tagger").isPresent());
        assertFalse(a.toString().contains("secret"));
    }

    @Test
    void readsYaml() throws IOException {
        Path f = write("b.yaml", """
                backends:
                  - name: a
                    baseUrl: http://127.0.0.1:9/v1
                    model: m
                """);
        assertEquals("m", BackendsFile.load(f).get("a").model());
    }

    @Test
    void errorsNameTheFileAndField() throws IOException {
        assertMessage(write("1.json", "{\"backends\": []}"), "1.json: backends: expected a non-empty array");
        assertMessage(write("2.json", "{\"backends\": [{\"name\": \"a\", \"model\": \"m\"}]}"),
                "backends[0].baseUrl: missing (required)");
        assertMessage(write("3.json", "{\"backends\": [{\"name\": \"a\", \"baseUrl\": \"ftp://x/v1\", \"model\": \"m\"}]}"),
                "backends[0].baseUrl: expected an http(s) URL");
        assertMessage(write("4.json", "{\"backends\": [{\"name\": \"a\", \"baseUrl\": \"http://x/v1\", \"model\": \"m\", \"maxConcurent\": 3}]}"),
                "backends[0].maxConcurent: unknown field");
        assertMessage(write("5.json", "{\"backends\": [{\"name\": \"a\", \"baseUrl\": \"http://x/v1\", \"model\": \"m\"},"
                + "{\"name\": \"a\", \"baseUrl\": \"http://y/v1\", \"model\": \"m\"}]}"), "backends[1].name: duplicate name 'a' (first at backends[0])");
        assertMessage(write("6.json", "{\"backends\": [{\"name\": \"a\", \"baseUrl\": \"http://x/v1\", \"model\": \"m\", \"timeoutSeconds\": -1}]}"),
                "backends[0].timeoutSeconds: expected seconds from 0.001 to 3600, got -1");
        assertMessage(write("7.json", "{\"backends\": [ {\"name\": "), "line 1");
        assertMessage(dir.resolve("missing.json"), "missing.json: no such file");
    }

    @Test
    void aNamedButUnsetKeyVariableIsAnErrorThatNamesOnlyTheVariable() {
        Backend b = new Backend("a", java.net.URI.create("http://x/v1"), "m", "ZOOTER_TEST_SURELY_UNSET_KEY",
                Duration.ofSeconds(1), 1, null, null);
        IllegalStateException e = assertThrows(IllegalStateException.class, b::apiKey);
        assertTrue(e.getMessage().contains("ZOOTER_TEST_SURELY_UNSET_KEY"), e.getMessage());
    }

    @Test
    void anUnknownTopLevelKeyIsAnErrorListingTheAllowedOnes() throws IOException {
        Path f = write("typo.yaml", """
                backends:
                  - {name: a, baseUrl: http://127.0.0.1:9/v1, model: m}
                tager:
                  backend: a
                """);
        BackendsFileException e = assertThrows(BackendsFileException.class, () -> BackendsFile.load(f));
        assertEquals(f + ": tager: unknown top-level key (expected one of backends, judge, rewardEndpoint, tagger)",
                e.getMessage());
    }

    @Test
    void aBaseUrlCarriesNoSecretsSinceUrlsArePrinted() throws IOException {
        for (String url : List.of("http://me:S3CRET@127.0.0.1:9/v1", "http://127.0.0.1:9/v1?key=S3CRET",
                "http://127.0.0.1:9/v1#S3CRET", "http://me:S3CRET@x y/v1")) {
            Path f = write("s.json", "{\"backends\": [{\"name\": \"a\", \"baseUrl\": \"" + url + "\", \"model\": \"m\"}]}");
            BackendsFileException e = assertThrows(BackendsFileException.class, () -> BackendsFile.load(f), url);
            assertTrue(e.getMessage().startsWith(f + ": backends[0].baseUrl: "), e.getMessage());
            assertFalse(e.getMessage().contains("S3CRET"), e.getMessage());
        }
        assertMessage(write("u.json", "{\"backends\": [{\"name\": \"a\", \"baseUrl\": \"http://me:S3CRET@127.0.0.1:9/v1\", "
                + "\"model\": \"m\"}]}"), "backends[0].baseUrl: a user name or password in the URL (http://127.0.0.1:9/v1 "
                + "has user:pass@) is not allowed, since URLs are printed; put the key in an environment variable and name "
                + "it in apiKeyEnv");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Backend.of("a", "http://me:S3CRET@127.0.0.1:9/v1", "m"));
        assertFalse(e.getMessage().contains("S3CRET"), e.getMessage());
        assertEquals("https://fn.example.net:8443/api/score?…",
                Backend.redacted(java.net.URI.create("https://fn.example.net:8443/api/score?code=S3CRET#x")));
    }

    @Test
    void parseBackendNamesTheGivenFieldPath() {
        Path f = dir.resolve("b.json");
        var node = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
                .put("name", "judge").put("baseUrl", "http://127.0.0.1:9/v1").put("maxConcurrent", 2);
        BackendsFileException e = assertThrows(BackendsFileException.class, () -> BackendsFile.parseBackend(f, "judge", node));
        assertEquals(f + ": judge.model: missing (required)", e.getMessage());
        node.put("model", "m");
        assertEquals(2, BackendsFile.parseBackend(f, "judge", node).maxConcurrent());
        node.put("maxConcurrent", 0);
        e = assertThrows(BackendsFileException.class, () -> BackendsFile.parseBackend(f, "judge", node));
        assertEquals(f + ": judge.maxConcurrent: expected a whole number from 1 to 10000, got 0", e.getMessage());
    }

    /** Values that make no sense (a 1e30 s timeout, a hundred million connections) are refused, naming the field. */
    @Test
    void timeoutsAndConcurrencyBeyondTheDocumentedLimitsAreRefused() throws IOException {
        String base = "{\"backends\": [{\"name\": \"a\", \"baseUrl\": \"http://x/v1\", \"model\": \"m\", ";
        assertMessage(write("t1.json", base + "\"timeoutSeconds\": 1e30}]}"),
                "backends[0].timeoutSeconds: expected seconds from 0.001 to 3600, got 1.0E30");
        assertMessage(write("t2.json", base + "\"timeoutSeconds\": 0.0001}]}"),
                "backends[0].timeoutSeconds: expected seconds from 0.001 to 3600, got 1.0E-4");
        assertMessage(write("t3.json", base + "\"timeoutSeconds\": 3600.5}]}"), "backends[0].timeoutSeconds");
        assertMessage(write("c1.json", base + "\"maxConcurrent\": 100000000}]}"),
                "backends[0].maxConcurrent: expected a whole number from 1 to 10000, got 100000000");
        assertMessage(write("c2.json", base + "\"maxConcurrent\": 10001}]}"), "backends[0].maxConcurrent");
        Backend edge = BackendsFile.load(write("ok.json", base + "\"timeoutSeconds\": 3600, \"maxConcurrent\": 10000}]}"))
                .get("a");
        assertEquals(Duration.ofHours(1), edge.timeout());
        assertEquals(10000, edge.maxConcurrent());
        // the inline judge and the reward endpoint are checked by the same rules
        BackendsFile withEndpoint = BackendsFile.load(write("j.json", "{\"backends\": [{\"name\": \"a\", \"baseUrl\": "
                + "\"http://x/v1\", \"model\": \"m\"}], \"rewardEndpoint\": {\"url\": \"http://x/score\", \"timeoutSeconds\": 1e30}}"));
        BackendsFileException e = assertThrows(BackendsFileException.class, () -> dev.zooterj.gateway.collect.CollectSetup
                .from(withEndpoint, new dev.zooterj.gateway.http.BackendClient()));
        assertTrue(e.getMessage().contains("rewardEndpoint.timeoutSeconds: expected seconds from 0.001 to 3600"),
                e.getMessage());
    }

    private static void assertMessage(Path f, String expected) {
        BackendsFileException e = assertThrows(BackendsFileException.class, () -> BackendsFile.load(f));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
