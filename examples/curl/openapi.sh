#!/usr/bin/env bash
# The machine-readable API description: GET /openapi.json.
# Usage: openapi.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

wh_request 200 GET /openapi.json
