#!/usr/bin/env bash
# The web console's browser tests (make console-tests): a real daemon, headless
# Debian Chromium driven by selenium. Installs chromium, chromium-driver
# (apt-get) and selenium (pip) when they are missing.
#
#   tests/console/run.sh [--screenshots DIR]
#
# WASMHOST_BIN names the daemon binary (default: the debug build).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  echo "console tests: installing chromium and chromium-driver"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi
if ! python3 -c 'import selenium' 2>/dev/null; then
  echo "console tests: installing selenium with pip"
  python3 -m pip install --quiet selenium
fi
exec python3 "$HERE/test_console.py" "$@"
