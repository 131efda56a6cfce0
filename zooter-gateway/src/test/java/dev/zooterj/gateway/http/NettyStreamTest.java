package dev.zooterj.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zooterj.gateway.backend.Backend;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static dev.zooterj.gateway.http.RawServer.awaitHangUp;
import static dev.zooterj.gateway.http.RawServer.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Streams over the Netty transport ({@link BackendClient#stream}), against a raw loopback server: events reach the
 * caller's thread in order, a finished stream's keep-alive connection is reused, error statuses, cuts and silences end
 * the stream as before, and a reader that falls behind holds the backend back instead of queueing without bound.
 */
class NettyStreamTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ANSWER = "{\"id\":\"x\",\"object\":\"chat.completion\",\"model\":\"m\",\"choices\":"
            + "[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"whole\"},\"finish_reason\":\"stop\"}]}";

    @RegisterExtension
    final RawServers servers = new RawServers();

    private static Backend backend(RawServer s, long timeoutMs) {
        return new Backend("raw-stream", URI.create(s.baseUrl()), "model-raw", null, Duration.ofMillis(timeoutMs), 2,
                null, null);
    }

    private static ObjectNode chat(String user) {
        return dev.zooterj.gateway.client.ChatBodies.user(user);
    }

    /** One SSE chunk carrying {@code word}; the last one of an answer has a finish_reason. */
    static String event(String word, boolean last) {
        return "data: {\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + word
                + "\"},\"finish_reason\":" + (last ? "\"stop\"" : "null") + "}]}\n\n";
    }

    private static void head(OutputStream out) throws IOException {
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    }

    private static void chunk(OutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write((Integer.toHexString(b.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static void end(OutputStream out) throws IOException {
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** A whole streamed answer: the words as events (the last with a finish), [DONE], the body's end. */
    private static void sse(OutputStream out, String... words) throws IOException {
        head(out);
        for (int i = 0; i < words.length; i++) {
            chunk(out, event(words[i], i == words.length - 1));
        }
        chunk(out, "data: [DONE]\n\n");
        end(out);
    }

    private static List<String> words(List<String> events) throws IOException {
        List<String> w = new ArrayList<>();
        for (String e : events) {
            w.add(JSON.readTree(e).path("choices").path(0).path("delta").path("content").asText());
        }
        return w;
    }

    private static boolean streamed(RawServer.Req r) throws IOException {
        JsonNode body = JSON.readTree(r.body());
        return body.path("stream").asBoolean(false);
    }

    @Test
    void twoStreamsInARowAndACallAfterThemUseOneKeepAliveConnection() throws Exception {
        RawServer s = servers.start((req, sock, out) -> {
            if (streamed(req)) {
                sse(out, "one", "two", "three");
            } else {
                ok(out, ANSWER);
            }
        });
        BackendClient client = new BackendClient();
        Backend b = backend(s, 5000);
        for (int i = 0; i < 2; i++) {
            List<String> events = new ArrayList<>();
            AtomicBoolean opened = new AtomicBoolean();
            client.stream(b, chat("q" + i), new BackendClient.StreamListener() {
                @Override
                public void onOpen() {
                    opened.set(true);
                }

                @Override
                public void onEvent(String data) {
                    events.add(data);
                }
            });
            assertTrue(opened.get());
            assertEquals(List.of("one", "two", "three"), words(events));
        }
        assertEquals("whole", client.complete(b, chat("plain")).content());
        assertEquals(3, s.requests.size());
        assertTrue(streamed(s.requests.get(0)), "a stream asks for one");
        assertEquals("model-raw", JSON.readTree(s.requests.get(0).body()).path("model").asText());
        assertEquals(1, s.accepts.get(), "each finished stream gave its connection back to the pool");
        assertEquals(2, client.available(b));
    }

    @Test
    void eventsReachTheCallersThreadNotTheEventLoop() throws Exception {
        RawServer s = servers.start((req, sock, out) -> sse(out, "a", "b"));
        Thread caller = Thread.currentThread();
        List<Thread> seen = new ArrayList<>();
        new BackendClient().stream(backend(s, 5000), chat("x"), data -> seen.add(Thread.currentThread()));
        assertEquals(List.of(caller, caller), seen);

        CompletableFuture<Throwable> onLoop = new CompletableFuture<>();
        EventLoop loop = EventLoops.group().next();
        loop.execute(() -> {
            try {
                new BackendClient().stream(backend(s, 5000), chat("x"), data -> { });
                onLoop.complete(null);
            } catch (Throwable t) {
                onLoop.complete(t);
            }
        });
        assertInstanceOf(IllegalStateException.class, onLoop.get(5, TimeUnit.SECONDS),
                "a stream read on a loop fails at once instead of waiting for itself");
    }

    @Test
    void aBodyThatGoesOnAfterDoneIsDrainedAndItsConnectionKept() throws Exception {
        RawServer s = servers.start((req, sock, out) -> {
            head(out);
            chunk(out, event("only", true));
            chunk(out, "data: [DONE]\n\n");
            try {
                Thread.sleep(150);  // the reader has returned by now
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            chunk(out, ": a comment after the end\n\n");
            end(out);
        });
        BackendClient client = new BackendClient();
        Backend b = backend(s, 5000);
        for (int i = 0; i < 2; i++) {
            List<String> events = new ArrayList<>();
            client.stream(b, chat("x"), events::add);
            assertEquals(List.of("only"), words(events));
            Thread.sleep(500);  // the server's rest comes 150 ms after [DONE]; the drain pools the connection then
        }
        assertEquals(1, s.accepts.get(), "the rest after [DONE] was read and dropped, the connection pooled");
    }

    @Test
    void aBodyThatNeverEndsAfterDoneHasItsConnectionClosed() throws Exception {
        CompletableFuture<Long> hungUp = new CompletableFuture<>();
        RawServer s = servers.start((req, sock, out) -> {
            head(out);
            chunk(out, event("only", true));
            chunk(out, "data: [DONE]\n\n");
            long t0 = System.nanoTime();
            awaitHangUp(sock);
            hungUp.complete(System.nanoTime() - t0);
        });
        List<String> events = new ArrayList<>();
        long t0 = System.nanoTime();
        new BackendClient().stream(backend(s, 20_000), chat("x"), events::add);
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1), "the caller does not wait for the drain");
        assertEquals(List.of("only"), words(events));
        long waited = hungUp.get(8, TimeUnit.SECONDS);
        assertTrue(waited < TimeUnit.SECONDS.toNanos(5), "the drain gave up after about 2 s: " + waited / 1_000_000 + " ms");
    }

    @Test
    void anErrorStatusIsThrownBeforeTheStreamOpensAndKeepsTheConnection() throws Exception {
        RawServer s = servers.start((req, sock, out) -> {
            if (isFirst(req)) {
                byte[] err = "{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit\"}}".getBytes(StandardCharsets.UTF_8);
                out.write(("HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nRetry-After: 3\r\n"
                        + "Content-Length: " + err.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(err);
                out.flush();
            } else {
                sse(out, "fine");
            }
        });
        BackendClient client = new BackendClient();
        Backend b = backend(s, 5000);
        AtomicBoolean opened = new AtomicBoolean();
        BackendException e = assertThrows(BackendException.class, () -> client.stream(b, chat("first"),
                new BackendClient.StreamListener() {
                    @Override
                    public void onOpen() {
                        opened.set(true);
                    }

                    @Override
                    public void onEvent(String data) {
                    }
                }));
        assertEquals(BackendException.Kind.STATUS, e.kind());
        assertEquals(429, e.status());
        assertEquals(Duration.ofSeconds(3), e.retryAfter().orElseThrow());
        assertTrue(e.getMessage().contains("slow down"), e.getMessage());
        assertFalse(opened.get(), "an error status never opens the stream");
        List<String> events = new ArrayList<>();
        client.stream(b, chat("second"), events::add);
        assertEquals(List.of("fine"), words(events));
        assertEquals(1, s.accepts.get(), "an error body read whole leaves its connection reusable");
        assertEquals(2, client.available(b));
    }

    /** Whether the request is the first one (its user message is "first"). */
    private static boolean isFirst(RawServer.Req req) throws IOException {
        return JSON.readTree(req.body()).path("messages").path(0).path("content").asText().equals("first");
    }

    @Test
    void aStreamCutMidwayFailsAsConnectionAfterItsEvents() throws Exception {
        RawServer s = servers.start((req, sock, out) -> {
            head(out);
            chunk(out, event("one", false));
            chunk(out, event("two", false));
            sock.close();
        });
        BackendClient client = new BackendClient();
        Backend b = backend(s, 20_000);
        List<String> events = new ArrayList<>();
        long t0 = System.nanoTime();
        BackendException e = assertThrows(BackendException.class, () -> client.stream(b, chat("x"), events::add));
        assertEquals(BackendException.Kind.CONNECTION, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("stream broke"), e.getMessage());
        assertEquals(List.of("one", "two"), words(events), "what came before the cut was passed on");
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "failed at the cut, not at the timeout");
        assertEquals(2, client.available(b));
    }

    @Test
    void aListenerBlockedLongerThanTheTimeoutEndsTheStream() throws Exception {
        RawServer s = servers.start((req, sock, out) -> sse(out, "one", "two", "three"));
        BackendClient client = new BackendClient();
        Backend b = backend(s, 300);
        List<String> events = new ArrayList<>();
        BackendException e = assertThrows(BackendException.class, () -> client.stream(b, chat("x"), data -> {
            events.add(data);
            try {
                Thread.sleep(700);
            } catch (InterruptedException ie) {
                throw new IOException(ie);
            }
        }));
        assertEquals(BackendException.Kind.CONNECTION, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("sent nothing for 300 ms after 1 events"), e.getMessage());
        assertEquals(1, events.size());
        assertEquals(2, client.available(b));
    }

    /**
     * A reader that stops taking the body holds the backend back: the loop stops reading at the high-water mark, so
     * the server's writes stall with most of a 16 MiB body unsent, and what waits in memory stays bounded; once the
     * reader goes on, every byte arrives in order.
     */
    @Test
    void aReaderThatFallsBehindHoldsTheBackendBackAndLosesNothing() throws Exception {
        int eventBytes = 16 * 1024;
        int count = 1024;  // 16 MiB
        AtomicLong written = new AtomicLong();
        RawServer s = servers.start((req, sock, out) -> {
            sock.setSendBufferSize(64 * 1024);
            head(out);
            char[] fill = new char[eventBytes - 64];
            for (int i = 0; i < count; i++) {
                Arrays.fill(fill, (char) ('a' + i % 26));
                String e = "data: " + i + " " + new String(fill) + "\n\n";
                chunk(out, e);
                written.addAndGet(e.length());
            }
            end(out);
        });
        Backend b = backend(s, 20_000);
        BackendClient.Call call = new BackendClient.Call(b, null, BackendClient.requestBytes(chat("x"), b.model(), true));
        NettyTransport.Streamed in = NettyTransport.stream(call, TimeUnit.SECONDS.toNanos(20));
        boolean finished = false;
        try {
            assertEquals(200, in.head(TimeUnit.SECONDS.toNanos(5)).status());
            assertTrue(in.read() >= 0);
            long total = (long) count * (eventBytes - 64 + 8);
            long before;
            long after = written.get();
            do {  // until the server's writes stop: socket buffers full, the loop no longer reading
                before = after;
                Thread.sleep(300);
                after = written.get();
            } while (after != before);
            assertTrue(after < total / 2, "the server was held back at " + after + " of " + total + " bytes");
            assertTrue(in.peakQueued() <= NettyTransport.STREAM_HIGH_WATER + 128 * 1024,
                    "at most the high-water mark and one read wait in memory: " + in.peakQueued());
            in.touch();
            BoundedBodies.LineReader lines = new BoundedBodies.LineReader(in, 1 << 20);
            int next = 0;
            String first = lines.readLine();  // the rest of event 0's line (its first byte was read above)
            assertTrue(first.startsWith("ata: 0 a"), first.substring(0, 10));
            next++;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                in.touch();
                if (line.isEmpty()) {
                    continue;
                }
                assertTrue(line.startsWith("data: " + next + " " + (char) ('a' + next % 26)), "event " + next + " in order");
                assertEquals(eventBytes - 64 + 6 + String.valueOf(next).length() + 1, line.length());
                next++;
            }
            assertEquals(count, next, "every event arrived");
            finished = true;
        } finally {
            in.close(finished);
        }
    }

    @Test
    void aJsonAnswerToAStreamIsOneChunkAndItsConnectionIsKept() throws Exception {
        RawServer s = servers.start((req, sock, out) -> ok(out, ANSWER));
        BackendClient client = new BackendClient();
        Backend b = backend(s, 5000);
        for (int i = 0; i < 2; i++) {
            List<String> events = new ArrayList<>();
            client.stream(b, chat("x"), events::add);
            assertEquals(1, events.size());
            JsonNode chunk = JSON.readTree(events.get(0));
            assertEquals("chat.completion.chunk", chunk.path("object").asText());
            assertEquals("whole", chunk.path("choices").path(0).path("delta").path("content").asText());
        }
        assertEquals(1, s.accepts.get());
        assertEquals(2, client.available(b));
    }
}
