#!/usr/bin/env bash
# Ensures Node.js 24 at .tools/node24/node_modules/node/bin/node (kept for .ci/run; see install-node.sh).
set -euo pipefail
exec bash "$(dirname "${BASH_SOURCE[0]}")/install-node.sh" 24
