#!/usr/bin/env bash
# The machine-readable API descriptions.
#   openapi.sh            GET /openapi.json: the service's own OpenAPI 3.1 document
#   openapi.sh MODULE     GET /v1/modules/MODULE/openapi.json: one operation per callable
#                         export of the module, with its exact argument and result types,
#                         ready for a client generator, e.g.
#                           openapi.sh calc > calc.json
#                           openapi-python-client generate --path calc.json --meta none
# Usage: openapi.sh [MODULE]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

if [[ $# -eq 0 ]]; then
  wh_request 200 GET /openapi.json
else
  wh_request 200 GET "/v1/modules/$(wh_urlencode "$1")/openapi.json"
fi
