/** The {@code ./zooter} command line: one subcommand per job, each with {@code --help}. */
package dev.zooterj.cli;
