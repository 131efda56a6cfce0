#!/usr/bin/env bash
# What the routing gateway adds: the same load (2,000 chat requests, 32 in flight, then 300 one at a time) straight
# to a loopback stub backend and through the gateway to that stub; throughput and p50/p99 latency of both.
# Default router: a trivial keyword router, so the gateway's own cost shows. --router-dir ROUTER_DIR uses a router
# saved by 'zooter train' (a MiniLM router costs ~20 ms a query on a 2-core CPU and then dominates).
# Usage: scripts/bench-gateway.sh [--requests N] [--concurrency C] [--warmup N] [--router-dir ROUTER_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
# One reactor build of zooter-cli and what it needs (nothing installed into ~/.m2: the class path names the modules'
# target/classes). MVN_OPTS_BENCH="-o" builds offline.
mvn -q ${MVN_OPTS_BENCH:-} -pl zooter-cli -am -DskipTests test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/gateway-bench.cp -Dmdep.includeScope=runtime
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"   # as ./zooter does, for the MiniLM encoder
# zooter-cli/target/classes only for its logback.xml (libraries warn, nothing more)
cp="zooter-gateway/target/test-classes:zooter-gateway/target/classes:zooter-cli/target/classes:$(cat zooter-cli/target/gateway-bench.cp)"
# BENCH_JAVA_OPTS="-Dbench.cpuDetail=true" also prints the CPU per request of each group of threads.
exec java -Xmx2g ${BENCH_JAVA_OPTS:-} -cp "$cp" dev.zooterj.gateway.serve.GatewayLoadHarness "$@"
