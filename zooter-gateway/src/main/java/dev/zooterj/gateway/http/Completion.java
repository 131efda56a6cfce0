package dev.zooterj.gateway.http;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A finished, non-streamed chat completion.
 *
 * @param content          the first choice's message content
 * @param finishReason     the first choice's finish reason, or null
 * @param promptTokens     usage.prompt_tokens, or -1 when the backend sent no usage
 * @param completionTokens usage.completion_tokens, or -1 when the backend sent no usage
 * @param raw              the whole response object as the backend sent it
 * @param latencyNanos     from sending the request to having the parsed body
 */
public record Completion(String content, String finishReason, long promptTokens, long completionTokens, ObjectNode raw,
                         long latencyNanos) {
}
