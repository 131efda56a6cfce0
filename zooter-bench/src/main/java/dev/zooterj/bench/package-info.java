/**
 * Benchmarks Zooter-J the way the paper does: evaluation of ensemble methods over benchmark subsets,
 * the paper's aggregates (group averages, mean task rank, %Uplift), and the tables that show them.
 */
package dev.zooterj.bench;
