#!/usr/bin/env bash
# Rebuild the WASI preview-1 test fixtures (*.c -> *.wasm) in this directory.
#
# Uses Debian's wasi-libc and the wasm32 compiler-rt builtins, plus the clang
# shipped with the Swift toolchain (it includes wasm-ld). Missing Debian
# packages are installed with apt-get. The sysroot is a throwaway temp dir.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
FIXTURES=(args_env stdin_checksum exit3 big_output hello open_passwd trap_midway)

# --- packages -------------------------------------------------------------
need=()
for pkg in wasi-libc libclang-rt-dev-wasm32; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
        need+=("$pkg")
    fi
done
if ((${#need[@]})); then
    SUDO=""
    if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
    echo "installing: ${need[*]}" >&2
    $SUDO apt-get update
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${need[@]}"
fi

# --- compiler -------------------------------------------------------------
if [[ -n "${CLANG:-}" ]]; then
    :
elif [[ -x /opt/swift/usr/bin/clang ]]; then
    CLANG=/opt/swift/usr/bin/clang
else
    CLANG="$(command -v clang || true)"
fi
if [[ -z "$CLANG" ]]; then
    echo "error: no clang found (set CLANG=...)" >&2
    exit 1
fi
echo "using $CLANG: $("$CLANG" --version | head -n1)" >&2
# wasm-ld must be findable next to clang (the Swift toolchain ships it).
if [[ ! -x "$(dirname "$CLANG")/wasm-ld" ]] && ! command -v wasm-ld >/dev/null; then
    echo "error: wasm-ld not found next to $CLANG nor on PATH" >&2
    exit 1
fi

# --- wasi-libc locations (Debian puts them under wasm32-wasi subfolders) ---
libc_a="$(dpkg -L wasi-libc | grep -E '/wasm32-wasi/libc\.a$' | head -n1)"
stdio_h="$(dpkg -L wasi-libc | grep -E '/wasm32-wasi/stdio\.h$' | head -n1)"
if [[ -z "$libc_a" || -z "$stdio_h" ]]; then
    echo "error: cannot locate libc.a / stdio.h in wasi-libc" >&2
    exit 1
fi
LIBDIR="$(dirname "$libc_a")"
INCDIR="$(dirname "$stdio_h")"

# --- compiler-rt builtins -------------------------------------------------
# libclang-rt-dev-wasm32 is a metapackage; the archive lives in the
# versioned package it depends on (e.g. libclang-rt-14-dev-wasm32).
rt_pkgs=(libclang-rt-dev-wasm32)
while read -r dep; do
    rt_pkgs+=("$dep")
done < <(dpkg-query -W -f='${Depends}\n' libclang-rt-dev-wasm32 \
             | tr ',' '\n' | sed -E 's/^ *([^ (|]+).*/\1/' | grep -E '^libclang-rt' || true)
BUILTINS="$(dpkg -L "${rt_pkgs[@]}" 2>/dev/null \
                | grep -E '/libclang_rt\.builtins-wasm32\.a$' | head -n1 || true)"
if [[ -z "$BUILTINS" ]]; then
    echo "error: libclang_rt.builtins-wasm32.a not found in ${rt_pkgs[*]}" >&2
    exit 1
fi

# --- throwaway sysroot ----------------------------------------------------
SYSROOT="$(mktemp -d)"
trap 'rm -rf "$SYSROOT"' EXIT
mkdir -p "$SYSROOT/include" "$SYSROOT/lib"
ln -s "$INCDIR" "$SYSROOT/include/wasm32-wasi"
ln -s "$LIBDIR" "$SYSROOT/lib/wasm32-wasi"

# -mcpu=mvp: wasi-libc here predates the newer default wasm features; keep the
#  modules to the MVP feature set so any preview-1 runtime can load them.
CFLAGS=(--target=wasm32-wasi --sysroot="$SYSROOT" -O2 -mcpu=mvp -Wall -Wextra)
LDFLAGS=(-nodefaultlibs -Wl,--strip-debug)
LIBS=(-lc "$BUILTINS")

for name in "${FIXTURES[@]}"; do
    "$CLANG" "${CFLAGS[@]}" "${LDFLAGS[@]}" \
        -o "$HERE/$name.wasm" "$HERE/$name.c" "${LIBS[@]}"
    printf '%-16s %8d bytes\n' "$name.wasm" "$(stat -c %s "$HERE/$name.wasm")"
done
