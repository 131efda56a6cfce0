#!/usr/bin/env bash
# Spark route vs the single-JVM route: the same N simulated queries through one router with ./zooter route, then
# ./zooter spark route in local[1] and local[2]; checks that the part files are byte for byte the single-machine rows
# and prints each run's wall time and the job's own queries/s. Build first: mvn -q -DskipTests package.
#
#   scripts/spark-scaling.sh N scratch|minilm [WORKDIR]
#     scratch: a tiny scratch-encoder router (1 layer, width 16, 24 tokens): reading, parsing and writing dominate
#     minilm:  a head-mode router on the frozen MiniLM encoder (the default kind): the encoder dominates
# On a shared machine run it under the project's lock: flock /work/.mvn.lock scripts/spark-scaling.sh ...
set -euo pipefail
n="${1:?N queries}"
kind="${2:?scratch or minilm}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${3:-$(mktemp -d)}"
z="$here/zooter"
mkdir -p "$work" && cd "$work"
[[ -f "sim/train.jsonl" ]] && (( $(wc -l < sim/train.jsonl) >= n )) || "$z" simulate --out sim --train-size "$n" --per-subset 1 >/dev/null
head -n "$n" sim/train.jsonl > queries.jsonl
if [[ ! -d "router-$kind" ]]; then
  "$z" simulate --out sim-train --train-size 300 --per-subset 1 >/dev/null
  if [[ "$kind" == scratch ]]; then
    "$z" train --data sim-train/train.jsonl --out "router-$kind" --encoder scratch --scratch-hidden 16 --scratch-layers 1 \
      --max-tokens 24 --epochs 2 --batch 16 --seed 5 >/dev/null 2>&1
  else
    "$z" train --data sim-train/train.jsonl --out "router-$kind" --epochs 5 --seed 5 >/dev/null 2>&1
  fi
fi
echo "$n queries, router $kind, in $work"
/usr/bin/time -f "  ./zooter route: %e s wall" "$z" route --router "router-$kind" --in queries.jsonl --out single.jsonl 2>&1 \
  | tr '\r' '\n' | grep -E 'wall|routing \[=+\] ' | tail -2
for m in 'local[1]' 'local[2]'; do
  out="spark-${m//[^0-9]/}"
  /usr/bin/time -f "  ./zooter spark route --master $m: %e s wall" "$z" spark route --router "router-$kind" --in queries.jsonl \
    --out "$out" --master "$m" 2>&1 | tr '\r' '\n' | grep -E 'wall|^routed|\] *routed' | sed 's/.*routed/  routed/'
  if cat "$out"/part-* | cmp -s - single.jsonl; then
    echo "  $m: byte-identical to ./zooter route"
  else
    echo "  $m: DIFFERS from ./zooter route" >&2
    exit 1
  fi
done
