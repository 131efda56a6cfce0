package dev.zooterj.gateway.client;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.zooterj.gateway.KeywordRouter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The LangChain4j adapter over tiny in-process ChatModels: no HTTP. */
class ZooterChatModelTest {
    /** Answers "NAME: first user text", or throws when told to; records what it was asked. */
    private static final class Canned implements ChatModel {
        final String name;
        volatile boolean failing;
        final List<ChatRequest> seen = Collections.synchronizedList(new ArrayList<>());
        final Set<Capability> capabilities;

        Canned(String name, Set<Capability> capabilities) {
            this.name = name;
            this.capabilities = capabilities;
        }

        @Override
        public ChatResponse doChat(ChatRequest request) {
            seen.add(request);
            if (failing) {
                throw new IllegalStateException(name + " is down");
            }
            String user = ((UserMessage) request.messages().stream().filter(UserMessage.class::isInstance).findFirst()
                    .orElseThrow()).singleText();
            return ChatResponse.builder().aiMessage(AiMessage.from(name + ": " + user)).modelName(name + "-v1").build();
        }

        @Override
        public Set<Capability> supportedCapabilities() {
            return capabilities;
        }
    }

    private final Canned a = new Canned("a", Set.of(Capability.RESPONSE_FORMAT_JSON_SCHEMA));
    private final Canned b = new Canned("b", Set.of());
    private final Canned c = new Canned("c", Set.of(Capability.RESPONSE_FORMAT_JSON_SCHEMA));

    private ZooterChatModel model(int attempts) {
        return ZooterChatModel.builder().router(new KeywordRouter("a", "b", "c"))
                .model("a", a).model("b", b).model("c", c).attempts(attempts).build();
    }

    @Test
    void routesOnTheFirstUserMessage() {
        ChatResponse r = model(2).chat(ChatRequest.builder().messages(SystemMessage.from("terse @a"),
                UserMessage.from("integrate x^2 @c"), AiMessage.from("ok"), UserMessage.from("again @b")).build());
        assertEquals("c: integrate x^2 @c", r.aiMessage().text());
        assertEquals("c-v1", r.modelName(), "the candidate's own response, passed on");
        assertEquals("c", r.aiMessage().attribute(ZooterChatModel.MODEL_ATTRIBUTE, String.class));
        assertEquals(0.6, r.aiMessage().attribute(ZooterChatModel.PROBABILITY_ATTRIBUTE, Double.class), 1e-12);
        assertEquals(1, c.seen.size());
        assertTrue(a.seen.isEmpty() && b.seen.isEmpty());
        assertEquals("a: hello", model(2).chat("hello"), "the String convenience of ChatModel routes too");
    }

    @Test
    void fallsBackWhenTheChosenModelThrows() {
        b.failing = true;
        ChatResponse r = model(2).chat(ChatRequest.builder().messages(UserMessage.from("@b please")).build());
        assertEquals("a: @b please", r.aiMessage().text(), "ranking after b: a");
        assertEquals("a", r.aiMessage().attribute(ZooterChatModel.MODEL_ATTRIBUTE, String.class));
        assertEquals(0.2, r.aiMessage().attribute(ZooterChatModel.PROBABILITY_ATTRIBUTE, Double.class), 1e-12);
        assertEquals(1, b.seen.size());
    }

    @Test
    void whenEveryCandidateTriedThrowsTheErrorListsThem() {
        a.failing = true;
        b.failing = true;
        LangChain4jException e = assertThrows(LangChain4jException.class, () -> model(2).chat("@a hi"));
        AllBackendsFailedException cause = assertInstanceOf(AllBackendsFailedException.class, e.getCause());
        assertEquals(List.of("a", "b"), cause.failures().stream().map(FallbackChain.Failure::model).toList());
        assertTrue(e.getMessage().contains("a: a is down; b: b is down"), e.getMessage());
        assertTrue(c.seen.isEmpty(), "attempts = 2");
    }

    @Test
    void refusesWhatItCannotRoute() {
        assertThrows(IllegalArgumentException.class, () -> model(2).chat(ChatRequest.builder()
                .messages(SystemMessage.from("no user here")).build()));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> ZooterChatModel.builder()
                .router(new KeywordRouter("a", "b", "c")).model("a", a).build());
        assertEquals("router models without a ChatModel: b, c (have: a)", missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> model(0));
    }

    @Test
    void offersOnlyTheCapabilitiesEveryCandidateHas() {
        assertEquals(Set.of(), model(2).supportedCapabilities());
        ZooterChatModel ac = ZooterChatModel.builder().router(new KeywordRouter("a", "c")).model("a", a).model("c", c).build();
        assertEquals(Set.of(Capability.RESPONSE_FORMAT_JSON_SCHEMA), ac.supportedCapabilities());
        assertEquals(List.of("a", "c"), ac.modelNames());
    }
}
