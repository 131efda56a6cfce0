package dev.zooterj.gateway;

import dev.zooterj.gateway.backend.Backend;
import dev.zooterj.gateway.http.BackendClient;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The backend client's threads never keep a JVM alive: a program that made calls (blocking, asynchronous, streamed)
 * exits when its main method returns, as 'zooter collect' must.
 */
class BackendClientExitTest {
    /** The child program: a stub, one call of each kind, then main returns. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            try (StubOpenAiServer stub = StubOpenAiServer.start("a", (r, n) -> StubOpenAiServer.Reply.ok("hi").inChunks(2))) {
                Backend b = Backend.of("a", stub.baseUrl(), "m");
                BackendClient client = new BackendClient();
                client.complete(b, BackendClientTest.chat("x"));
                client.relayRawAsync(b, BackendClientTest.chat("y")).get(10, TimeUnit.SECONDS);
                client.stream(b, BackendClientTest.chat("z"), data -> { });
            }
            System.out.println("calls done");
        }
    }

    @Test
    void aProgramThatCalledBackendsExitsWhenItsMainReturns() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Child.class.getName())
                .redirectErrorStream(true).start();
        boolean exited = p.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(exited, "the JVM was still running 60 s after its calls; output: " + out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("calls done"), out);
    }
}
