#!/usr/bin/env bash
# Invoke an export: POST /v1/modules/{ref}/invoke/{export} with a JSON body, e.g.
#   {"args":[1,2]}  {"input":"text"}  {"fuel":100000,"timeout_ms":500}
# Prints the answer ({"results":[...],"fuel_used":..,"duration_us":..}); any status
# other than 200 (a trap is 422, a loop 508, ...) prints the problem and exits 1.
# Usage: invoke.sh [REF] [EXPORT] [JSON_BODY]
#   defaults: calc add '{"args":[1,2]}'; JSON_BODY may be @file to read the body from a file
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

ref="${1:-calc}"
export_name="${2:-add}"
default_body='{"args":[1,2]}'
body="${3:-$default_body}"

wh_request 200 POST "/v1/modules/$(wh_urlencode "$ref")/invoke/$(wh_urlencode "$export_name")" \
  -H 'Content-Type: application/json' --data-binary "$body"
