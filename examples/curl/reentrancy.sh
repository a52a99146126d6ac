#!/usr/bin/env bash
# The reentrancy guard: uploads examples/modules/pingpong.wat as "pingpong", whose
# ping(x) calls pong(x) through host.call and pong(x) calls ping(x) back. Invoking
# ping with 1 must be stopped with 508 reentrancy_loop, reason "repeat", chain
# ["pingpong.ping(1)","pingpong.pong(1)","pingpong.ping(1)"].
# Prints that problem; exits 0 only if the daemon answered 508.
# Usage: reentrancy.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

wh_request "200 201" POST "/v1/modules?name=pingpong" \
  -H 'Content-Type: application/octet-stream' --data-binary "@$WH_MODULES_DIR/pingpong.wat" >/dev/null

problem="$(wh_request 508 POST /v1/modules/pingpong/invoke/ping \
  -H 'Content-Type: application/json' --data-binary '{"args":[1]}')"
printf '%s\n' "$problem"
if ! grep -Eq '"code" *: *"reentrancy_loop"' <<<"$problem"; then
  wh_die "508 without \"code\":\"reentrancy_loop\""
fi
echo "ok: the reentrancy guard stopped ping <-> pong with 508" >&2
