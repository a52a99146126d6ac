#!/usr/bin/env bash
# List the stored modules, oldest first: GET /v1/modules -> {"modules":[...]}.
# Usage: list.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

wh_request 200 GET /v1/modules
