#!/usr/bin/env python3
"""schemathesis' command line, with one fix for OpenAPI 3.1 response schemas.

schemathesis (up to at least 4.32.5) rewrites `prefixItems` in a *response*
schema into Draft 4's tuple form (`items: [...]`) and then checks it with a
Draft 2020-12 validator, which refuses that form ("… is not of types boolean,
object"), so every operation whose answer has a `prefixItems` array errors
instead of being tested (compare its issues #3842 and #4099, fixed for
requests). Its request path keeps `prefixItems` for 2020-12; this does the
same for responses, so the served documents are checked as they are.
"""
import functools

import schemathesis.cli
import schemathesis.specs.openapi.adapter.responses as responses

responses.to_json_schema = functools.partial(responses.to_json_schema, convert_prefix_items=False)

if __name__ == "__main__":
    schemathesis.cli.schemathesis()
