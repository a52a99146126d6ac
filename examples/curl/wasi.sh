#!/usr/bin/env bash
# Run a WASI command built with wasi-libc: uploads Tests/Fixtures/wasi/args_env.wasm
# as "argsenv" and invokes _start with argv, environment and stdin from the request.
# The answer carries the program's stdout, stderr and exit_code; it exits 1 unless
# the status is 200 and the program printed its arguments.
# Usage: wasi.sh [FILE] [NAME]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

file="${1:-$WH_EXAMPLES_DIR/../Tests/Fixtures/wasi/args_env.wasm}"
name="${2:-argsenv}"
[[ -r "$file" ]] || wh_die "cannot read $file"

wh_request "200 201" POST "/v1/modules?name=$(wh_urlencode "$name")" --data-binary "@$file" >/dev/null
answer="$(wh_request 200 POST "/v1/modules/$(wh_urlencode "$name")/invoke/_start" \
  -H 'Content-Type: application/json' \
  --data-binary '{"wasi":{"args":["args_env","--greeting","hello"],"env":{"LANG":"C"},"stdin":"ignored"}}')"
echo "$answer"
[[ "$answer" == *'argv[2]=hello'* && "$answer" == *'"exit_code":0'* ]] || wh_die "unexpected program output"
