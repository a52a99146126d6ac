#!/usr/bin/env bash
# Delete a module and all its names: DELETE /v1/modules/{ref} -> 204.
# Usage: delete.sh [REF]    REF: a module id or name, default calc
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

ref="${1:-calc}"
wh_request 204 DELETE "/v1/modules/$(wh_urlencode "$ref")"
echo "deleted $ref"
