"""The daemon side of reference.py --daemon: uploads the fixtures, checks their
descriptions, and invokes cases over HTTP, answering in the reference's form."""
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal

import wit_json

UPLOAD_TIMEOUT = 600  # an 18 MB component compiles for tens of seconds on a busy machine
INVOKE_TIMEOUT = 60


def dumps(value):
    """JSON text with decimal.Decimal numbers written exactly as read (5.0 stays 5.0)."""
    if isinstance(value, Decimal):
        return str(value) if value.is_finite() else json.dumps(str(value))
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{dumps(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(map(dumps, value)) + "]"
    return json.dumps(value, ensure_ascii=False)


class Daemon:
    def __init__(self, base):
        self.base = base.rstrip("/")

    def request(self, method, path, body, timeout):
        request = urllib.request.Request(self.base + path, data=body, method=method)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, json.loads(response.read(), parse_float=Decimal)
        except urllib.error.HTTPError as e:
            text = e.read()
            try:
                return e.code, json.loads(text, parse_float=Decimal)
            except ValueError:
                return e.code, {"code": f"non-JSON {e.code}", "detail": text[:200].decode(errors="replace")}

    def upload_and_describe(self, fixtures):
        """Uploads every fixture under its name; the disagreements between the
        descriptions and what the engine says the fixture exports."""
        failures = []
        for name, fixture in fixtures.items():
            body = open(fixture.path, "rb").read()
            status, description = self.request("POST", f"/v1/modules?name={name}", body, UPLOAD_TIMEOUT)
            if status not in (200, 201):
                failures.append(f"upload {name}: {status} {description}")
                continue
            failures += [f"describe {name}: {why}" for why in describe_problems(fixture, description)]
        return failures

    def refused_uploads(self, repo, manifest):
        """Uploads the fixtures the manifest says must be refused; what went otherwise."""
        failures = []
        for name, spec in manifest.items():
            if "upload" not in spec:
                continue
            body = open(os.path.join(repo, spec["path"]), "rb").read()
            status, answer = self.request("POST", f"/v1/modules?name={name}", body, UPLOAD_TIMEOUT)
            if status != 422 or answer.get("code") != spec["upload"]:
                failures.append(f"upload {name}: expected 422 {spec['upload']}, got {status} {answer}")
        return failures

    def invoke(self, case):
        body = {"args": case.get("args", [])}
        for member in ("wasi", "fuel"):
            if member in case:
                body[member] = case[member]
        export = urllib.parse.quote(case["export"], safe="")
        status, answer = self.request("POST", f"/v1/modules/{case['fixture']}/invoke/{export}",
                                      dumps(body).encode(), INVOKE_TIMEOUT)
        if status != 200:
            return {k: answer[k] for k in ("reason", "chain", "detail") if k in answer} | {"error": answer.get("code")}
        return {k: v for k, v in answer.items() if k not in ("fuel_used", "duration_us")}


def describe_problems(fixture, description):
    """What a description gets wrong: kind, the functions' names, parameter names,
    and which of them are callable."""
    kind = "component" if fixture.is_component else "module"
    if description.get("kind") != kind:
        yield f"kind is {description.get('kind')!r}, not {kind!r}"
    if not fixture.is_component:
        return
    listed = {e.get("name"): e for e in description.get("exports", []) if e.get("kind") == "func"}
    if set(listed) != set(fixture.functions):
        yield f"functions {sorted(listed)} are not {sorted(fixture.functions)}"
    for name, ty in fixture.functions.items():
        export = listed.get(name)
        if export is None:
            continue
        names = [p.get("name") for p in export.get("params", [])]
        if names != [n for n, _ in ty.params]:
            yield f"{name}: parameter names {names}, not {[n for n, _ in ty.params]}"
        callable_expected = wit_json.callable_type(ty) is None
        if export.get("callable", True) != callable_expected:
            yield f"{name}: callable is {export.get('callable', True)}, not {callable_expected}"
    if "wit" not in description:
        yield "no wit member"
