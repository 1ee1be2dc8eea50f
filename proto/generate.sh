#!/usr/bin/env bash
# Regenerates proto/gen/ from proto/berth/v1 with Debian's protoc and ts-proto.
# --check: regenerate into a temp dir and fail if it differs from what is committed.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v protoc >/dev/null || { echo "protoc not found: apt-get install -y protobuf-compiler libprotobuf-dev" >&2; exit 1; }
out=proto/gen
if [ "${1:-}" = "--check" ]; then out=$(mktemp -d); trap 'rm -rf "$out"' EXIT; fi
rm -rf "${out:?}"/berth
mkdir -p "$out"
protoc \
  --plugin=protoc-gen-ts_proto=./node_modules/.bin/protoc-gen-ts_proto \
  --ts_proto_out="$out" \
  --ts_proto_opt=outputServices=grpc-js,esModuleInterop=true,forceLong=number,env=node,outputSchema=true \
  -I proto -I /usr/include \
  proto/berth/v1/*.proto
if [ "${1:-}" = "--check" ]; then
  if ! diff -r "$out/berth" proto/gen/berth >/dev/null; then
    echo "proto/gen is out of date: run 'npm run proto' and commit the result" >&2
    diff -r "$out/berth" proto/gen/berth | head -20 >&2
    exit 1
  fi
  echo "proto/gen is up to date"
fi
