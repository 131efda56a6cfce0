package dev.zooterj.gateway.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Optional;

/** OpenAI chat request bodies: building a simple one and reading the turn a router decides on. */
public final class ChatBodies {
    private ChatBodies() {
    }

    /** {@code {"messages": [{"role": "user", "content": text}]}}. */
    public static ObjectNode user(String text) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.putArray("messages").addObject().put("role", "user").put("content", text);
        return body;
    }

    /**
     * The text of the first user turn, which the router reads (as in training: a query is its first user turn). Reading
     * the first turn, not the last, also keeps a conversation on one model from turn to turn. The content may be a
     * string or an array of parts, whose {@code text} parts are joined by newlines. Empty when there is no user turn
     * with text.
     */
    public static Optional<String> firstUserText(JsonNode messages) {
        for (JsonNode m : messages) {
            if ("user".equals(m.path("role").asText())) {
                String text = text(m.path("content"));
                if (text != null && !text.isBlank()) {
                    return Optional.of(text);
                }
            }
        }
        return Optional.empty();
    }

    private static String text(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        if (!content.isArray()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : content) {
            if ("text".equals(part.path("type").asText()) && part.path("text").isTextual()) {
                if (sb.length() > 0) {
                    sb.append('\n');
                }
                sb.append(part.path("text").asText());
            }
        }
        return sb.toString();
    }
}
