package dev.zooterj.gateway.client;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.zooterj.core.routing.Router;
import dev.zooterj.core.routing.RoutingDecision;

import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Zooter routing as a LangChain4j {@link ChatModel}: each request goes to the one candidate {@code ChatModel} (an
 * {@code OpenAiChatModel}, an {@code OllamaChatModel}, ...) that the router picks from the first user message, and to
 * the next in the router's ranking when that one throws. Use it wherever LangChain4j takes a {@code ChatModel} (AI
 * services, RAG, agents):
 *
 * <pre>{@code
 * ChatModel model = ZooterChatModel.builder()
 *         .router(RouterStore.load(Path.of("router")).router())
 *         .model("llama", llamaChatModel)
 *         .model("qwen", qwenChatModel)
 *         .attempts(2)
 *         .build();
 * ChatResponse r = model.chat(ChatRequest.builder().messages(UserMessage.from("Write a SQL join")).build());
 * r.aiMessage().attribute(ZooterChatModel.MODEL_ATTRIBUTE, String.class);   // which candidate answered
 * }</pre>
 * langchain4j-core 1.19.0, the version this build uses, has no chat-model routing interface (its only routers are RAG
 * {@code QueryRouter}s), so this implements {@code ChatModel} itself. (LangChain4j's current documentation describes a
 * {@code dev.langchain4j.model.chat.router.ChatModelRouter} with a {@code RoutingChatModel} in a later release; once
 * the build moves to it, a {@code ChatModelRouter} over the same {@link Router} would be the natural adapter.)
 *
 * <p>The candidate that answered is stored in the answer's {@link AiMessage#attributes()} under {@link
 * #MODEL_ATTRIBUTE}, with the router's probability for it under {@link #PROBABILITY_ATTRIBUTE}. A request without a user message with text is an {@link IllegalArgumentException};
 * when every candidate tried throws, a {@link LangChain4jException} carries the failures ({@link
 * AllBackendsFailedException} as its cause).
 */
public final class ZooterChatModel implements ChatModel {
    /** AiMessage attribute: the name of the candidate that answered. */
    public static final String MODEL_ATTRIBUTE = "zooter.model";
    /** AiMessage attribute: the router's probability for that candidate (a Double). */
    public static final String PROBABILITY_ATTRIBUTE = "zooter.probability";

    private final Router router;
    private final Map<String, ChatModel> models;
    private final FallbackChain chain;

    private ZooterChatModel(Router router, Map<String, ChatModel> models, int attempts) {
        List<String> missing = router.models().stream().filter(m -> !models.containsKey(m)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("router models without a ChatModel: " + String.join(", ", missing)
                    + " (have: " + String.join(", ", models.keySet()) + ")");
        }
        this.router = router;
        this.models = Collections.unmodifiableMap(new LinkedHashMap<>(models));
        this.chain = new FallbackChain(attempts);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Configures a {@link ZooterChatModel}: a router, one {@code ChatModel} per router model, and the attempts. */
    public static final class Builder {
        private Router router;
        private final Map<String, ChatModel> models = new LinkedHashMap<>();
        private int attempts = RoutingChatClient.DEFAULT_ATTEMPTS;

        public Builder router(Router router) {
            this.router = router;
            return this;
        }

        /** The candidate for the router's model {@code name}. */
        public Builder model(String name, ChatModel model) {
            models.put(name, model);
            return this;
        }

        public Builder models(Map<String, ? extends ChatModel> models) {
            this.models.putAll(models);
            return this;
        }

        /** The most candidates one request tries (default {@value RoutingChatClient#DEFAULT_ATTEMPTS}). */
        public Builder attempts(int attempts) {
            this.attempts = attempts;
            return this;
        }

        public ZooterChatModel build() {
            if (router == null) {
                throw new IllegalStateException("a router is required");
            }
            return new ZooterChatModel(router, models, attempts);
        }
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        String query = firstUserText(request.messages());
        RoutingDecision decision = router.route(query);
        FallbackChain.Answer<ChatResponse> a;
        try {
            a = chain.run(decision.ranking(), (model, attempt) -> models.get(model).chat(request),
                    FallbackChain.FailureListener.NONE);
        } catch (AllBackendsFailedException e) {
            throw new LangChain4jException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LangChain4jException("interrupted while waiting for a model", e);
        }
        AiMessage answer = a.value().aiMessage();
        Map<String, Object> attributes = new HashMap<>(answer.attributes());
        attributes.put(MODEL_ATTRIBUTE, a.model());
        attributes.put(PROBABILITY_ATTRIBUTE, decision.distributionByModel().get(a.model()));
        return a.value().toBuilder().aiMessage(answer.toBuilder().attributes(attributes).build()).build();
    }

    /** The text of the first user message (see {@link ChatBodies#firstUserText}). */
    static String firstUserText(List<ChatMessage> messages) {
        for (ChatMessage m : messages) {
            if (m instanceof UserMessage u) {
                String text = u.hasSingleText() ? u.singleText() : u.contents().stream()
                        .filter(TextContent.class::isInstance).map(c -> ((TextContent) c).text())
                        .collect(Collectors.joining("\n"));
                if (!text.isBlank()) {
                    return text;
                }
            }
        }
        throw new IllegalArgumentException("the request has no user message with text to route on");
    }

    /** The capabilities every candidate has: a request may go to any of them. */
    @Override
    public Set<Capability> supportedCapabilities() {
        Set<Capability> common = EnumSet.allOf(Capability.class);
        for (ChatModel m : models.values()) {
            common.retainAll(m.supportedCapabilities());
        }
        return common;
    }

    @Override
    public ModelProvider provider() {
        return ModelProvider.OTHER;
    }

    /** Candidate names, in the order given. */
    public List<String> modelNames() {
        return List.copyOf(models.keySet());
    }
}
