/**
 * Writes a benchmark run's {@link dev.zooterj.bench.BenchResults} to disk: {@code results.json} for other
 * tools, {@code report.md} and a self-contained {@code report.html} for people, and PNG charts drawn with
 * XChart. The two human-readable reports are rendered from one {@link dev.zooterj.bench.report.ReportDocument},
 * so they always say the same thing.
 */
package dev.zooterj.bench.report;
