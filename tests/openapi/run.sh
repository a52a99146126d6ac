#!/usr/bin/env bash
# The per-module OpenAPI documents, end to end (make test runs this):
# starts a daemon on an ephemeral port, uploads every examples/modules/*.wat,
# then runs check_openapi.py (openapi-spec-validator, the value-rule agreement
# corpus with jsonschema, schemathesis per module, a generated client).
# Installs the PyPI tools it needs when they are missing.
#
#   tests/openapi/run.sh            (WASMHOST_BIN: the daemon, default .build/debug/wasmhost)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
. "$REPO/scripts/lib/daemon.sh"
BIN="${WASMHOST_BIN:-$REPO/.build/debug/wasmhost}"
[ -x "$BIN" ] || { echo "openapi: no daemon binary at $BIN (swift build --product wasmhost)" >&2; exit 2; }

missing=()
python3 -c 'import jsonschema' 2>/dev/null || missing+=(jsonschema)
python3 -c 'import openapi_spec_validator' 2>/dev/null || missing+=(openapi-spec-validator)
python3 -c 'import schemathesis' 2>/dev/null || missing+=(schemathesis)
command -v openapi-python-client >/dev/null 2>&1 || missing+=(openapi-python-client)
if [ ${#missing[@]} -gt 0 ]; then
  echo "openapi: installing ${missing[*]} with pip"
  python3 -m pip install --quiet "${missing[@]}"
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/wasmhost-openapi-XXXXXX")"
PID=""
cleanup() {
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then kill "$PID" 2>/dev/null || true; fi
  wait 2>/dev/null || true
  [ -n "${OPENAPI_KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# Short limits: schemathesis calls spin() and flood() with whatever it generates.
wasmhost_start "$BIN" "$WORK" openapi WASMHOST_LIMITS_TIMEOUT_MS=300 WASMHOST_LIMITS_FUEL=20000000 \
  WASMHOST_LOG_LEVEL=warning
PID=$WASMHOST_PID
echo "openapi: daemon pid $PID on $WASMHOST_BASE, work dir $WORK"

modules=()
for file in "$REPO"/examples/modules/*.wat; do
  base="$(basename "$file" .wat)"
  name="${base//_/-}"
  [ "$base" = add ] && name=calc
  modules+=("$base:$name")
done
wasmhost_upload_examples "$WASMHOST_BASE" "${modules[@]}"

names=()
for module in "${modules[@]}"; do names+=("${module##*:}"); done
# Components (the daemon runs the default engine, Wasmtime): WIT-typed documents.
for component in scalars compound variants; do
  curl -fsS -o /dev/null -X PUT --data-binary "@$REPO/Tests/Fixtures/components/$component.wat" \
    "$WASMHOST_BASE/v1/modules/$component"
  names+=("$component")
done
python3 "$HERE/check_openapi.py" "$WASMHOST_BASE" "$WORK" "${names[@]}"
