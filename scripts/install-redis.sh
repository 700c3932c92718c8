#!/usr/bin/env bash
# Ensures redis-server (and redis-cli) are on PATH, installing the Debian/Ubuntu package if needed.
set -euo pipefail

if command -v redis-server >/dev/null 2>&1; then
  echo "install-redis: $(redis-server --version)" >&2
  exit 0
fi

SUDO=""
if [[ "$(id -u)" -ne 0 ]]; then
  SUDO="sudo"
fi

echo "install-redis: installing redis-server with apt-get..." >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends redis-server

if ! command -v redis-server >/dev/null 2>&1; then
  echo "install-redis: error: redis-server still not on PATH after installing" >&2
  exit 1
fi
echo "install-redis: $(redis-server --version)" >&2
