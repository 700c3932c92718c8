#!/usr/bin/env bash
# Usage: apt-ensure.sh COMMAND PACKAGE [VERSION_FLAG]
# Ensures COMMAND is on PATH, installing the Debian/Ubuntu PACKAGE with apt-get if it is not
# (sudo when not root). Its last line names the version found.
set -euo pipefail
COMMAND="$1" PACKAGE="$2" VERSION_FLAG="${3:---version}"
NAME="install-$PACKAGE"

if command -v "$COMMAND" >/dev/null 2>&1; then
  echo "$NAME: $("$COMMAND" "$VERSION_FLAG" 2>/dev/null | head -n 1)" >&2
  exit 0
fi

SUDO=""
if [[ "$(id -u)" -ne 0 ]]; then
  SUDO="sudo"
fi

echo "$NAME: installing $PACKAGE with apt-get..." >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "$PACKAGE"

if ! command -v "$COMMAND" >/dev/null 2>&1; then
  echo "$NAME: error: $COMMAND still not on PATH after installing $PACKAGE" >&2
  exit 1
fi
echo "$NAME: $("$COMMAND" "$VERSION_FLAG" 2>/dev/null | head -n 1)" >&2
