#!/usr/bin/env bash
# Builds the componentize-py fixture: Tests/Fixtures/components/python (app.py and
# the world in wit/app.wit) into a component, .build/components/python-app.wasm
# (about 18 MB; not in git). Installs the pinned componentize-py from PyPI into
# .deps/componentize-py when it is missing. Idempotent: skips the build when the
# output is newer than its inputs (a stamp of the version, flags and sources).
#
#   scripts/components/build_componentize_py.sh [OUTPUT]
#
# --stub-wasi: the component imports nothing (componentize-py otherwise imports all
# of WASI 0.2, wasi:sockets included, which the daemon does not provide); app.py
# needs no WASI. It takes 10 s of CPU (about 25 s wall on a busy 2-core machine).
set -euo pipefail
cd "$(dirname "$0")/../.."

VERSION=0.25.1
DEPS=.deps/componentize-py
SRC=Tests/Fixtures/components/python
OUT=${1:-.build/components/python-app.wasm}
FLAGS=(--stub-wasi)

if [[ ! -x $DEPS/bin/componentize-py || $(cat $DEPS/VERSION 2>/dev/null) != "$VERSION" ]]; then
  echo "componentize-py: installing $VERSION with pip into $DEPS"
  rm -rf "$DEPS"
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --target "$DEPS" "componentize-py==$VERSION"
  echo "$VERSION" > $DEPS/VERSION
fi

stamp=$( { echo "$VERSION ${FLAGS[*]}"; cat "$SRC/app.py" "$SRC"/wit/*.wit; } | sha256sum | cut -d' ' -f1)
if [[ -f $OUT && $(cat "$OUT.stamp" 2>/dev/null) == "$stamp" ]]; then
  exit 0
fi
mkdir -p "$(dirname "$OUT")"
start=$(date +%s)
PYTHONPATH=$DEPS $DEPS/bin/componentize-py -d "$SRC/wit" -w app componentize "${FLAGS[@]}" \
  -p "$SRC" app -o "$OUT.tmp" >/dev/null
mv "$OUT.tmp" "$OUT"
echo "$stamp" > "$OUT.stamp"
echo "componentize-py: built $OUT ($(stat -c %s "$OUT") bytes) in $(( $(date +%s) - start )) s"
