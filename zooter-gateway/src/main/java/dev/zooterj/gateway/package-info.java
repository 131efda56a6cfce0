/**
 * The live side of Zooter-J: OpenAI-compatible backends ({@link dev.zooterj.gateway.backend}), reward collection
 * against them, and the routing gateway and Java clients that send each request to the one backend a router picks.
 */
package dev.zooterj.gateway;
