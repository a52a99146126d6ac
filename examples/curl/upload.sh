#!/usr/bin/env bash
# Upload a module (WebAssembly text or binary; the daemon tells them apart by the
# bytes) and print its description. 201 when new, 200 when already stored.
# Usage: upload.sh [FILE] [NAME]
#   FILE  default: examples/modules/add.wat
#   NAME  default: calc; pass "" to upload without a name
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

file="${1:-$WH_MODULES_DIR/add.wat}"
name="${2-calc}"
[[ -f "$file" ]] || wh_die "no such file: $file"

path=/v1/modules
if [[ -n "$name" ]]; then
  path+="?name=$(wh_urlencode "$name")"
fi
wh_request "200 201" POST "$path" \
  -H 'Content-Type: application/octet-stream' --data-binary "@$file"
