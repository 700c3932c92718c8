#!/usr/bin/env bash
# Usage: install-node.sh [MAJOR...]   (default: 22 24, the versions docgate supports and tests)
# Ensures Node.js MAJOR at .tools/node<MAJOR>/node_modules/node/bin/node (git-ignored), from the
# npm registry's `node@<MAJOR>` package, so the suites can run on each supported version beside
# the machine's Node. The downloads are kept in npm's own cache, outside the clone.
#   PATH="$PWD/.tools/node22/node_modules/node/bin:$PATH" npm test
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
for major in "${@:-22 24}"; do
  for m in $major; do
    bin=".tools/node$m/node_modules/node/bin/node"
    if [[ -x "$bin" ]] && [[ "$("$bin" --version)" == "v$m."* ]]; then
      echo "install-node: $("$bin" --version) at $bin" >&2
      continue
    fi
    npm install --prefix ".tools/node$m" --no-save --no-audit --no-fund --loglevel=error "node@$m" </dev/null >&2
    echo "install-node: $("$bin" --version) at $bin" >&2
  done
done
