#!/usr/bin/env bash
# Components with JSON: uploads a component (FILE, by default the hand-written
# greeter in Tests/Fixtures/components/strings.wat; the componentize-py one is
# .build/components/python-app.wasm after `make component-fixtures`, about 20 s
# to compile on upload) as "greeter", shows its WIT, calls
# greet("world") with args as an array and as an object, then runs a WASI 0.2
# command (wasi:cli/run) with arguments and reads its stdout and exit code, and
# deletes both.
# On a daemon with sandbox.engine: wasmkit the upload is 422 unsupported_module;
# the script says so and exits 0.
# Usage: component.sh [FILE] [NAME]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

root="$WH_EXAMPLES_DIR/.."
file="${1:-$root/Tests/Fixtures/components/strings.wat}"
name="${2:-greeter}"
[[ -r "$file" ]] || wh_die "cannot read $file"

reply="$(mktemp)"
trap 'rm -f "$reply"' EXIT
wh_request "200 201 422" PUT "/v1/modules/$(wh_urlencode "$name")" --data-binary "@$file" >"$reply"
answer="$(cat "$reply")"
if [[ "$WH_STATUS" == 422 ]]; then
  [[ "$answer" == *unsupported_module* ]] || wh_die "upload refused: $answer"
  echo "this daemon's engine does not run components (422 unsupported_module); skipped" >&2
  exit 0
fi
# The WIT of its world, as the description's "wit" member carries it.
python3 -c 'import json,sys; print(json.load(sys.stdin)["wit"])' <<<"$answer"

greeting="$(wh_request 200 POST "/v1/modules/$(wh_urlencode "$name")/invoke/greet" \
  -H 'Content-Type: application/json' --data-binary '{"args":["world"]}')"
echo "$greeting"
[[ "$greeting" == *'"results":["Hello, world!"]'* ]] || wh_die "unexpected greeting"
named="$(wh_request 200 POST "/v1/modules/$(wh_urlencode "$name")/invoke/greet" \
  -H 'Content-Type: application/json' --data-binary '{"args":{"name":"wörld"}}')"
echo "$named"
[[ "$named" == *'Hello, wörld!'* ]] || wh_die "unexpected greeting"

wh_request "200 201" PUT "/v1/modules/wasi-command" \
  --data-binary "@$root/Tests/Fixtures/components/wasi_command.wat" >/dev/null
run="$(wh_request 200 POST "/v1/modules/wasi-command/invoke/run" \
  -H 'Content-Type: application/json' --data-binary '{"wasi":{"args":["prog","3","hello"]}}')"
echo "$run"
[[ "$run" == *'"exit_code":3'* && "$run" == *'hello'* ]] || wh_die "unexpected command output"

wh_request 204 DELETE "/v1/modules/$(wh_urlencode "$name")" >/dev/null
wh_request 204 DELETE "/v1/modules/wasi-command" >/dev/null
