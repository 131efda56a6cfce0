/**
 * The Zooter domain without any tensor library: reward records, label building (softmax-normalised
 * rewards and tag-based label enhancement), the {@link dev.zooterj.core.routing.Router} API, and the
 * ensemble methods a router is compared with (reward-model ranking, oracle, random, best single).
 */
package dev.zooterj.core;
