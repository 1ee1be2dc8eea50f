#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks for berth: the real servers and runtimes
# (etcd, NATS, registry, crun/runc, conmon, CNI plugins, skopeo, umoci), protoc, h2load (the
# apiserver benchmark's load generator), and npm deps.
# Idempotent: skips apt when every command is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
PKGS=(etcd-server etcd-client nats-server docker-registry crun runc conmon containernetworking-plugins
      skopeo umoci protobuf-compiler libprotobuf-dev busybox-static iproute2 iptables zstd attr unzip util-linux nghttp2-client)
need=0
for c in etcd nats-server docker-registry crun runc conmon skopeo umoci protoc busybox ip iptables zstd setfattr unzip nsenter h2load; do
  command -v "$c" >/dev/null 2>&1 || need=1
done
[ -x /usr/lib/cni/bridge ] || need=1
if [ "$need" = 1 ]; then
  if [ "$(id -u)" != 0 ]; then echo "berth needs Debian packages (${PKGS[*]}): run as root or install them" >&2; exit 1; fi
  echo "== installing Debian packages: ${PKGS[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${PKGS[@]}" >/dev/null
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== npm ci"
  npm ci --no-audit --no-fund
fi
