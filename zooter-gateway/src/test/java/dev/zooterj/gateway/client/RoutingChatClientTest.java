package dev.zooterj.gateway.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.zooterj.gateway.KeywordRouter;
import dev.zooterj.gateway.StubOpenAiServer;
import dev.zooterj.gateway.StubOpenAiServer.Reply;
import dev.zooterj.gateway.backend.Backend;
import dev.zooterj.gateway.http.BackendClient;
import dev.zooterj.gateway.http.BackendException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** In-process routing against stub backends on loopback: no gateway in between. */
class RoutingChatClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StubOpenAiServer a;
    private StubOpenAiServer b;
    private StubOpenAiServer c;
    private RoutingChatClient client;

    @BeforeEach
    void start() {
        a = StubOpenAiServer.start("a", StubOpenAiServer.echo("a"));
        b = StubOpenAiServer.start("b", StubOpenAiServer.echo("b"));
        c = StubOpenAiServer.start("c", StubOpenAiServer.echo("c"));
        client = new RoutingChatClient(new KeywordRouter("a", "b", "c"), List.of(backend(a, 60_000), backend(b, 60_000),
                backend(c, 60_000)), new BackendClient(), 2);
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
        c.close();
    }

    private static Backend backend(StubOpenAiServer s, long timeoutMs) {
        return new Backend(s.name(), URI.create(s.baseUrl()), s.name() + "-model", null, Duration.ofMillis(timeoutMs), 8,
                null, null);
    }

    @Test
    void routesAndAnswers() throws Exception {
        RoutedCompletion r = client.chat("what is 2 + 2 @c");
        assertEquals("c", r.model());
        assertEquals("c says: what is 2 + 2 @c", r.content());
        assertEquals(1, r.attempts());
        assertTrue(r.failures().isEmpty());
        assertEquals("c", r.route().decision().model());
        assertEquals(0.6, r.route().probability("c"), 1e-12);
        assertEquals("c-model", c.requests().get(0).model());
    }

    @Test
    void fallsBackDownTheRankingAndReportsWhatFailed() throws Exception {
        List<String> events = new ArrayList<>();
        RoutingChatClient observed = client.withEvents(new RoutingEvents() {
            @Override
            public void backendFailed(String model, BackendException error, boolean fallingBack) {
                events.add("failed " + model + " " + error.kind() + " " + fallingBack);
            }

            @Override
            public void answered(String model, int attempts) {
                events.add("answered " + model + " " + attempts);
            }
        });
        b.setResponder(StubOpenAiServer.alwaysStatus(500));
        RoutedCompletion r = observed.chat("@b first");
        assertEquals("a", r.model(), "ranking after b: a, then c");
        assertEquals(2, r.attempts());
        assertEquals("b", r.failures().get(0).model());
        assertEquals(List.of("failed b STATUS true", "answered a 2"), events);
    }

    @Test
    void fallsBackOnATimeout() throws Exception {
        client = new RoutingChatClient(new KeywordRouter("a", "b", "c"), List.of(backend(a, 200), backend(b, 60_000),
                backend(c, 60_000)), new BackendClient(), 2);
        a.setResponder((req, n) -> Reply.ok("late").delayed(2000));
        RoutedCompletion r = client.chat("@a hurry");
        assertEquals("b", r.model());
        assertEquals(BackendException.Kind.TIMEOUT, ((BackendException) r.failures().get(0).error()).kind());
    }

    @Test
    void stopsAfterTheAttemptsAndListsEveryFailure() {
        a.setResponder(StubOpenAiServer.alwaysStatus(500));
        b.setResponder(StubOpenAiServer.alwaysStatus(429));
        AllBackendsFailedException e = assertThrows(AllBackendsFailedException.class, () -> client.chat("@a x"));
        assertEquals(List.of("a", "b"), e.failures().stream().map(FallbackChain.Failure::model).toList());
        assertTrue(e.getMessage().startsWith("all 2 models tried failed: a: backend 'a': HTTP 500"), e.getMessage());
        assertEquals(0, c.requestCount());
    }

    @Test
    void aNamedBackendIsCalledWithoutTheRouterOrFallback() throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("messages").addObject().put("role", "user").put("content", "@a but go to c");
        assertEquals("c says: @a but go to c", client.complete(client.explicit("c"), body).content());
        c.setResponder(StubOpenAiServer.alwaysStatus(500));
        AllBackendsFailedException e = assertThrows(AllBackendsFailedException.class,
                () -> client.complete(client.explicit("c"), body));
        assertEquals(1, e.failures().size());
        assertEquals(0, a.requestCount() + b.requestCount());
        assertThrows(IllegalArgumentException.class, () -> client.explicit("zz"));
    }

    @Test
    void anAnswerMadeOfToolCallsIsPassedOn() throws Exception {
        String toolCall = "{\"id\": \"x\", \"object\": \"chat.completion\", \"choices\": [{\"index\": 0, "
                + "\"message\": {\"role\": \"assistant\", \"content\": null, \"tool_calls\": [{\"id\": \"call_1\", "
                + "\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"arguments\": \"{}\"}}]}, "
                + "\"finish_reason\": \"tool_calls\"}]}";
        HttpServer tools = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        tools.createContext("/v1/chat/completions", ex -> {
            ex.getRequestBody().readAllBytes();
            byte[] body = toolCall.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        tools.start();
        try {
            Backend t = Backend.of("t", "http://127.0.0.1:" + tools.getAddress().getPort() + "/v1", "t-model");
            RoutedCompletion r = new RoutingChatClient(new KeywordRouter("t"), List.of(t), new BackendClient(), 1)
                    .chat("what is the weather in Oslo");
            assertNull(r.content());
            assertEquals("tool_calls", r.completion().finishReason());
            assertEquals("get_weather", r.completion().raw().path("choices").path(0).path("message").path("tool_calls")
                    .path(0).path("function").path("name").asText());
        } finally {
            tools.stop(0);
        }
    }

    @Test
    void streamsFallBackOnlyBeforeTheFirstEvent() throws Exception {
        a.setResponder(StubOpenAiServer.alwaysStatus(500));
        b.setResponder((req, n) -> Reply.ok("streamed answer").inChunks(3));
        List<String> seen = new ArrayList<>();
        client.stream(client.route("@a go"), ChatBodies.user("@a go"), new RoutingChatClient.StreamHandler() {
            @Override
            public void onCommit(String model, int attempt) {
                seen.add("commit " + model + " " + attempt);
            }

            @Override
            public void onEvent(String data) throws IOException {
                seen.add(JSON.readTree(data).path("choices").path(0).path("delta").path("content").asText(""));
            }
        });
        assertEquals("commit b 2", seen.get(0));
        assertEquals("streamed answer", String.join("", seen.subList(1, seen.size())));

        b.setResponder((req, n) -> Reply.ok("broken answer here").inChunks(6).breakAfter(2));
        List<String> partial = new ArrayList<>();
        BackendException e = assertThrows(BackendException.class, () -> client.stream(client.route("@b go"),
                ChatBodies.user("@b go"), new RoutingChatClient.StreamHandler() {
                    @Override
                    public void onCommit(String model, int attempt) {
                        partial.add("commit " + model);
                    }

                    @Override
                    public void onEvent(String data) {
                        partial.add(data);
                    }
                }));
        assertEquals("b", e.backend());
        assertEquals(3, partial.size(), "commit and two chunks: " + partial);
        assertEquals(0, c.requestCount(), "no fallback after the first event");
    }

    @Test
    void everyRouterModelNeedsABackend() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RoutingChatClient(
                new KeywordRouter("a", "b", "x", "y"), List.of(backend(a, 1000), backend(b, 1000)), new BackendClient(), 2));
        assertEquals("router models without a backend: x, y (router models: a, b, x, y; backends: a, b)", e.getMessage());
    }

    @Test
    void aBodyWithoutAUserTurnCannotBeRouted() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> client.complete(ChatBodies.user("   ")));
        assertEquals("the request has no user message to route on", e.getMessage());
        assertEquals(0, a.requestCount() + b.requestCount() + c.requestCount());
    }

    @Test
    void aBackendAtItsLimitIsSkippedNotWaitedFor() throws Exception {
        BackendClient http = new BackendClient();
        Backend busyA = new Backend("a", URI.create(a.baseUrl()), "a-model", null, Duration.ofMillis(300), 1, null, null);
        Backend patientA = new Backend("a", URI.create(a.baseUrl()), "a-model", null, Duration.ofSeconds(10), 1, null, null);
        RoutingChatClient limited = new RoutingChatClient(new KeywordRouter("a", "b", "c"),
                List.of(busyA, backend(b, 60_000), backend(c, 60_000)), http, 2);
        a.setResponder((req, n) -> Reply.ok("slow").delayed(4000));
        CompletableFuture.runAsync(() -> {
            try {
                http.complete(patientA, ChatBodies.user("holds a's only slot"));
            } catch (Exception e) {
                // ended by the stub closing; only the slot it held matters
            }
        });
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (a.requestCount() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        long t0 = System.nanoTime();
        RoutedCompletion r = limited.chat("@a now");
        assertTrue(System.nanoTime() - t0 < 2_500_000_000L, "did not queue behind a's slow request");
        assertEquals("b", r.model());
        assertEquals(BackendException.Kind.OVERLOADED, ((BackendException) r.failures().get(0).error()).kind());
        assertEquals(1, a.requestCount(), "the request was never sent to a");
    }

    @Test
    void aRequestThatABackendRefusesIsNotTriedOnAnother() {
        List<String> events = new ArrayList<>();
        RoutingChatClient observed = client.withEvents(new RoutingEvents() {
            @Override
            public void backendFailed(String model, BackendException error, boolean fallingBack) {
                events.add("failed " + model + " " + error.status() + " " + fallingBack);
            }
        });
        a.setResponder(StubOpenAiServer.alwaysStatus(400));
        AllBackendsFailedException e = assertThrows(AllBackendsFailedException.class, () -> observed.chat("@a x"));
        assertEquals(1, e.failures().size());
        assertEquals(List.of("failed a 400 false"), events);
        assertEquals(0, b.requestCount() + c.requestCount());
    }
}
