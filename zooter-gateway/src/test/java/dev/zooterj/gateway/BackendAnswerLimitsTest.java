package dev.zooterj.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zooterj.gateway.StubOpenAiServer.Flood;
import dev.zooterj.gateway.StubOpenAiServer.Reply;
import dev.zooterj.gateway.backend.Backend;
import dev.zooterj.gateway.backend.BackendsFile;
import dev.zooterj.gateway.backend.BackendsFileException;
import dev.zooterj.gateway.http.BackendClient;
import dev.zooterj.gateway.http.BackendException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A backend that sends far more than it should (a huge answer, an endless body, one giant stream event) fails the call
 * as TOO_LARGE soon after the limit, having read little past it: memory stays bounded whatever the backend sends.
 */
class BackendAnswerLimitsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Far more than the test JVM's heap would hold twice, so reading it whole could not pass quietly. */
    private static final long FLOOD = 1L << 30;
    private static final long LIMIT = 64 * 1024;
    /** What may be in flight past the limit: socket buffers on both sides, not the flood. */
    private static final long READ_BOUND = 64L << 20;

    private final List<StubOpenAiServer> stubs = new ArrayList<>();
    private final BackendClient client = new BackendClient();

    @AfterEach
    void close() {
        stubs.forEach(StubOpenAiServer::close);
    }

    private StubOpenAiServer stub(StubOpenAiServer.Responder responder) {
        StubOpenAiServer s = StubOpenAiServer.start("flood", responder);
        stubs.add(s);
        return s;
    }

    private static Backend capped(StubOpenAiServer s) {
        return Backend.of(s.name(), s.baseUrl(), "m").withAnswerLimits(LIMIT, (int) LIMIT);
    }

    private static ObjectNode chat(String user) {
        ObjectNode b = JSON.createObjectNode();
        b.putArray("messages").addObject().put("role", "user").put("content", user);
        return b;
    }

    private static void assertTooLarge(BackendException e, long startNanos) {
        assertEquals(BackendException.Kind.TOO_LARGE, e.kind(), e.getMessage());
        assertFalse(e.retryable(), "a runaway answer is not asked for again");
        assertTrue(e.getMessage().contains(Long.toString(LIMIT)), e.getMessage());
        long ms = (System.nanoTime() - startNanos) / 1_000_000;
        assertTrue(ms < 5000, "failed soon after the limit, not after reading the flood (" + ms + " ms)");
    }

    @Test
    void aHugeAnswerWithItsLengthDeclaredFailsBeforeItsBodyIsRead() throws Exception {
        StubOpenAiServer s = stub((r, n) -> Reply.ok("x").flooding(Flood.hugeAnswer(FLOOD)));
        long t0 = System.nanoTime();
        BackendException e = assertThrows(BackendException.class, () -> client.complete(capped(s), chat("hi")));
        assertTooLarge(e, t0);
        assertTrue(s.floodBytesSent() < READ_BOUND, "bytes sent before the client hung up: " + s.floodBytesSent());
    }

    @Test
    void anEndlessBodyWithoutALengthFailsAtTheLimit() throws Exception {
        // An event stream that never ends, sent to a plain (non-streamed) call: chunked, no Content-Length.
        StubOpenAiServer s = stub((r, n) -> Reply.ok("x").flooding(Flood.endlessStream()));
        long t0 = System.nanoTime();
        BackendException e = assertThrows(BackendException.class, () -> client.complete(capped(s), chat("hi")));
        assertTooLarge(e, t0);
        Thread.sleep(200);  // the stub notices the closed connection
        assertTrue(s.floodBytesSent() < READ_BOUND, "bytes sent before the client hung up: " + s.floodBytesSent());
    }

    @Test
    void oneGiantStreamEventFailsTheStreamBeforeAnyEvent() throws Exception {
        StubOpenAiServer s = stub((r, n) -> Reply.ok("x").flooding(Flood.giantEvent(FLOOD)));
        List<String> events = new ArrayList<>();
        long t0 = System.nanoTime();
        BackendException e = assertThrows(BackendException.class,
                () -> client.stream(capped(s), chat("hi"), events::add));
        assertTooLarge(e, t0);
        assertEquals(List.of(), events);
        Thread.sleep(200);
        assertTrue(s.floodBytesSent() < READ_BOUND, "bytes sent before the client hung up: " + s.floodBytesSent());
    }

    @Test
    void answersAndEventsWithinTheLimitsPass() throws Exception {
        String content = "y".repeat(20_000);
        StubOpenAiServer s = stub((r, n) -> Reply.ok(content).inChunks(1));
        Backend b = capped(s);
        assertEquals(content, client.complete(b, chat("hi")).content());
        StringBuilder streamed = new StringBuilder();
        client.stream(b, chat("hi"), data -> streamed.append(JSON.readTree(data).path("choices").path(0)
                .path("delta").path("content").asText("")));
        assertEquals(content, streamed.toString(), "a 20 kB event under a 64 KiB limit");
        BackendException e = assertThrows(BackendException.class,
                () -> client.complete(b.withAnswerLimits(10_000, 10_000), chat("hi")));
        assertEquals(BackendException.Kind.TOO_LARGE, e.kind());
    }

    @Test
    void theBackendsFileSetsTheLimitsAndNamesABadOne() throws Exception {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode a = root.putArray("backends").addObject().put("name", "a").put("baseUrl", "http://localhost:1/v1")
                .put("model", "m");
        Backend dflt = BackendsFile.parse(Path.of("b.json"), root).backends().get(0);
        assertEquals(8L << 20, dflt.maxResponseBytes());
        assertEquals(1 << 20, dflt.maxEventBytes());
        a.put("maxResponseBytes", 100_000).put("maxEventBytes", 4096);
        Backend set = BackendsFile.parse(Path.of("b.json"), root).backends().get(0);
        assertEquals(100_000, set.maxResponseBytes());
        assertEquals(4096, set.maxEventBytes());
        for (Object bad : new Object[]{"lots", 100, 1.5e5 + 0.5, 3e9, -1}) {
            ObjectNode copy = root.deepCopy();
            ObjectNode b = (ObjectNode) copy.get("backends").get(0);
            b.set("maxEventBytes", JSON.valueToTree(bad));
            BackendsFileException e = assertThrows(BackendsFileException.class,
                    () -> BackendsFile.parse(Path.of("b.json"), copy), "maxEventBytes " + bad);
            assertTrue(e.getMessage().contains("backends[0].maxEventBytes"), e.getMessage());
            assertTrue(e.getMessage().contains("whole number of bytes from 1024"), e.getMessage());
        }
        a.put("maxResponseBytes", 10);
        BackendsFileException e = assertThrows(BackendsFileException.class, () -> BackendsFile.parse(Path.of("b.json"), root));
        assertTrue(e.getMessage().contains("backends[0].maxResponseBytes"), e.getMessage());
    }
}
