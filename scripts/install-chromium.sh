#!/usr/bin/env bash
# Ensures Debian's Chromium (for the GraphiQL browser test, driven by playwright-core) at
# /usr/bin/chromium, installing the `chromium` package if needed. No browser build is downloaded:
# playwright-core drives the system's.
set -euo pipefail
exec bash "$(dirname "${BASH_SOURCE[0]}")/apt-ensure.sh" chromium chromium
