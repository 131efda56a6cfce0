/**
 * {@code zooter collect}: builds a reward dataset from live backends, as the paper built its training data. Every
 * candidate answers every query, a {@link dev.zooterj.gateway.collect.RewardScorer} scores each answer, and an optional
 * {@link dev.zooterj.gateway.collect.Tagger} tags each query. Every finished step is appended to a
 * {@link dev.zooterj.gateway.collect.Journal} before the next one starts. A rerun after a crash or a stop therefore does
 * only what is missing, and nothing finished is paid for twice.
 */
package dev.zooterj.gateway.collect;
