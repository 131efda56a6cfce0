/**
 * The OpenAI-compatible routing gateway behind {@code ./zooter serve}: {@link dev.zooterj.gateway.serve.GatewayServer}
 * puts a {@link dev.zooterj.gateway.client.RoutingChatClient} behind {@code /v1/chat/completions} (plain and
 * streamed), with {@code /v1/models}, {@code /route}, {@code /health} and Prometheus {@code /metrics}
 * ({@link dev.zooterj.gateway.serve.GatewayMetrics}).
 */
package dev.zooterj.gateway.serve;
