#!/usr/bin/env bash
# Fetches the pinned Wasmtime C API library from the PyPI wheel `wasmtime`
# (the only place it can be downloaded here), checks the wheel's sha256 and
# lays it out for linking: .deps/wasmtime/lib/libwasmtime.so. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=50.0.1
SHA256=cc14c3a17654e0394e0225b11813532ef0cd7bd1e222a0c5494cdedaabeddac4
WHEEL=wasmtime-$VERSION-py3-none-manylinux1_x86_64.whl
DIR=.deps/wasmtime
LIB=$DIR/lib/libwasmtime.so

if [[ -f $LIB && -f $DIR/VERSION && $(cat $DIR/VERSION) == "$VERSION $SHA256" ]]; then
  exit 0
fi
if [[ $(uname -m) != x86_64 ]]; then
  echo "wasmtime_deps: only the x86_64 wheel is pinned; build with --disable-default-traits for WasmKit only" >&2
  exit 1
fi
mkdir -p $DIR/wheels $DIR/lib
if [[ ! -f $DIR/wheels/$WHEEL ]] || ! echo "$SHA256  $DIR/wheels/$WHEEL" | sha256sum -c --quiet - 2>/dev/null; then
  rm -f "$DIR/wheels/$WHEEL"
  echo "downloading $WHEEL with pip"
  python3 -m pip download --quiet --no-deps --only-binary=:all: -d $DIR/wheels "wasmtime==$VERSION"
fi
if ! echo "$SHA256  $DIR/wheels/$WHEEL" | sha256sum -c --quiet -; then
  echo "wasmtime_deps: $WHEEL does not have the pinned sha256 $SHA256; refusing it" >&2
  rm -f "$DIR/wheels/$WHEEL"
  exit 1
fi
python3 - "$DIR/wheels/$WHEEL" "$LIB" <<'PY'
import sys, zipfile, shutil
with zipfile.ZipFile(sys.argv[1]) as wheel, wheel.open("wasmtime/linux-x86_64/_libwasmtime.so") as src, open(sys.argv[2] + ".tmp", "wb") as dst:
    shutil.copyfileobj(src, dst)
PY
mv "$LIB.tmp" "$LIB"
echo "$VERSION $SHA256" > $DIR/VERSION
echo "wasmtime $VERSION: $LIB"
