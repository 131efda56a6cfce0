/**
 * Routing in-process, without an HTTP hop: {@link dev.zooterj.gateway.client.RoutingChatClient} (a router, the
 * OpenAI-compatible backends and fallback down the router's ranking) and {@link
 * dev.zooterj.gateway.client.ZooterChatModel}, the same routing as a LangChain4j {@code ChatModel} over other
 * {@code ChatModel}s. {@link dev.zooterj.gateway.client.FallbackChain} is the one fallback rule that both, and the
 * HTTP gateway in {@link dev.zooterj.gateway.serve}, use.
 */
package dev.zooterj.gateway.client;
