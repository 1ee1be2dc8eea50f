#!/usr/bin/env bash
# The README's first command: from a fresh Debian machine (as root) to a 3-node berth cluster
# running examples/hello.yaml, with a page fetched from one of its pods.
set -euo pipefail
cd "$(dirname "$0")/.."
NODES=${NODES:-3}
bash scripts/deps.sh
echo "== build"
npm run -s build
berth() { node dist/cmd/berth.js "$@"; }
echo "== berth dev up --nodes $NODES"
berth dev up --nodes "$NODES"
export BERTH_CONFIG="$PWD/.berth/config"
echo "== berth apply -f examples/hello.yaml"
berth apply -f examples/hello.yaml
echo "== berth rollout status deploy/hello"
berth rollout status deploy/hello --timeout 180s
echo "== berth get pods -o wide"
berth get pods -o wide
ip=$(berth get pods -l app=hello -o json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const o=JSON.parse(s);const items=o.items??[o];console.log(items.find(p=>p.status?.podIP)?.status.podIP??"")})')
echo "== fetching http://$ip:8080/ from a pod"
curl -fsS --max-time 5 "http://$ip:8080/"
echo
echo "The cluster keeps running: 'node dist/cmd/berth.js dev status', 'node dist/cmd/berth.js dev down'."
