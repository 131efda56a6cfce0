package dev.zooterj.gateway.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zooterj.core.routing.Router;
import dev.zooterj.core.routing.RoutingDecision;
import dev.zooterj.gateway.backend.Backend;
import dev.zooterj.gateway.http.BackendClient;
import dev.zooterj.gateway.http.BackendException;
import dev.zooterj.gateway.http.Completion;
import dev.zooterj.gateway.http.RawAnswer;

import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Routes chat requests in-process: the router reads the first user turn and picks a backend, the request goes to that
 * backend, and when the backend fails (an error status, a timeout, a broken connection, a malformed answer, a backend
 * at its concurrency limit) the next model in the router's ranking is tried, up to {@code attempts} models. A backend
 * that refuses the request itself (400, 413, 422: {@link BackendException#requestRejected()}) ends the tries:
 * another model would refuse it too. The HTTP gateway is this client behind a socket; a JVM application can use it
 * directly.
 *
 * <pre>{@code
 * RoutingChatClient client = new RoutingChatClient(router, BackendsFile.load(path).backends(), new BackendClient(), 3);
 * RoutedCompletion answer = client.chat("Prove that sqrt(2) is irrational");
 * answer.model(); answer.content(); answer.route().decision().probability();
 * }</pre>
 * Thread-safe when the router is (the core {@link Router} contract). Worst case a request waits twice
 * {@code attempts} backend timeouts (for each model a permit, then its answer).
 */
public final class RoutingChatClient {
    /** Models tried per request unless told otherwise: the router's pick and two fallbacks. */
    public static final int DEFAULT_ATTEMPTS = 3;

    private final Router router;
    private final Map<String, Backend> backends;
    private final BackendClient http;
    private final FallbackChain chain;
    private final RoutingEvents events;

    /**
     * @param backends every router model must have a backend of the same name; further backends can be called by
     *                 name only (they are never routed to)
     * @throws IllegalArgumentException naming the router models that have no backend
     */
    public RoutingChatClient(Router router, List<Backend> backends, BackendClient http, int attempts) {
        this(router, index(router, backends), http, new FallbackChain(attempts, RoutingChatClient::worthFallingBack),
                RoutingEvents.NONE);
        http.register(backends);
    }

    private RoutingChatClient(Router router, Map<String, Backend> backends, BackendClient http, FallbackChain chain,
                              RoutingEvents events) {
        this.router = router;
        this.backends = backends;
        this.http = http;
        this.chain = chain;
        this.events = events;
    }

    private static Map<String, Backend> index(Router router, List<Backend> backends) {
        Map<String, Backend> byName = new LinkedHashMap<>();
        for (Backend b : backends) {
            if (byName.put(b.name(), b) != null) {
                throw new IllegalArgumentException("two backends are named '" + b.name() + "'");
            }
        }
        List<String> missing = router.models().stream().filter(m -> !byName.containsKey(m)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("router models without a backend: " + String.join(", ", missing)
                    + " (router models: " + String.join(", ", router.models()) + "; backends: "
                    + String.join(", ", byName.keySet()) + ")");
        }
        return Collections.unmodifiableMap(byName);
    }

    /** A backend that refused the request itself (400, 413, 422) ends the chain: any other would refuse it too. */
    private static boolean worthFallingBack(Exception e) {
        return !(e instanceof BackendException be && be.requestRejected());
    }

    /** The same client reporting what it does to {@code events} (the gateway's metrics). */
    public RoutingChatClient withEvents(RoutingEvents events) {
        return new RoutingChatClient(router, backends, http, chain, events);
    }

    public Router router() {
        return router;
    }

    /** All backends, in the order given: the router's models and any callable by name only. */
    public List<Backend> backends() {
        return List.copyOf(backends.values());
    }

    public Optional<Backend> backend(String name) {
        return Optional.ofNullable(backends.get(name));
    }

    /** The most models one request tries. */
    public int attempts() {
        return chain.attempts();
    }

    /** Asks the router where {@code query} should go; no backend is called. */
    public Route route(String query) {
        long t0 = System.nanoTime();
        RoutingDecision d = router.route(query);
        long nanos = System.nanoTime() - t0;
        events.routed(d, nanos);
        return new Route(d.ranking(), d, nanos);
    }

    /** A route to one named backend, bypassing the router (and so without fallback). */
    public Route explicit(String backend) {
        if (!backends.containsKey(backend)) {
            throw new IllegalArgumentException("no backend named '" + backend + "' (have: "
                    + String.join(", ", backends.keySet()) + ")");
        }
        return new Route(List.of(backend), null, 0);
    }

    /** Routes one user message and answers it. */
    public RoutedCompletion chat(String userMessage) throws AllBackendsFailedException, InterruptedException {
        return complete(ChatBodies.user(userMessage));
    }

    /**
     * Routes an OpenAI chat body on its first user turn and answers it.
     *
     * @throws IllegalArgumentException the body has no user turn to route on
     */
    public RoutedCompletion complete(ObjectNode body) throws AllBackendsFailedException, InterruptedException {
        String query = ChatBodies.firstUserText(body.path("messages"))
                .orElseThrow(() -> new IllegalArgumentException("the request has no user message to route on"));
        return complete(route(query), body);
    }

    /**
     * Sends {@code body} along {@code route}, falling back down the ranking. The body's {@code model} and {@code stream}
     * are replaced for each backend; everything else is passed on as it is.
     */
    public RoutedCompletion complete(Route route, ObjectNode body) throws AllBackendsFailedException, InterruptedException {
        FallbackChain.Answer<Completion> a = chain.run(route.ranking(),
                (model, attempt) -> http.relay(backends.get(model), body), this::failed);
        events.answered(a.model(), a.attempts());
        return new RoutedCompletion(route, a.model(), a.value(), a.attempts(), a.failures());
    }

    /**
     * {@link #complete(Route, ObjectNode)} for a caller that passes the answer on as the backend sent it (the gateway):
     * the same tries and fallback, the answer checked but not parsed into a tree ({@link BackendClient#relayRaw}).
     */
    public RoutedRelay relay(Route route, ObjectNode body) throws AllBackendsFailedException, InterruptedException {
        FallbackChain.Answer<RawAnswer> a = chain.run(route.ranking(),
                (model, attempt) -> http.relayRaw(backends.get(model), body), this::failed);
        events.answered(a.model(), a.attempts());
        return new RoutedRelay(route, a.model(), a.value(), a.attempts(), a.failures());
    }

    /**
     * {@link #relay} without a waiting thread ({@link BackendClient#relayRawAsync}): the same tries and fallback, each
     * started when the one before it failed. The future fails with {@link AllBackendsFailedException} where
     * {@link #relay} throws it.
     */
    public CompletableFuture<RoutedRelay> relayAsync(Route route, ObjectNode body) {
        return chain.runAsync(route.ranking(), (model, attempt) -> http.relayRawAsync(backends.get(model), body),
                this::failed).thenApply(a -> {
                    events.answered(a.model(), a.attempts());
                    return new RoutedRelay(route, a.model(), a.value(), a.attempts(), a.failures());
                });
    }

    /** Receives a streamed answer. */
    public interface StreamHandler {
        /**
         * Called once, before the first event, with the model that answers. Nothing was passed on before it, and from
         * here on no other model is tried: a failure later ends the stream.
         */
        void onCommit(String model, int attempt) throws IOException;

        /** One SSE data payload (a JSON chunk), in order; never {@code [DONE]}. */
        void onEvent(String data) throws IOException;
    }

    /**
     * Streams {@code body} along {@code route}. A backend that fails before its first event is replaced by the next
     * model in the ranking; once an event has been passed on, a failure ends the stream.
     *
     * @throws AllBackendsFailedException every model tried failed before sending anything ({@code onCommit} was not called)
     * @throws BackendException           the committed backend failed mid-stream
     * @throws IOException                the handler failed (the caller's client went away)
     */
    public void stream(Route route, ObjectNode body, StreamHandler handler)
            throws AllBackendsFailedException, BackendException, IOException, InterruptedException {
        try {
            FallbackChain.Answer<Void> a = chain.run(route.ranking(), (model, attempt) -> {
                streamOne(model, attempt, body, handler);
                return null;
            }, this::failed);
            events.answered(a.model(), a.attempts());
        } catch (FallbackChain.NoFallback e) {
            if (e.error() instanceof BackendException be) {
                events.backendFailed(be.backend(), be, false);
                throw be;
            }
            throw (IOException) e.error();
        }
    }

    private void streamOne(String model, int attempt, ObjectNode body, StreamHandler handler)
            throws BackendException, InterruptedException {
        boolean[] committed = {false};
        IOException[] handlerFailure = {null};
        try {
            http.stream(backends.get(model), body, data -> {
                try {
                    if (!committed[0]) {
                        committed[0] = true;
                        handler.onCommit(model, attempt);
                    }
                    handler.onEvent(data);
                } catch (IOException e) {
                    handlerFailure[0] = e;  // BackendClient reports it as a broken stream; it is the caller's side
                    throw e;
                }
            });
        } catch (BackendException e) {
            if (handlerFailure[0] != null) {
                throw new FallbackChain.NoFallback(handlerFailure[0]);
            }
            if (committed[0]) {
                throw new FallbackChain.NoFallback(e);
            }
            throw e;
        }
        if (!committed[0]) {
            // Nothing was passed on, so another model can still answer: an empty stream counts as a failure.
            throw new BackendException(model, BackendException.Kind.MALFORMED, 200, null,
                    "stream ended without any event", null);
        }
    }

    private void failed(String model, Exception error, boolean fallingBack) {
        if (error instanceof BackendException be) {
            events.backendFailed(model, be, fallingBack);
        }
    }
}
