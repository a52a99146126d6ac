#!/usr/bin/env bash
# Liveness and readiness: GET /healthz (200 {"status":"ok"}) and GET /readyz
# (200 {"status":"ready","modules":N}; 503 not_ready while starting or draining).
# Usage: health.sh        (WASMHOST_URL, WASMHOST_TOKEN as in _common.sh)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

wh_request 200 GET /healthz
wh_request 200 GET /readyz
