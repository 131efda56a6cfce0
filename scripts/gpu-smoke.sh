#!/usr/bin/env bash
# Smoke test of the CUDA backend for users with a supported GPU.
#
# ND4J 1.0.0-M2.1's only CUDA build (nd4j-cuda-11.6) has kernels for sm_37..sm_86 (Kepler..Ampere) and no PTX:
# it cannot run on Hopper (H100/H200) or newer. It needs the CUDA 11.6 runtime libraries on the machine
# (or org.bytedeco:cuda:11.6-8.3-1.5.7:linux-x86_64-redist on the class path). This script has not been run
# on a GPU by the project yet.
#
# It builds with -Dbackend=cuda, prints the backend ND4J picked (with both backends absent it would fail;
# with no GPU ND4J falls back or errors), trains a few steps of a small scratch router, and routes one query.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-target/gpu-smoke}"
mvn -q -Dbackend=cuda -DskipTests package
./zooter info
./zooter simulate --out "$out/sim" --train-size 256 --per-subset 4
./zooter train --data "$out/sim/train.jsonl" --out "$out/router" --encoder scratch --epochs 1 --batch 32 --no-cache
./zooter route --router "$out/router" "Write a Python function that reverses a linked list"
echo "gpu-smoke: OK (check that 'ND4J backend' above says CUDA)"
echo "rebuild the CPU default afterwards with: mvn -q -DskipTests package"
