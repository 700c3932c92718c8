#!/usr/bin/env bash
# Ensures redis-server (and redis-cli) are on PATH, installing the Debian/Ubuntu package if needed.
set -euo pipefail
exec bash "$(dirname "${BASH_SOURCE[0]}")/apt-ensure.sh" redis-server redis-server
