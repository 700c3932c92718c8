#!/usr/bin/env bash
# Ensures redis-server and redis-cli (the Redis Cluster tests create clusters with it) are on PATH,
# installing the Debian/Ubuntu packages if needed.
set -euo pipefail

if command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1; then
  echo "install-redis: $(redis-server --version)" >&2
  exit 0
fi

SUDO=""
if [[ "$(id -u)" -ne 0 ]]; then
  SUDO="sudo"
fi

echo "install-redis: installing redis-server and redis-tools with apt-get..." >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends redis-server redis-tools

for bin in redis-server redis-cli; do
  if ! command -v "$bin" >/dev/null 2>&1; then
    echo "install-redis: error: $bin still not on PATH after installing" >&2
    exit 1
  fi
done
echo "install-redis: $(redis-server --version)" >&2
