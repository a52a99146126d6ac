#!/usr/bin/env bash
# The component fixtures end to end:
#   1. installs the pinned `wasmtime` PyPI package (the differential reference) when
#      missing, and builds the componentize-py fixture (make component-fixtures);
#   2. reference.py: assembles every fixture and runs every case of cases.json on the
#      wasmtime Python API; each answer must agree with the case's expect;
#   3. with WASMHOST_BIN set: starts that daemon (Wasmtime engine) on an ephemeral
#      port with a temp data dir, and reference.py --daemon compares its answers.
#
#   tests/components/run.sh                     (reference self-check only)
#   WASMHOST_BIN=.build/debug/wasmhost tests/components/run.sh
# COMPONENTS_KEEP=1 keeps the daemon's work dir.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
WASMTIME_VERSION=50.0.1

if [ "$(python3 -c 'import importlib.metadata as m; print(m.version("wasmtime"))' 2>/dev/null)" != "$WASMTIME_VERSION" ]; then
  echo "components: installing wasmtime==$WASMTIME_VERSION with pip"
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore "wasmtime==$WASMTIME_VERSION" \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "wasmtime==$WASMTIME_VERSION"
fi
bash "$REPO/scripts/components/build_componentize_py.sh"

python3 "$HERE/reference.py"
[ -n "${WASMHOST_BIN:-}" ] || exit 0

. "$REPO/scripts/lib/daemon.sh"
[ -x "$WASMHOST_BIN" ] || { echo "components: no daemon binary at $WASMHOST_BIN" >&2; exit 2; }
WORK="$(mktemp -d "${TMPDIR:-/tmp}/wasmhost-components-XXXXXX")"
wasmhost_stop_on_exit "$WORK" "${COMPONENTS_KEEP:-}"
wasmhost_start "$WASMHOST_BIN" "$WORK" components WASMHOST_SANDBOX_ENGINE=wasmtime WASMHOST_LOG_LEVEL=warning
echo "components: daemon pid $WASMHOST_PID on $WASMHOST_BASE, work dir $WORK"
python3 "$HERE/reference.py" --daemon "$WASMHOST_BASE"
# The componentize-py component and the WASI 0.2 command through curl, as the README shows.
WASMHOST_URL="$WASMHOST_BASE" bash "$HERE/../../examples/curl/component.sh" "$HERE/../../.build/components/python-app.wasm" >/dev/null
echo "components: examples/curl/component.sh passed with the componentize-py component"
