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
        assertEquals(java.util.List.of("a", "b"), bf.names());
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
                "backends[0].timeoutSeconds: expected a positive number");
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

    private static void assertMessage(Path f, String expected) {
        BackendsFileException e = assertThrows(BackendsFileException.class, () -> BackendsFile.load(f));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
