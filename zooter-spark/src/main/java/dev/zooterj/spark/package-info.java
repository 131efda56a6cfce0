/**
 * Zooter-J's batch jobs on Apache Spark: route, embed, tag, decontaminate and replay query logs too large for one
 * machine. Each job is a Java method over Spark RDDs/DataFrames ({@link dev.zooterj.spark.RouteJob},
 * {@link dev.zooterj.spark.EmbedJob}, {@link dev.zooterj.spark.TagsJob}, {@link dev.zooterj.spark.DecontaminateJob},
 * {@link dev.zooterj.spark.ReplayJob}) and a subcommand of {@link dev.zooterj.spark.ZooterSpark}, the main class that
 * both {@code ./zooter spark ...} (local mode, in-process) and {@code spark-submit} run. Every job reuses the
 * single-machine code (query parsing, routers, encoders, taggers, n-gram normalisation); none copies it.
 */
package dev.zooterj.spark;
