#!/usr/bin/env bash
# Runs every example script against WASMHOST_URL in order: health, upload add.wat as
# calc (raw bytes, then as a form and with PUT), list, describe, invoke calc.add(1, 2), the reentrancy guard, a WASI program, a component with JSON and a WASI 0.2 command,
# metrics, the OpenAPI documents (the service's and calc's), then deletes calc, pingpong and argsenv. Stops at the first failure.
# Usage: run-all.sh      (WASMHOST_URL, WASMHOST_TOKEN as in _common.sh)
set -euo pipefail
dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

step() {
  local script="$1"
  shift
  echo "== $script $*" >&2
  bash "$dir/$script" "$@"
}

step health.sh
step upload.sh
step upload.sh "" calc form
step upload.sh "" calc put
step list.sh
step describe.sh calc
step invoke.sh calc add '{"args":[1,2]}'
step reentrancy.sh
step wasi.sh
step component.sh
step metrics.sh
step openapi.sh
step openapi.sh calc
step delete.sh calc
step delete.sh pingpong
step delete.sh argsenv
echo "== all examples passed against ${WASMHOST_URL:-http://127.0.0.1:8080}" >&2
