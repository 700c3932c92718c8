#!/usr/bin/env bash
# Ensures redis-server and redis-cli (the Redis Cluster tests create clusters with it) are on PATH,
# installing the Debian/Ubuntu packages if needed.
set -euo pipefail
dir="$(dirname "${BASH_SOURCE[0]}")"
bash "$dir/apt-ensure.sh" redis-server redis-server
exec bash "$dir/apt-ensure.sh" redis-cli redis-tools
