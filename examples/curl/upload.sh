#!/usr/bin/env bash
# Upload a module (WebAssembly text or binary; the daemon tells them apart by the
# bytes, whatever the Content-Type) and print its description. 201 when new, 200
# when already stored.
# Usage: upload.sh [FILE] [NAME] [HOW]
#   FILE  default: examples/modules/add.wat
#   NAME  default: calc; pass "" to upload without a name (not with HOW=put)
#   HOW   data-binary (default): the raw bytes, curl --data-binary @FILE
#         form: a multipart form, curl -F file=@FILE -F name=NAME
#         put:  PUT to the name, curl -T FILE .../v1/modules/NAME
# Not curl -d @FILE: -d strips newlines, which breaks binaries and turns a WAT file
# that opens with a ;; comment into nothing (the daemon then answers 422 with a hint).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

file="${1:-$WH_MODULES_DIR/add.wat}"
name="${2-calc}"
how="${3:-data-binary}"
[[ -f "$file" ]] || wh_die "no such file: $file"

case "$how" in
  data-binary)
    path=/v1/modules
    if [[ -n "$name" ]]; then
      path+="?name=$(wh_urlencode "$name")"
    fi
    wh_request "200 201" POST "$path" \
      -H 'Content-Type: application/octet-stream' --data-binary "@$file"
    ;;
  form)
    form=(-F "file=@$file")
    if [[ -n "$name" ]]; then
      form+=(-F "name=$name")
    fi
    wh_request "200 201" POST /v1/modules "${form[@]}"
    ;;
  put)
    [[ -n "$name" ]] || wh_die "HOW=put needs a NAME"
    wh_request "200 201" PUT "/v1/modules/$(wh_urlencode "$name")" -T "$file"
    ;;
  *)
    wh_die "HOW must be data-binary, form or put, got '$how'"
    ;;
esac
