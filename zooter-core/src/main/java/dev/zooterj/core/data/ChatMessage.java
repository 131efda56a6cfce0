package dev.zooterj.core.data;

import java.util.Objects;

/** One turn of a chat: {@code role} is {@code system}, {@code user}, {@code assistant} or another name. */
public record ChatMessage(String role, String content) {
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }

    public boolean isUser() {
        return "user".equals(role);
    }
}
