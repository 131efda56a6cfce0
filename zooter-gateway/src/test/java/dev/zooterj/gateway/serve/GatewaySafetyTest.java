package dev.zooterj.gateway.serve;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zooterj.gateway.KeywordRouter;
import dev.zooterj.gateway.StubOpenAiServer;
import dev.zooterj.gateway.StubOpenAiServer.Reply;
import dev.zooterj.gateway.backend.BackendsFile;
import dev.zooterj.gateway.client.RoutingChatClient;
import dev.zooterj.gateway.http.BackendClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.zooterj.gateway.serve.GatewayTestSupport.JSON;
import static dev.zooterj.gateway.serve.GatewayTestSupport.chat;
import static dev.zooterj.gateway.serve.GatewayTestSupport.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Backends that echo the gateway's API key (in 400/401/404 error bodies, in a plain answer, in a stream event): no
 * byte of what the gateway returns or logs holds the key, whole or in the shortened forms providers print. And a
 * backend's Retry-After too large to represent is passed on as the documented maximum, not as 1 s.
 */
class GatewaySafetyTest {
    /** Set by the build (surefire) for these tests; the stubs echo it. */
    static final String KEY_ENV = "ZOOTER_TEST_LEAKY_KEY";
    static final String KEY = System.getenv(KEY_ENV);

    @TempDir
    Path dir;
    private final List<StubOpenAiServer> stubs = new ArrayList<>();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private ch.qos.logback.classic.Logger root;
    private GatewayServer gw;

    /** What an echoing provider says: the key whole, and shortened as OpenAI and others print it. */
    static String echoOf(String key) {
        return "Incorrect API key provided: " + key + ". Also seen as " + key.substring(0, 8) + "****"
                + key.substring(key.length() - 4) + " and " + key.substring(0, 6) + "..." + key.substring(key.length() - 4);
    }

    /** Whether any part of {@code text} shows the key: whole, its secret middle, or its prefix-plus-suffix form. */
    static void assertNoKey(String where, String text) {
        assertFalse(text.contains(KEY), where + " holds the key: " + text);
        assertFalse(text.contains(KEY.substring(6, 16)), where + " holds part of the key: " + text);
        assertFalse(text.contains(KEY.substring(KEY.length() - 6)), where + " holds the key's end: " + text);
    }

    @BeforeEach
    void start() throws Exception {
        assumeTrue(KEY != null && KEY.length() > 20, KEY_ENV + " is not set (the build sets it for the tests)");
        root = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        log.start();
        root.addAppender(log);
        StubOpenAiServer a = StubOpenAiServer.start("a", GatewaySafetyTest::leaky);
        StubOpenAiServer b = StubOpenAiServer.start("b", GatewaySafetyTest::leaky);
        stubs.add(a);
        stubs.add(b);
        ObjectNode file = JSON.createObjectNode();
        ArrayNode backends = file.putArray("backends");
        for (StubOpenAiServer s : stubs) {
            backends.addObject().put("name", s.name()).put("baseUrl", s.baseUrl()).put("model", s.name() + "-model")
                    .put("apiKeyEnv", KEY_ENV).put("timeoutSeconds", 5);
        }
        Path f = dir.resolve("backends.json");
        Files.writeString(f, file.toString());
        RoutingChatClient client = new RoutingChatClient(new KeywordRouter("a", "b"), BackendsFile.load(f).backends(),
                new BackendClient(), 2);
        gw = GatewayServer.start(client, GatewayConfig.defaults().withPort(0));
    }

    /** Misbehaves as the user message asks; every error body echoes the key it was sent. */
    private static Reply leaky(StubOpenAiServer.Request r, int n) {
        String key = r.authorization() == null ? "none" : r.authorization().substring("Bearer ".length());
        String error = JSON.createObjectNode().set("error", JSON.createObjectNode().put("message", echoOf(key))
                .put("type", "invalid_request_error").put("param", key).put("code", "invalid_api_key")).toString();
        String m = r.userMessage();
        if (m.contains("#400")) {
            return Reply.error(400).withErrorBody(error);
        } else if (m.contains("#401")) {
            return Reply.error(401).withErrorBody(error);
        } else if (m.contains("#404")) {
            return Reply.error(404).withErrorBody("no such model for key " + key);
        } else if (m.contains("#busy")) {
            return Reply.error(503).withErrorBody(error).withRetryAfter("1e30");
        }
        return Reply.ok("you sent " + echoOf(key)).inChunks(1);
    }

    @AfterEach
    void stop() {
        if (gw != null) {
            gw.stop(Duration.ZERO);
        }
        stubs.forEach(StubOpenAiServer::close);
        if (root != null) {
            root.detachAppender(log);
        }
    }

    @Test
    void noKeyInAnyBodyOrLogLineWhenBackendsEchoIt() throws Exception {
        List<HttpResponse<String>> answers = new ArrayList<>();
        answers.add(post(gw, "/v1/chat/completions", chat("zooter", "please #400 @a")));   // relayed refusal
        answers.add(post(gw, "/v1/chat/completions", chat("zooter", "please #401 @a")));   // every backend fails: 502
        answers.add(post(gw, "/v1/chat/completions", chat("a", "please #404")));           // relayed for a named model
        answers.add(post(gw, "/v1/chat/completions", chat("zooter", "echo me @b")));        // a plain answer
        ObjectNode stream = chat("zooter", "echo me in a stream @a");
        stream.put("stream", true);
        answers.add(post(gw, "/v1/chat/completions", stream));                             // a stream event
        assertEquals(List.of(400, 502, 404, 200, 200), answers.stream().map(HttpResponse::statusCode).toList(),
                answers.stream().map(HttpResponse::body).toList().toString());

        // The key was in play: the stubs got it, and echoed it.
        assertTrue(stubs.get(0).requests().stream().allMatch(r -> ("Bearer " + KEY).equals(r.authorization())));
        assertTrue(answers.get(0).body().contains("Incorrect API key provided: [REDACTED]"), answers.get(0).body());
        assertTrue(answers.get(4).body().contains("data: ") && answers.get(4).body().contains("you sent Incorrect API key"
                + " provided: [REDACTED]"), answers.get(4).body());
        for (HttpResponse<String> r : answers) {
            assertNoKey("answer " + r.statusCode(), r.body() + r.headers().map());
        }
        StringBuilder logged = new StringBuilder();
        for (ILoggingEvent e : log.list) {
            logged.append(e.getFormattedMessage()).append('\n');
            if (e.getThrowableProxy() != null) {
                logged.append(ThrowableProxyUtil.asString(e.getThrowableProxy())).append('\n');
            }
        }
        assertTrue(logged.toString().contains("HTTP 401"), "the failures were logged: " + logged);
        assertNoKey("the gateway's log", logged.toString());
    }

    @Test
    void aConfigBeyondTheLimitsIsRefusedBeforeAThreadPoolOverflows() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> GatewayConfig.defaults().withMaxInFlight(Integer.MAX_VALUE - 3));
        assertEquals("maxInFlight must be in 1..100000, got 2147483644", e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> GatewayConfig.defaults().withMaxBodyBytes(Long.MAX_VALUE));
        assertTrue(e.getMessage().startsWith("maxBodyBytes must be in 1..1073741824"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> GatewayConfig.defaults().withBodyReadTimeout(Duration.ofSeconds(Long.MAX_VALUE)));
        assertTrue(e.getMessage().startsWith("bodyReadTimeout must be positive and at most PT1H"), e.getMessage());
    }

    @Test
    void aRetryAfterTooLargeToRepresentIsPassedOnAsTheMaximumNotOneSecond() throws Exception {
        HttpResponse<String> r = post(gw, "/v1/chat/completions", chat("zooter", "please #busy @a"));
        assertEquals(503, r.statusCode(), r.body());
        assertEquals("3600", r.headers().firstValue("Retry-After").orElse("none"), r.body());
        assertTrue(r.body().contains("retry after 3600 s"), r.body());
        assertNoKey("the busy answer", r.body());
    }
}
