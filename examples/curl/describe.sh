#!/usr/bin/env bash
# Describe one module (exports, imports, names, size): GET /v1/modules/{ref}.
# Usage: describe.sh [REF]    REF: a module id or name, default calc
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

ref="${1:-calc}"
wh_request 200 GET "/v1/modules/$(wh_urlencode "$ref")"
