#!/usr/bin/env bash
# Prometheus metrics: GET /metrics, printing only the wasmhost_* samples
# (request counts, invocation durations, traps, fuel, reentrancy loops, modules, bytes).
# Fails if there are none.
# Usage: metrics.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

text="$(wh_request 200 GET /metrics)"
lines="$(grep -E '^wasmhost_' <<<"$text" || true)"
[[ -n "$lines" ]] || wh_die "GET /metrics has no wasmhost_ samples"
printf '%s\n' "$lines"
