#!/usr/bin/env bash
# Regenerates scripts/bench/chain.c and chain.wasm (committed; only needed after editing gen_chain.py).
set -euo pipefail
cd "$(dirname "$0")"
python3 gen_chain.py "${1:-200}" "${2:-10}" > chain.c
clang --target=wasm32 -nostdlib -Wl,--no-entry -Wl,--export-dynamic -O2 chain.c -o chain.wasm
echo "chain.wasm: $(stat -c %s chain.wasm) bytes"
