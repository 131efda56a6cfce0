/**
 * The data contract of Zooter-J: reading and writing reward datasets as JSONL with validation that names
 * file, line and field; importers for real score matrices; seeded stratified splits; and (in
 * {@code sim}) the simulated model zoo used by tests and the demo.
 */
package dev.zooterj.data;
