package dev.zooterj.gateway.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zooterj.gateway.backend.Backend;
import io.netty.channel.EventLoop;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.zooterj.gateway.http.RawServer.awaitHangUp;
import static dev.zooterj.gateway.http.RawServer.chunked;
import static dev.zooterj.gateway.http.RawServer.ok;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Netty transport of {@link BackendClient} for plain-HTTP backends, against a raw loopback server that counts its
 * connections and answers each request however a test says (keep-alive, chunked, cut short, silent, too large).
 */
class NettyTransportTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ANSWER = "{\"id\":\"x\",\"object\":\"chat.completion\",\"model\":\"m\",\"choices\":"
            + "[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hi there\"},\"finish_reason\":\"stop\"}]}";

    @RegisterExtension
    final RawServers servers = new RawServers();

    private static Backend backend(RawServer s, long timeoutMs, long maxResponseBytes) {
        return new Backend("raw", URI.create(s.baseUrl()), "model-raw", null, Duration.ofMillis(timeoutMs), 4, null, null,
                maxResponseBytes, 1 << 20);
    }

    private static ObjectNode chat(String user) {
        return dev.zooterj.gateway.client.ChatBodies.user(user);
    }

    private static BackendClient.Call call(Backend b, String key) {
        return new BackendClient.Call(b, key, BackendClient.requestBytes(chat("hello"), b.model(), false));
    }

    private static BackendClient.Captured capture(Backend b, String key) throws Exception {
        return NettyTransport.send(call(b, key), b.maxResponseBytes(), b.timeout().toNanos()).get(10, TimeUnit.SECONDS);
    }

    private static Throwable captureFailure(Backend b) {
        BackendClient.Capture c = NettyTransport.send(call(b, null), b.maxResponseBytes(), b.timeout().toNanos());
        return assertThrows(ExecutionException.class, () -> c.get(10, TimeUnit.SECONDS)).getCause();
    }

    // ---- answers and connections -------------------------------------------------------------------------------

    @Test
    void sequentialCallsReuseOneKeepAliveConnection() throws Exception {
        RawServer s = servers.start((req, sock, out) -> ok(out, ANSWER));
        BackendClient client = new BackendClient();
        Backend b = backend(s, 5000, 1 << 20);
        for (int i = 0; i < 6; i++) {
            assertEquals("hi there", client.complete(b, chat("q" + i)).content());
        }
        assertEquals(6, s.requests.size());
        assertEquals(1, s.accepts.get(), "six calls one after another open one connection");
    }

    @Test
    void sendsTheRequestHeadersAndTheKeyOnlyWhenThereIsOne() throws Exception {
        RawServer s = servers.start((req, sock, out) -> ok(out, ANSWER));
        Backend b = backend(s, 5000, 1 << 20);
        assertEquals(200, capture(b, "sk-test-123").status());
        assertEquals(200, capture(b, null).status());
        RawServer.Req withKey = s.requests.get(0);
        RawServer.Req without = s.requests.get(1);
        assertEquals("POST /v1/chat/completions HTTP/1.1", withKey.line());
        assertEquals("127.0.0.1:" + s.port(), withKey.headers().get("host"));
        assertEquals("application/json", withKey.headers().get("content-type"));
        assertEquals("application/json, text/event-stream", withKey.headers().get("accept"));
        assertEquals("zooter-j", withKey.headers().get("user-agent"));
        assertEquals(Integer.toString(withKey.body().length), withKey.headers().get("content-length"));
        assertEquals("Bearer sk-test-123", withKey.headers().get("authorization"));
        assertNull(without.headers().get("authorization"), "no key, no Authorization header");
        ObjectNode sent = (ObjectNode) JSON.readTree(without.body());
        assertEquals("model-raw", sent.path("model").asText());
        assertFalse(sent.path("stream").asBoolean(true));
    }

    @Test
    void readsAChunkedAnswer() throws Exception {
        RawServer s = servers.start((req, sock, out) -> chunked(out, 200, ANSWER.getBytes(StandardCharsets.UTF_8),
                new int[] {1, 7, 30, 2}));
        Backend b = backend(s, 5000, 1 << 20);
        assertEquals("hi there", new BackendClient().complete(b, chat("x")).content());
        assertEquals("hi there", new BackendClient().complete(b, chat("y")).content());
        assertEquals(1, s.accepts.get(), "a chunked answer read to its end keeps its connection");
    }

    @Test
    void anAnswerDeclaredOverTheLimitFailsAsTooLargeAndTheConnectionIsDroppedUnread() throws Exception {
        CompletableFuture<Long> hungUp = new CompletableFuture<>();
        RawServer s = servers.start((req, sock, out) -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[512]);
            out.flush();
            long t0 = System.nanoTime();
            awaitHangUp(sock);
            hungUp.complete(System.nanoTime() - t0);
        });
        Backend b = backend(s, 20_000, 4096);
        BackendException e = assertThrows(BackendException.class, () -> new BackendClient().complete(b, chat("x")));
        assertEquals(BackendException.Kind.TOO_LARGE, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("Content-Length"), e.getMessage());
        assertTrue(hungUp.get(5, TimeUnit.SECONDS) < TimeUnit.SECONDS.toNanos(5), "the client closed the connection");
    }

    @Test
    void anAnswerWithoutALengthFailsAsTooLargeAtTheLimit() throws Exception {
        RawServer s = servers.start((req, sock, out) -> {
            byte[] body = new byte[10_000];
            Arrays.fill(body, (byte) 'x');
            chunked(out, 200, body, new int[] {1000});
        });
        Throwable t = captureFailure(backend(s, 5000, 4096));
        assertInstanceOf(BoundedBodies.TooLarge.class, t);
    }

    @Test
    void anErrorBodyIsCutAt64KiBAndKept() throws Exception {
        CompletableFuture<Boolean> hungUp = new CompletableFuture<>();
        RawServer s = servers.start((req, sock, out) -> {
            byte[] body = new byte[300_000];
            Arrays.fill(body, (byte) 'e');
            out.write(("HTTP/1.1 500 Internal Server Error\r\nRetry-After: 7\r\nContent-Length: " + body.length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, 100_000);
            out.flush();
            awaitHangUp(sock);
            hungUp.complete(true);
        });
        BackendClient.Captured c = capture(backend(s, 5000, 1 << 20), null);
        assertEquals(500, c.status());
        assertEquals("7", c.retryAfter());
        assertEquals(BackendClient.MAX_ERROR_BODY, c.body().length);
        assertTrue(hungUp.get(5, TimeUnit.SECONDS), "the connection of a cut error body is closed");

        BackendException e = assertThrows(BackendException.class,
                () -> new BackendClient().complete(backend(s, 5000, 1 << 20), chat("x")));
        assertEquals(BackendException.Kind.STATUS, e.kind());
        assertEquals(500, e.status());
        assertEquals(Duration.ofSeconds(7), e.retryAfter().orElseThrow());
    }

    @Test
    void aServerThatClosesMidBodyFailsAsConnection() throws Exception {
        RawServer s = servers.start((req, sock, out) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n{\"choices\":[".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            sock.close();
        });
        long t0 = System.nanoTime();
        BackendException e = assertThrows(BackendException.class,
                () -> new BackendClient().complete(backend(s, 20_000, 1 << 20), chat("x")));
        assertEquals(BackendException.Kind.CONNECTION, e.kind(), e.getMessage());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "failed at the close, not at the timeout");
        assertEquals(1, s.requests.size(), "a fresh connection that broke is not retried");
    }

    @Test
    void aServerThatNeverAnswersFailsAsTimeoutWithinTheBackendTimeout() throws Exception {
        RawServer s = servers.start((req, sock, out) -> awaitHangUp(sock));
        Backend b = backend(s, 400, 1 << 20);
        long t0 = System.nanoTime();
        BackendException e = assertThrows(BackendException.class, () -> new BackendClient().complete(b, chat("x")));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(BackendException.Kind.TIMEOUT, e.kind(), e.getMessage());
        assertTrue(ms >= 350 && ms < 3000, ms + " ms");

        ExecutionException async = assertThrows(ExecutionException.class,
                () -> new BackendClient().relayRawAsync(b, chat("x")).get(5, TimeUnit.SECONDS));
        assertEquals(BackendException.Kind.TIMEOUT, ((BackendException) async.getCause()).kind());
        assertInstanceOf(TimeoutException.class, captureFailure(b));
    }

    @Test
    void aRefusedConnectionFailsAsConnection() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Backend b = new Backend("gone", URI.create("http://127.0.0.1:" + port + "/v1"), "m", null,
                Duration.ofSeconds(5), 2, null, null);
        BackendException e = assertThrows(BackendException.class, () -> new BackendClient().complete(b, chat("x")));
        assertEquals(BackendException.Kind.CONNECTION, e.kind());
        assertTrue(e.getMessage().contains("cannot connect to"), e.getMessage());
    }

    @Test
    void aPooledConnectionTheServerClosedWhileIdleIsNotReused() throws Exception {
        RawServer s = servers.start((req, sock, out) -> {
            ok(out, ANSWER);
            sock.close();  // keep-alive promised (HTTP/1.1), then dropped while the client holds it idle
        });
        BackendClient client = new BackendClient();
        Backend b = backend(s, 5000, 1 << 20);
        assertEquals("hi there", client.complete(b, chat("1")).content());
        Thread.sleep(300);
        long retries = NettyTransport.retries();
        assertEquals("hi there", client.complete(b, chat("2")).content());
        assertEquals(2, s.accepts.get());
        assertEquals(2, s.requests.size());
        assertEquals(retries, NettyTransport.retries(), "the closed connection was dropped, not written to and retried");
    }

    @Test
    void aReusedConnectionClosedBeforeAnyAnswerIsRetriedOnceOnAFreshOne() throws Exception {
        AtomicInteger served = new AtomicInteger();
        RawServer s = servers.start((req, sock, out) -> {
            if (served.incrementAndGet() == 2) {
                sock.close();  // the second request, on the reused connection: closed unanswered
                return;
            }
            ok(out, ANSWER);
        });
        BackendClient client = new BackendClient();
        Backend b = backend(s, 5000, 1 << 20);
        assertEquals("hi there", client.complete(b, chat("1")).content());
        long retries = NettyTransport.retries();
        assertEquals("hi there", client.complete(b, chat("2")).content());
        assertEquals(retries + 1, NettyTransport.retries());
        assertEquals(3, s.requests.size(), "sent once more on a fresh connection");
        assertEquals(2, s.accepts.get());
    }

    @Test
    void theRetryKeepsTheCallsDeadline() throws Exception {
        // The reused connection closes unanswered, the retry reaches a backend that never answers: the asynchronous
        // call (the gateway's path, with no waiting thread to give up) must still end at the backend's timeout.
        AtomicInteger served = new AtomicInteger();
        RawServer s = servers.start((req, sock, out) -> {
            int n = served.incrementAndGet();
            if (n == 1) {
                ok(out, ANSWER);
            } else if (n == 2) {
                sock.close();
            } else {
                try {
                    Thread.sleep(10_000);  // silent
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        BackendClient client = new BackendClient();
        Backend b = backend(s, 800, 1 << 20);
        client.relayRawAsync(b, chat("1")).get(5, TimeUnit.SECONDS);
        long t0 = System.nanoTime();
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> client.relayRawAsync(b, chat("2")).get(5, TimeUnit.SECONDS));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        BackendException be = assertInstanceOf(BackendException.class, e.getCause());
        assertEquals(BackendException.Kind.TIMEOUT, be.kind(), be.getMessage());
        assertTrue(ms < 2000, "ended at the call's deadline, " + ms + " ms");
        assertEquals(3, s.requests.size(), "the retry was sent");
    }

    @Test
    void anUnreadableAnswerOnAReusedConnectionIsNotSentAgain() throws Exception {
        RawServer s = firstAnsweredThen((req, sock, out) -> {
            out.write("HTTP/1.1 abc nonsense\r\n\r\n".getBytes(StandardCharsets.US_ASCII));  // bytes of an answer
            out.flush();
            sock.close();
        });
        assertEquals(2, secondCallFailsAsConnection(s), "the backend had the request: it is not sent twice");
    }

    @Test
    void aReusedConnectionClosedLongAfterTheRequestIsNotRetried() throws Exception {
        // A backend that takes the request and dies a while later may have worked on it: no second send.
        RawServer s = firstAnsweredThen((req, sock, out) -> {
            try {
                Thread.sleep(1500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sock.close();
        });
        assertEquals(2, secondCallFailsAsConnection(s), "not sent again");
    }

    @Test
    void aSwitchingProtocolsAnswerFailsTheCallAndItsConnectionIsNotPooled() throws Exception {
        AtomicInteger served = new AtomicInteger();
        RawServer s = servers.start((req, sock, out) -> {
            if (served.incrementAndGet() == 1) {
                out.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: Upgrade\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return;
            }
            ok(out, ANSWER);
        });
        BackendClient client = new BackendClient();
        Backend b = backend(s, 5000, 1 << 20);
        BackendException e = assertThrows(BackendException.class, () -> client.complete(b, chat("1")));
        assertEquals(BackendException.Kind.CONNECTION, e.kind(), e.getMessage());
        assertEquals("hi there", client.complete(b, chat("2")).content(), "the next call works, on a new connection");
        assertEquals(2, s.accepts.get());
    }

    @Test
    void aConnectionClosedWithoutAnAnswerAfterTheRetryFailsAsConnection() throws Exception {
        RawServer s = firstAnsweredThen((req, sock, out) -> sock.close());
        assertEquals(3, secondCallFailsAsConnection(s), "one retry, no more");
    }

    /** A server that answers the first request and hands every later one to {@code later}. */
    private RawServer firstAnsweredThen(RawServer.Handler later) throws IOException {
        AtomicInteger served = new AtomicInteger();
        return servers.start((req, sock, out) -> {
            if (served.incrementAndGet() == 1) {
                ok(out, ANSWER);
                return;
            }
            later.answer(req, sock, out);
        });
    }

    /** A first call that succeeds, a second that fails as CONNECTION; returns how many requests the server saw. */
    private static int secondCallFailsAsConnection(RawServer s) throws Exception {
        BackendClient client = new BackendClient();
        Backend b = backend(s, 5000, 1 << 20);
        client.complete(b, chat("1"));
        long retries = NettyTransport.retries();
        BackendException e = assertThrows(BackendException.class, () -> client.complete(b, chat("2")));
        assertEquals(BackendException.Kind.CONNECTION, e.kind(), e.getMessage());
        assertTrue(NettyTransport.retries() - retries <= 1, "at most one retry");
        return s.requests.size();
    }

    @Test
    void abortFromAnotherThreadFailsTheCallAndClosesItsConnection() throws Exception {
        CompletableFuture<Boolean> hungUp = new CompletableFuture<>();
        RawServer s = servers.start((req, sock, out) -> {
            awaitHangUp(sock);
            hungUp.complete(true);
        });
        Backend b = backend(s, 60_000, 1 << 20);
        BackendClient.Capture c = NettyTransport.send(call(b, null), b.maxResponseBytes(), b.timeout().toNanos());
        while (s.requests.isEmpty()) {
            Thread.sleep(5);
        }
        TimeoutException why = new TimeoutException("given up");
        c.abort(why);
        ExecutionException e = assertThrows(ExecutionException.class, () -> c.get(1, TimeUnit.SECONDS));
        assertEquals(why, e.getCause());
        assertTrue(hungUp.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aCallMadeOnAnEventLoopCompletesOnThatLoop() throws Exception {
        RawServer s = servers.start((req, sock, out) -> ok(out, ANSWER));
        Backend b = backend(s, 5000, 1 << 20);
        EventLoop loop = EventLoops.group().next();
        CompletableFuture<Thread> completedOn = new CompletableFuture<>();
        CompletableFuture<Thread> loopThread = new CompletableFuture<>();
        loop.execute(() -> {
            loopThread.complete(Thread.currentThread());
            new BackendClient().relayRawAsync(b, chat("x"))
                    .whenComplete((a, t) -> completedOn.complete(Thread.currentThread()));
        });
        assertEquals(loopThread.get(5, TimeUnit.SECONDS), completedOn.get(5, TimeUnit.SECONDS));

        CompletableFuture<Throwable> blocking = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                new BackendClient().complete(b, chat("x"));
                blocking.complete(null);
            } catch (Throwable t) {
                blocking.complete(t);
            }
        });
        assertInstanceOf(IllegalStateException.class, blocking.get(5, TimeUnit.SECONDS),
                "a blocking call on a loop fails at once instead of waiting for itself");
    }

    @Test
    void aCallThatWaitedForAPermitStillCompletesOnItsCallersLoop() throws Exception {
        EventLoop[] loops = EventLoops.loops();
        Assumptions.assumeTrue(loops.length >= 2, "needs two event loops");
        CompletableFuture<Void> release = new CompletableFuture<>();
        RawServer s = servers.start((req, sock, out) -> {
            release.join();
            ok(out, ANSWER);
        });
        Backend b = new Backend("raw", URI.create(s.baseUrl()), "m", null, Duration.ofSeconds(10), 1, null, null);
        BackendClient client = new BackendClient();
        CompletableFuture<Thread> first = new CompletableFuture<>();
        CompletableFuture<Thread> second = new CompletableFuture<>();
        loops[0].execute(() -> client.relayRawAsync(b, chat("1")).whenComplete((a, t) -> first.complete(Thread.currentThread())));
        while (client.available(b) > 0) {
            Thread.sleep(2);
        }
        loops[1].execute(() -> client.relayRawAsync(b, chat("2")).whenComplete((a, t) -> second.complete(Thread.currentThread())));
        Thread.sleep(100);
        release.complete(null);  // the first answer frees the permit on loops[0]; the second call runs on loops[1]
        assertTrue(loops[0].inEventLoop(first.get(5, TimeUnit.SECONDS)));
        assertTrue(loops[1].inEventLoop(second.get(5, TimeUnit.SECONDS)));
    }

    // ---- the property ------------------------------------------------------------------------------------------

    private static final class Shared {
        static final RawServer SERVER;
        static volatile byte[] body;
        static volatile int[] cuts;

        static {
            try {
                SERVER = new RawServer((req, sock, out) -> chunked(out, 200, body, cuts));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Any body, sent in any chunking, is read back byte for byte when it fits the limit, and fails past it. */
    @Property(tries = 60)
    void anyChunkingIsReassembledByteIdenticalAndBoundedAtTheLimit(
            @ForAll @Size(max = 12) List<@IntRange(min = 1, max = 5000) Integer> chunkSizes,
            @ForAll @IntRange(min = 0, max = 20_000) int length,
            @ForAll @IntRange(min = 1, max = 20_000) int maxOk,
            @ForAll long seed) throws Exception {
        byte[] body = new byte[length];
        new Random(seed).nextBytes(body);
        Shared.body = body;
        Shared.cuts = chunkSizes.stream().mapToInt(Integer::intValue).toArray();
        Backend b = backend(Shared.SERVER, 5000, maxOk);
        BackendClient.Capture c = NettyTransport.send(call(b, null), maxOk, b.timeout().toNanos());
        if (length <= maxOk) {
            BackendClient.Captured got = c.get(10, TimeUnit.SECONDS);
            assertEquals(200, got.status());
            assertArrayEquals(body, got.body());
        } else {
            Throwable t = assertThrows(ExecutionException.class, () -> c.get(10, TimeUnit.SECONDS)).getCause();
            assertInstanceOf(BoundedBodies.TooLarge.class, t);
        }
    }
}
