#!/usr/bin/env bash
# Installs what `npm test` needs and does not find (run as its `pretest`): redis-server, the
# MongoDB-wire test server(s) and Chromium, by whichever scripts/install-*.sh of them exist.
# Each is a no-op when its tool is already there (built ones are cached in ~/.cache/docgate,
# outside the clone). One line per step; a step's own output goes to a log file, shown only when
# the step fails.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
LOG_DIR="${HOME}/.cache/docgate/logs"
mkdir -p "$LOG_DIR"

# step LABEL SCRIPT: runs scripts/SCRIPT when it exists, on one line.
step() {
  local label="$1" script="scripts/$2"
  [[ -f "$script" ]] || return 0
  local log="$LOG_DIR/${2%.sh}.log"
  printf 'test set-up: %s... ' "$label"
  local start=$SECONDS
  if bash "$script" </dev/null >"$log" 2>&1; then
    # The script's last line says what is there (its version, or where it was installed).
    printf 'ok (%ss) %s\n' "$((SECONDS - start))" "$(tail -n 1 "$log" | sed 's/^install-[a-z-]*: //' | cut -c1-80)"
  else
    printf 'FAILED, log: %s\n' "$log"
    tail -n 20 "$log" >&2
    exit 1
  fi
}

step "redis-server" install-redis.sh
step "FerretDB + DocumentDB (MongoDB wire protocol)" install-documentdb.sh
step "Chromium (GraphiQL browser test)" install-chromium.sh
