#!/usr/bin/env bash
# Every benchmark at the sizes its issue names, one after another (each takes the machine's
# two cores; run nothing else meanwhile). Needs root and the packages of scripts/deps.sh.
# Usage: npm run bench [-- --record]   (--record appends each result section to bench/RESULTS.md)
set -euo pipefail
cd "$(dirname "$0")/.."
record=()
for arg in "$@"; do
  case "$arg" in
    --record) record=(--record) ;;
    *) echo "bench/run-all.sh: unknown argument '$arg' (only --record)" >&2; exit 2 ;;
  esac
done

npm run --silent build
# One benchmark at a time across shells too: a second run would halve both one's CPU.
lock=/tmp/berth-bench.lock
run() {
  echo "== node $*" >&2
  flock "$lock" node "$@" "${record[@]}"
}

run dist/bench/apiserver/run.js
run dist/bench/pull/run.js
run dist/bench/startup/run.js
run dist/bench/startup/run.js --fresh-burst
run dist/bench/scheduler/algorithm.js
run dist/bench/scheduler/end-to-end.js --nodes 1000 --deployments 300 --replicas 100 --agents 2
run dist/bench/scheduler/end-to-end.js --nodes 5000 --deployments 500 --replicas 100 --agents 5
