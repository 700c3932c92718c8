#!/usr/bin/env bash
# Ensures Node.js 24 (the current LTS line) at .tools/node24/node_modules/node/bin/node, from the npm
# registry's `node@24` package, so CI can run the suite on it beside the machine's Node.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BIN=.tools/node24/node_modules/node/bin/node
if [[ -x "$BIN" ]] && [[ "$("$BIN" --version)" == v24.* ]]; then
  exit 0
fi
npm install --prefix .tools/node24 --no-save --no-audit --no-fund node@24 </dev/null >&2
"$BIN" --version
