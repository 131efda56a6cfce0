#!/usr/bin/env bash
# JMH: routing latency and batch-32 throughput of the MiniLM router, ND4J path vs ONNX Runtime, side by side.
# Usage: scripts/bench-encoder.sh [extra JMH args, e.g. -wi 1 -i 2 -r 5s]
#   The encoder runs its default path (Vector API, VectorBertInference); to time the older ND4J-call path
#   (BertInference) add: -jvmArgsAppend -Dzooterj.encoder.vector=false
# Queries: ../shared/data/alpaca_eval/instructions.jsonl (805 AlpacaEval instructions) when present.
# On a shared machine, run it under the build lock: flock /work/.mvn.lock scripts/bench-encoder.sh ...
set -euo pipefail
cd "$(dirname "$0")/.."
# Builds the bench module and what it depends on inside one reactor (no install into ~/.m2, so a stale
# snapshot there cannot be timed by mistake); the classpath points at each module's target/classes.
mvn -q -pl zooter-bench -am -DskipTests test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"   # as ./zooter does; see the comment there
cp="zooter-bench/target/test-classes:zooter-bench/target/classes:$(cat zooter-bench/target/bench.cp)"
exec java -cp "$cp" org.openjdk.jmh.Main RoutingBenchmark -rf json -rff target/jmh-routing.json "$@"
