#!/usr/bin/env python3
"""The per-module OpenAPI documents against a running daemon (tests/openapi/run.sh starts it).

    check_openapi.py BASE_URL WORK_DIR MODULE_NAME...

1. Every document (the service's and each module's) validates with openapi-spec-validator.
2. Value rules: a generated corpus of argument values goes to every export of
   `identity` (one per core type) and to `add`. The daemon's converter must accept
   a value (200) exactly when the request schema accepts it (jsonschema, numbers
   read exactly as Decimal), and every 200 body must validate against the
   export's 200 schema.
3. schemathesis runs against each module's document: no 5xx, documented status
   codes and content types, every answer conforming to its schema.
4. openapi-python-client generates a client from each module's document without
   a warning; the clients of `calc` and `fib` call `add` and `fib` and get typed results.

Ends with "N passed, M failed" and exits 1 on any failure.
"""
import concurrent.futures
import http.client
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
from decimal import Decimal

import jsonschema
from jsonschema import validators
from openapi_spec_validator import validate as validate_spec

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from value_corpus import corpus  # noqa: E402

BASE, WORK, MODULES = sys.argv[1], sys.argv[2], sys.argv[3:]
ADDRESS = urllib.parse.urlsplit(BASE)
PASSED, FAILED = [], []


def check(name, ok, detail=""):
    (PASSED if ok else FAILED).append(name)
    print(("PASS " if ok else "FAIL ") + name + ("" if ok or not detail else ": " + detail), flush=True)


class Daemon:
    """One keep-alive connection to the daemon."""

    def __init__(self):
        self.connection = http.client.HTTPConnection(ADDRESS.hostname, ADDRESS.port, timeout=30)

    def request(self, method, path, body=None):
        self.connection.request(method, path, body=body, headers={"Content-Type": "application/json"} if body else {})
        response = self.connection.getresponse()
        return response.status, response.read()


def exact_json(data):
    """JSON with every number exact: JSON Schema compares numbers by their mathematical value."""
    return json.loads(data, parse_float=Decimal)


def is_integer(checker, instance):
    if isinstance(instance, Decimal):
        return instance.is_finite() and instance == instance.to_integral_value()
    return jsonschema.Draft202012Validator.TYPE_CHECKER.is_type(instance, "integer")


def ecma_pattern(validator, pattern, instance, schema):
    """`pattern` as ECMA-262 reads it: `$` is the end of the text (Python's `$` also
    matches before a final newline)."""
    if validator.is_type(instance, "string") and not re.search(re.sub(r"\$$", r"\\Z", pattern), instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


ExactValidator = validators.extend(
    jsonschema.Draft202012Validator,
    validators={"pattern": ecma_pattern},
    type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER.redefine("integer", is_integer),
)


def validator(document, reference):
    """A validator for `reference` (e.g. #/components/schemas/AddRequest) inside `document`."""
    return ExactValidator(dict(document, **{"$ref": reference}))


def operations(document):
    """operationId -> (path, request schema ref, 200 schema ref)."""
    found = {}
    for path, item in document["paths"].items():
        post = item["post"]
        request = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        result = post["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        found[post["operationId"]] = (path, request, result)
    return found


def fetch_documents(daemon):
    documents = {}
    status, body = daemon.request("GET", "/openapi.json")
    documents["service"] = json.loads(body)
    for name in MODULES:
        status, body = daemon.request("GET", f"/v1/modules/{name}/openapi.json")
        check(f"GET /v1/modules/{name}/openapi.json is 200", status == 200, body[:300].decode(errors="replace"))
        status, description = daemon.request("GET", f"/v1/modules/{name}")
        link = json.loads(description).get("openapi")
        status, linked = daemon.request("GET", link)
        check(f"{name}: the description links its document", status == 200 and linked == body, f"{link}")
        documents[name] = json.loads(body)
        with open(os.path.join(WORK, f"{name}.openapi.json"), "wb") as file:
            file.write(body)
    return documents


def validate_documents(documents):
    for name, document in documents.items():
        try:
            validate_spec(document)
            check(f"{name}: openapi-spec-validator", True)
        except Exception as error:  # the validator's own error types vary by version
            check(f"{name}: openapi-spec-validator", False, str(error)[:500])


def value_agreement(daemon, documents):
    """The converter accepts exactly what the schema accepts, for every type."""
    values = corpus()
    # scalars: every WIT integer width and float of a component, by the same rules.
    # (scalars.crash always traps, so no body is ever a 200.)
    targets = [(name, op) for name in ("identity", "calc", "scalars") for op in operations(documents[name])
               if (name, op) != ("scalars", "crash")]
    for module, operation_id in targets:
        document = documents[module]
        path, request_ref, result_ref = operations(document)[operation_id]
        request_schema, result_schema = validator(document, request_ref), validator(document, result_ref)
        arity = len(document["components"]["schemas"][request_ref.rsplit("/", 1)[1]]["properties"]["args"].get("prefixItems", []))
        bodies = ['{"args": [' + ", ".join([value] * arity) + "]}" for value in values]
        if arity == 2:
            bodies += ['{}', '{"args": []}', '{"args": [1]}', '{"args": [1, 2, 3]}', '{"args": 5}', '{"args": [1, 2], "x": 1}',
                       '{"args": [1, 2], "input": "a", "input_base64": "YQ=="}', '{"args": [1, 2], "fuel": 1000}',
                       '{"args": [1, 2], "timeout_ms": 1000}', '{"args": [1, 2], "fuel": -1}', '{"args": [1, 2], "fuel": 1.5}',
                       '{"args": [1, 2], "fuel": 0}', '{"args": [1, 2], "timeout_ms": 0}', '{"args": [1, 2], "timeout_ms": -0}',
                       '{"args": [1, 2], "fuel": 1e30}', '{"args": [1, 2], "fuel": "5"}']
        disagreements, bad_answers, accepted = [], [], 0
        for body in bodies:
            schema_accepts = request_schema.is_valid(exact_json(body))
            status, answer = daemon.request("POST", path, body.encode())
            if status == 200:
                accepted += 1
                errors = [error.message for error in result_schema.iter_errors(exact_json(answer))]
                if errors:
                    bad_answers.append(f"{body} -> {answer[:200]!r}: {errors[0][:200]}")
            elif status != 400:
                bad_answers.append(f"{body} -> {status} {answer[:200]!r}")
            if schema_accepts != (status == 200):
                disagreements.append(f"{body}: schema {'accepts' if schema_accepts else 'refuses'}, daemon {status}")
        label = f"{module}.{operation_id}: converter and schema agree on {len(bodies)} bodies ({accepted} accepted)"
        check(label, not disagreements, "; ".join(disagreements[:8]))
        check(f"{module}.{operation_id}: every 200 body conforms", not bad_answers, "; ".join(bad_answers[:5]))


def run_all(commands):
    """Runs the commands three at a time (the machine has two cores; the daemon is mostly idle)."""
    def run(command):
        return subprocess.run(command, capture_output=True, text=True, timeout=300)
    with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
        return list(pool.map(run, commands))


def schemathesis(documents):
    config = os.path.join(WORK, "schemathesis.toml")
    with open(config, "w") as file:
        # 503/504/508 are documented answers of an invocation; a 500 never is.
        file.write('[checks.not_a_server_error]\nexpected-statuses = ["2xx", "4xx", "503", "504", "508"]\n')
    cli = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schemathesis_cli.py")
    commands = [[sys.executable, cli, "--config-file", config, "run", os.path.join(WORK, f"{name}.openapi.json"),
                 "--url", BASE,
                 "--checks", "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance",
                 "--phases", "examples,coverage,fuzzing", "--max-examples", os.environ.get("OPENAPI_EXAMPLES", "15"),
                 "--request-timeout", "20", "--workers", "1", "--no-color"] for name in MODULES]
    for name, run in zip(MODULES, run_all(commands)):
        output = run.stdout + run.stderr
        # A schema error means operations went untested: a failure too.
        failed = "Failures:" in output or "Schema Error" in output
        summary = [line.strip() for line in output.splitlines() if re.search(r"\d+ (passed|generated|failed)", line)]
        check(f"{name}: schemathesis ({summary[-1] if summary else 'exit ' + str(run.returncode)})",
              not failed and run.returncode in (0, 1), output[-3000:])
        if run.returncode != 0 and not failed:
            # e.g. warnings for exports that always trap; errors inside schemathesis itself.
            notes = [line.strip() for line in output.splitlines() if "⚠" in line or "🚫" in line or "mostly rejected" in line]
            print(f"  schemathesis exited {run.returncode} without failures: " + " | ".join(notes[:6]))


def generated_client(documents):
    """openapi-python-client builds a package from each document; its typed calls return typed results."""
    commands = [["openapi-python-client", "generate", "--path", os.path.join(WORK, f"{name}.openapi.json"),
                 "--output-path", os.path.join(WORK, f"{name}_client"), "--overwrite", "--meta", "none"]
                for name in MODULES]
    for name, run in zip(MODULES, run_all(commands)):
        output = run.stdout + run.stderr
        check(f"openapi-python-client generates the {name} client without warnings",
              run.returncode == 0 and "Warning" not in output, output[-2000:])
    sys.path.insert(0, WORK)
    client_calls()


def client_calls():
    """Typed calls through the generated clients."""
    import importlib

    calc = importlib.import_module("calc_client")
    add = importlib.import_module("calc_client.api.default.add")
    models = importlib.import_module("calc_client.models")
    client = calc.Client(base_url=BASE)
    answer = add.sync(client=client, body=models.AddRequest(args=[2147483647, 1]))
    check("generated client: add(2147483647, 1) is typed [-2147483648]",
          type(answer).__name__ == "AddResult" and answer.results == [-2147483648] and isinstance(answer.fuel_used, int),
          repr(answer))
    bad = add.sync_detailed(client=client, body=models.AddRequest(args=[1]))
    code = getattr(getattr(bad.parsed, "code", None), "value", None)
    check("generated client: a wrong argument count is a typed 400 problem with code bad_args",
          bad.status_code == 400 and code == "bad_args", repr(bad))

    compound_client = importlib.import_module("compound_client")
    echo_point = importlib.import_module("compound_client.api.default.echo_point")
    compound_models = importlib.import_module("compound_client.models")
    request = compound_models.EchoPointRequest.from_dict({"args": [{"x": -7, "y": 2147483647}]})
    answer = echo_point.sync(client=compound_client.Client(base_url=BASE), body=request)
    check("generated client: the component's echo-point({x: -7, y: 2147483647}) is a typed record",
          answer is not None and answer.to_dict().get("results") == [{"x": -7, "y": 2147483647}], repr(answer))
    variants_client = importlib.import_module("variants_client")
    area = importlib.import_module("variants_client.api.default.example_demo_geo_area")
    variants_models = importlib.import_module("variants_client.models")
    request = variants_models.ExampleDemoGeoAreaRequest.from_dict({"args": [{"tag": "rect", "val": {"width": 2, "height": 3.5}}]})
    answer = area.sync(client=variants_client.Client(base_url=BASE), body=request)
    check("generated client: the component's area(rect 2 × 3.5) is 7.0",
          answer is not None and answer.to_dict().get("results") == [7.0], repr(answer))
    fib_client = importlib.import_module("fib_client")
    fib = importlib.import_module("fib_client.api.default.fib")
    fib_models = importlib.import_module("fib_client.models")
    answer = fib.sync(client=fib_client.Client(base_url=BASE), body=fib_models.FibRequest(args=[90]))
    check("generated client: fib(90) is the exact i64 2880067194370816120",
          type(answer).__name__ == "FibResult" and answer.results == [2880067194370816120]
          and isinstance(answer.results[0], int), repr(answer))


def timed(step, *arguments):
    started = time.monotonic()
    result = step(*arguments)
    print(f"openapi: {step.__name__} took {time.monotonic() - started:.1f} s", flush=True)
    return result


def main():
    daemon = Daemon()
    documents = timed(fetch_documents, daemon)
    timed(validate_documents, documents)
    timed(value_agreement, daemon, documents)
    timed(generated_client, documents)
    if os.environ.get("OPENAPI_SKIP_SCHEMATHESIS") != "1":
        timed(schemathesis, documents)
    print(f"openapi: {len(PASSED)} passed, {len(FAILED)} failed")
    for name in FAILED:
        print("  failed: " + name)
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
