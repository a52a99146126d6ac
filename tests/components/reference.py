#!/usr/bin/env python3
"""The component cases (cases.json), checked against a real engine, and optionally
against a running wasmhost.

  reference.py                 every case on the `wasmtime` Python package (the
                               differential reference); its answer must agree with
                               the case's `expect`
  reference.py --show          prints the reference's answer for every case
  reference.py --daemon URL    uploads the fixtures to the daemon at URL under their
                               names, checks each description, invokes every case
                               and compares the daemon's JSON with the reference

Exits 1 on any disagreement, naming the case and both answers.
"""
import argparse
import json
import math
import os
import sys
import time
from decimal import Decimal

import wasmtime

import daemon_client
import engine

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def load_cases():
    with open(os.path.join(HERE, "cases.json"), encoding="utf-8") as f:
        return json.load(f, parse_float=Decimal)


def load_fixtures(eng, manifest):
    """(name -> engine.Fixture of those that upload, failures): a fixture's upload
    verdict must be its manifest's `upload` (a problem code), or success; a built
    fixture that is missing is skipped with a note."""
    fixtures, failures = {}, []
    for name, spec in manifest.items():
        path = os.path.join(REPO, spec["path"])
        if not os.path.exists(path):
            print(f"skip: fixture {name}: {spec['path']} is missing ({spec.get('build', 'no build step')})")
            continue
        started = time.monotonic()
        code, fixture = engine.upload_verdict(eng, name, path)
        seconds = time.monotonic() - started
        if seconds > 2:
            print(f"note: fixture {name} took {seconds:.1f} s to compile")
        if code != spec.get("upload"):
            failures.append(f"upload {name}: the engine says {code or 'ok'} ({fixture}), the manifest {spec.get('upload', 'ok')}")
        if code is None:
            fixtures[name] = fixture
    return fixtures, failures


def same_value(expected, actual):
    """JSON values equal by API.md's rules: integers exact, floats by value (3 == 3.0)
    with the sign of zero kept, "nan"/"inf" words as written."""
    if expected == {"$any": True}:
        return True
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    if isinstance(expected, (int, float, Decimal)) and isinstance(actual, (int, float, Decimal)):
        if all(isinstance(v, int) or (isinstance(v, Decimal) and v == v.to_integral_value()) for v in (expected, actual)):
            return int(expected) == int(actual)
        a, b = float(expected), float(actual)
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(map(same_value, expected, actual))
    if isinstance(expected, dict) and isinstance(actual, dict):
        return expected.keys() == actual.keys() and all(same_value(expected[k], actual[k]) for k in expected)
    return expected == actual


def disagreement(expected, actual):
    """None when actual agrees with every member expected names, else why not."""
    if "error" in expected:
        if actual.get("error") != expected["error"]:
            return f"expected error {expected['error']}"
        for member in ("reason", "chain"):
            if member in expected and actual.get(member) != expected[member]:
                return f"expected {member} {expected[member]}"
        if "path" in expected and expected["path"] not in actual.get("detail", ""):
            return f"expected the detail to name {expected['path']}"
        return None
    if "error" in actual:
        return "expected success"
    for member, value in expected.items():
        if member not in actual or not same_value(value, actual[member]):
            return f"{member} differs"
    return None


def has_wildcard(value):
    if isinstance(value, dict):
        return value == {"$any": True} or any(map(has_wildcard, value.values()))
    return isinstance(value, list) and any(map(has_wildcard, value))


def daemon_wants(expect, reference):
    """What the daemon must answer: the reference's value of every member the case
    names (the case's own value where it has a wildcard)."""
    return {k: v if k == "path" or has_wildcard(v) else reference.get(k) for k, v in expect.items()}


def case_label(case):
    args = daemon_client.dumps(case.get("args", []))
    return f"{case['fixture']} {case['export']} {args[:120]}"


def uncovered(fixtures, cases):
    """Every exported function of every component fixture needs a case."""
    covered = set()
    for case in cases:
        fixture = fixtures.get(case["fixture"])
        try:
            covered.add((case["fixture"], fixture.resolve(case["export"])))
        except (AttributeError, engine.Problem):
            pass
    return [f"no case invokes {name} {function}" for name, fixture in fixtures.items()
            if fixture.is_component for function in fixture.functions if (name, function) not in covered]


def reference_answer(eng, fixtures, case):
    invocation = engine.Invocation(eng, fixtures, case.get("wasi"), case.get("fuel", engine.DEFAULT_FUEL))
    return invocation.answer(case["fixture"], case["export"], case.get("args", []))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show", action="store_true", help="print the reference answer of every case")
    parser.add_argument("--daemon", metavar="URL", help="also compare a running wasmhost's answers")
    options = parser.parse_args()

    data = load_cases()
    eng = engine.new_engine()
    fixtures, failures = load_fixtures(eng, data["fixtures"])
    client = daemon_client.Daemon(options.daemon) if options.daemon else None
    passed, skipped = 0, 0
    if client:
        failures += client.upload_and_describe(fixtures)
        failures += client.refused_uploads(REPO, data["fixtures"])

    for case in data["cases"]:
        if case["fixture"] not in fixtures:
            skipped += 1
            continue
        answer = reference_answer(eng, fixtures, case)
        if options.show:
            print(case_label(case), "->", json.dumps(answer, ensure_ascii=False, default=str)[:300])
        problems = []
        why = disagreement(case["expect"], answer)
        if why:
            problems.append(f"reference disagrees with expect: {why}\n    expect:    {case['expect']}\n    reference: {answer}")
        if client:
            daemon_answer = client.invoke(case)
            why = disagreement(daemon_wants(case["expect"], answer), daemon_answer)
            if why:
                problems.append(f"daemon disagrees with reference: {why}\n    reference: {answer}\n    daemon:    {daemon_answer}")
        if problems:
            failures.append(f"{case_label(case)}\n  " + "\n  ".join(problems))
        else:
            passed += 1

    failures += uncovered(fixtures, data["cases"])
    for failure in failures:
        print("FAIL", failure)
    where = f"reference and daemon {options.daemon}" if client else "reference"
    print(f"components ({where}): {passed} passed, {len(failures)} failed, {skipped} skipped")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
