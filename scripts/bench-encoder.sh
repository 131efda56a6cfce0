#!/usr/bin/env bash
# JMH: routing latency and batch-32 throughput of the MiniLM router, ND4J path vs ONNX Runtime, side by side.
# Usage: scripts/bench-encoder.sh [extra JMH args, e.g. -wi 1 -i 2 -r 5s]
# Queries: ../shared/data/alpaca_eval/instructions.jsonl (805 AlpacaEval instructions) when present.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -DskipTests install
mvn -q -pl zooter-bench test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"   # as ./zooter does; see the comment there
cp="zooter-bench/target/test-classes:zooter-bench/target/classes:$(cat zooter-bench/target/bench.cp)"
exec java -cp "$cp" org.openjdk.jmh.Main RoutingBenchmark -rf json -rff target/jmh-routing.json "$@"
