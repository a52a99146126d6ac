#!/usr/bin/env python3
"""Run the WebAssembly core spec test suite through a real wasmhost daemon.

The suite lives in /work/shared/spec/json (see its README): per test NAME,
NAME/NAME.json (wabt's wast2json output), NAME/NAME.N.wasm and NAME/meta.json.
This script starts `wasmhost serve` on a free port with a temporary data
directory, uploads every binary module over HTTP (POST /v1/modules), invokes
every assertion (POST /v1/modules/{id}/invoke/{export}) and compares the
answers bit-exactly. Python 3 standard library only.

What is checked
  module               the upload is accepted (2xx)
  assert_return        200 and every result equals the expected value
                       (integers modulo 2^N, floats by bit pattern, NaNs by
                       the nan:canonical / nan:arithmetic rules, v128 lane by
                       lane, references by null-ness)
  action               200 (the result is not compared)
  assert_trap          422 with code "trap"; the trap text is compared
                       loosely and wording differences are only reported
  assert_exhaustion    422 with code "trap" (reported wording:
                       "call stack exhausted")
  assert_invalid       the upload is refused with 422 invalid_module, whatever it
                       imports and whatever its sizes (binary modules only)
  assert_malformed     refused with invalid_module (invalid_wat or empty_body when
                       the \0asm magic is missing, since the bytes then read as
                       text); text modules are skipped
`register` commands are bookkeeping and are not counted.

The state rule
  The spec interpreter keeps ONE instance per module for the whole script,
  so a command can observe memory, globals or tables written by an earlier
  command. wasmhost instantiates a FRESH instance for every invocation, so
  such a command cannot pass here and is skipped. meta.json says, per module
  and exported function, whether the function may read and/or write state
  (directly or through calls). Commands are walked in file order; for the
  module M a command invokes:
    * if some earlier invocation on M (an `action` or any assertion, run or
      skipped, trapping or not) was of an export that WRITES state, then M is
      "dirty" from that point on;
    * a command whose export READS state (write implies read) on a dirty M is
      skipped: "depends on state written by an earlier command";
    * exports that touch no state always run.
  Instantiation side effects (start function, data and element segments) are
  replayed by every fresh instance, so they alone do not make a module dirty.
  Side effects on OTHER modules only happen through imports, and modules with
  imports the daemon does not provide (the suite's `spectest` module or a
  module made available with `register`) are refused at upload with
  `unknown_import`; all their commands are skipped.

Exit status: 1 if any check failed, else 0. The last line printed is
`spec: N passed, N failed, N skipped`.
"""

import argparse
import collections
import concurrent.futures
import decimal
import fractions
import hashlib
import http.client
import json
import os
import queue
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_SUITE = "/work/shared/spec/json"
DEFAULT_BINARY = os.path.join(REPO_ROOT, ".build", "debug", "wasmhost")

DAEMON_ENV = {
    "WASMHOST_LIMITS_MAX_MEMORY_BYTES": str(4 << 30),  # the largest value allowed
    "WASMHOST_LIMITS_MAX_QUEUE": "1000",
    "WASMHOST_LIMITS_TIMEOUT_MS": "60000",
    "WASMHOST_LIMITS_MAX_TABLE_ELEMENTS": "10000000",
    "WASMHOST_LOG_LEVEL": "warning",
}

# Import modules the daemon provides; anything else is refused at upload.
PROVIDED_IMPORT_MODULES = {"host", "wasi_snapshot_preview1"}

# Skip reasons (named, counted in the summary).
SKIP_IMPORTS = "imports spectest/registered module"
SKIP_STATE = "depends on state written by an earlier command"
SKIP_TEXT = "text module (WAT) in assert_malformed/assert_invalid"
SKIP_LIMIT = "module exceeds the daemon's limits (limit_exceeded)"
SKIP_REF_ARG = "non-null reference argument (API accepts only null)"
SKIP_MODULE_FAILED = "module failed to upload (the upload is counted as a failure or a known engine bug)"

# Commands that fail because of a bug in WasmKit 0.4.2 itself, not in wasmhost
# (each reproduced with a minimal module; see tests/spec/README.md). They are
# counted as named skips; one that starts passing fails the run (print_report
# names it) so that the table is kept true.
# Per engine (--engine).
KNOWN_BUGS_BY_ENGINE = {
    "wasmkit": {
        ("names", 19): "WasmKit 0.4.2 bug: export names compared by Unicode equivalence, not bytes",
        ("ref_func", 80): "WasmKit 0.4.2 bug: ref.func of a function declared only by an export refused",
        ("binary-leb128", 969): "WasmKit 0.4.2 bug: prefixed opcodes read as one byte, not LEB128",
    },
    # None: the three above pass on Wasmtime (they are bugs of WasmKit's validator).
    "wasmtime": {},
}
KNOWN_ENGINE_BUGS = KNOWN_BUGS_BY_ENGINE["wasmtime"]
SKIP_UNINSTANTIABLE = "instantiation is per invocation (assert_uninstantiable/unlinkable)"
SKIP_NO_MODULE = "no module defined"
SKIP_EMPTY_EXPORT = "empty export name (POST /v1/modules/{ref}/invoke/{export} needs a non-empty {export})"


# ---------------------------------------------------------------------------
# The daemon


class Daemon:
    """A `wasmhost serve` child process on 127.0.0.1 and a free port."""

    def __init__(self, binary):
        self.binary = binary
        self.workdir = tempfile.mkdtemp(prefix="wasmhost-spec-")
        self.stderr_path = os.path.join(self.workdir, "daemon.log")
        self.process = None
        self.port = None

    def start(self, timeout=30.0):
        # Inherited WASMHOST_* settings (an auth token, other limits) would change the run.
        env = {k: v for k, v in os.environ.items() if not k.startswith("WASMHOST_")}
        env.update(DAEMON_ENV)
        data_dir = os.path.join(self.workdir, "data")
        with open(self.stderr_path, "wb") as log:
            # cwd is the temporary directory, so no config/wasmhost.yaml is picked up.
            self.process = subprocess.Popen(
                [self.binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", data_dir],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log,
                cwd=self.workdir, env=env)
        lines = queue.Queue()
        threading.Thread(target=self._drain_stdout, args=(lines,), daemon=True).start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=0.2)
            except queue.Empty:
                if self.process.poll() is not None:
                    break
                continue
            if line is None:
                break
            if line.startswith("wasmhost listening on "):
                self.port = int(line.rsplit(":", 1)[1])
                return self.port
        raise RuntimeError("wasmhost did not start; log:\n" + self.log_tail())

    def _drain_stdout(self, lines):
        for raw in self.process.stdout:
            lines.put(raw.decode("utf-8", "replace").strip())
        lines.put(None)

    def log_tail(self, n=20):
        try:
            with open(self.stderr_path, encoding="utf-8", errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.workdir, ignore_errors=True)


# ---------------------------------------------------------------------------
# HTTP (one keep-alive connection per worker thread)


class DaemonExited(Exception):
    """The daemon process is gone; nothing more can be run."""


class Client:
    def __init__(self, port, alive):
        self.port = port
        self.alive = alive  # callable: is the daemon process still running?
        self.local = threading.local()

    def _connection(self):
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
            self.local.conn = conn
        return conn

    def post(self, path, body, content_type):
        """POST and return (status, decoded JSON or None). Retries on a dropped
        connection and on 503 (overloaded)."""
        for attempt in range(6):
            conn = self._connection()
            try:
                conn.request("POST", path, body=body, headers={"Content-Type": content_type})
                response = conn.getresponse()
                data = response.read()
            except (http.client.HTTPException, ConnectionError, OSError):
                conn.close()
                self.local.conn = None
                if not self.alive():
                    raise DaemonExited("wasmhost exited during the run")
                if attempt == 5:
                    raise
                time.sleep(0.1 * (attempt + 1))
                continue
            if response.status == 503 and attempt < 5:
                time.sleep(0.2 * (attempt + 1))
                continue
            return response.status, parse_json(data)
        raise RuntimeError("unreachable")

    def upload(self, wasm):
        return self.post("/v1/modules", wasm, "application/wasm")

    def invoke(self, module_id, export, args):
        path = "/v1/modules/%s/invoke/%s" % (module_id, urllib.parse.quote(export, safe=""))
        return self.post(path, json.dumps({"args": args}).encode(), "application/json")


def parse_json(data):
    """Decodes a body keeping floats exact (Decimal) so f32 results are not
    rounded through a double."""
    try:
        return json.loads(data.decode("utf-8"), parse_float=decimal.Decimal)
    except ValueError:
        return None


# ---------------------------------------------------------------------------
# Values: suite form -> API arguments


LANES = {  # lane type -> (lane count, struct format of one lane)
    "i8": (16, "<B"), "i16": (8, "<H"), "i32": (4, "<I"), "i64": (2, "<Q"),
    "f32": (4, "<I"), "f64": (2, "<Q"),
}
FLOATS = {  # float type -> (bits, sign bit, canonical NaN, quiet bit, exponent mask)
    "f32": (32, 1 << 31, 0x7FC00000, 1 << 22, 0x7F800000),
    "f64": (64, 1 << 63, 0x7FF8000000000000, 1 << 51, 0x7FF0000000000000),
}


class Unsupported(Exception):
    """An argument the API cannot express; the command is skipped."""


def encode_arg(value):
    kind = value["type"]
    if kind in ("i32", "i64"):
        return value["value"]  # unsigned decimal string, accepted as is
    if kind in ("f32", "f64"):
        return {"bits": value["value"]}
    if kind == "v128":
        return "0x" + v128_bytes(value["lane_type"], value["value"]).hex()
    if kind in ("funcref", "externref"):
        if value["value"] == "null":
            return None
        raise Unsupported(SKIP_REF_ARG)
    raise ValueError("unknown argument type %r" % kind)


def v128_bytes(lane_type, lanes):
    count, fmt = LANES[lane_type]
    width = struct.calcsize(fmt) * 8
    assert len(lanes) == count
    return b"".join(struct.pack(fmt, int(lane) % (1 << width)) for lane in lanes)


# ---------------------------------------------------------------------------
# Values: API results -> comparison with the suite's expectations


def float_bits(kind, got):
    """The bit pattern of an f32/f64 result as the API writes it."""
    bits, sign, canonical, _, exponent = FLOATS[kind]
    if isinstance(got, dict):
        return int(got["bits"], 16)
    if isinstance(got, str):
        named = {"nan": canonical, "-nan": canonical | sign, "inf": exponent, "-inf": exponent | sign}
        return named[got]
    if isinstance(got, bool) or not isinstance(got, (int, decimal.Decimal)):
        raise ValueError("not a float result: %r" % (got,))
    return decimal_to_f32_bits(got) if kind == "f32" else decimal_to_f64_bits(got)


def decimal_to_f64_bits(number):
    return struct.unpack("<Q", struct.pack("<d", float(number)))[0]


def f32_value(bits):
    return struct.unpack("<f", struct.pack("<I", bits))[0]


def decimal_to_f32_bits(number):
    """Correctly rounded decimal -> binary32 (no double rounding): round through
    a double, then pick the nearest of that float and its two neighbours."""
    first = struct.unpack("<I", struct.pack("<f", float(number)))[0]
    if number == 0 or (first & 0x7F800000) == 0x7F800000:
        return first
    exact = fractions.Fraction(number)
    candidates = [b for b in (first - 1, first, first + 1)
                  if (b & 0x80000000) == (first & 0x80000000) and (b & 0x7F800000) != 0x7F800000]
    return min(candidates, key=lambda b: (abs(fractions.Fraction(f32_value(b)) - exact), b & 1))


def float_matches(kind, expected, bits):
    _, sign, canonical, quiet, exponent = FLOATS[kind]
    mantissa = (sign - 1) ^ exponent  # the fraction bits
    is_nan = (bits & exponent) == exponent and (bits & mantissa) != 0
    if expected == "nan:canonical":
        return (bits & ~sign) == canonical
    if expected == "nan:arithmetic":
        return is_nan and (bits & quiet) != 0
    return bits == int(expected)


def value_matches(expected, got):
    """True when one API result equals one suite expectation."""
    kind = expected["type"]
    if kind in ("i32", "i64"):
        width = 32 if kind == "i32" else 64
        return (isinstance(got, int) and not isinstance(got, bool)
                and got % (1 << width) == int(expected["value"]))
    if kind in ("f32", "f64"):
        return float_matches(kind, expected["value"], float_bits(kind, got))
    if kind == "v128":
        return v128_matches(expected["lane_type"], expected["value"], got)
    if kind in ("funcref", "externref"):
        return (got is None) == (expected["value"] == "null")
    raise ValueError("unknown result type %r" % kind)


def v128_matches(lane_type, lanes, got):
    if not (isinstance(got, str) and got.startswith("0x") and len(got) == 34):
        return False
    data = bytes.fromhex(got[2:])
    count, fmt = LANES[lane_type]
    size = struct.calcsize(fmt)
    for index, lane in enumerate(lanes):
        bits = struct.unpack(fmt, data[index * size:(index + 1) * size])[0]
        if lane_type in FLOATS:
            if not float_matches(lane_type, lane, bits):
                return False
        elif bits != int(lane) % (1 << (size * 8)):
            return False
    return True


def results_match(expected, results):
    try:
        return (isinstance(results, list) and len(results) == len(expected)
                and all(value_matches(e, g) for e, g in zip(expected, results)))
    except (ValueError, KeyError, TypeError, OverflowError):
        return False


# ---------------------------------------------------------------------------
# Trap wording


TRAP_SYNONYMS = {  # spec text -> words the daemon may use instead
    "undefined element": ("undefined element", "out of bounds table access", "uninitialized element"),
    "uninitialized element": ("uninitialized element", "null", "undefined element"),
    "indirect call type mismatch": ("type mismatch", "signature mismatch"),
    "unreachable": ("unreachable",),
    "call stack exhausted": ("call stack exhausted", "stack overflow"),
}


def trap_wording_matches(spec_text, detail):
    spec = spec_text.lower().rstrip("0123456789 ")
    got = (detail or "").lower()
    return spec in got or any(word in got for word in TRAP_SYNONYMS.get(spec, ()))


# ---------------------------------------------------------------------------
# Planning: walk each file in order, decide what to run and what to skip


Check = collections.namedtuple("Check", "file line kind filename export args expected text")


class Outcome:
    """Per-file counters plus everything the summary prints."""

    def __init__(self):
        self.files = collections.OrderedDict()
        self.skips = collections.Counter()
        self.failures = []
        self.trap_words = collections.Counter()  # (spec text, daemon text, matches)
        self.fixed_known_bugs = []  # checks listed as known engine bugs that passed
        self.lock = threading.Lock()

    def _file(self, name):
        return self.files.setdefault(name, collections.Counter())

    def passed(self, check):
        with self.lock:
            self._file(check.file)["passed"] += 1
            if (check.file, check.line) in KNOWN_ENGINE_BUGS:
                self.fixed_known_bugs.append(check)

    def failed(self, check, got):
        known = KNOWN_ENGINE_BUGS.get((check.file, check.line))
        with self.lock:
            if known:
                self._file(check.file)["skipped"] += 1
                self.skips[known] += 1
                return
            self._file(check.file)["failed"] += 1
            self.failures.append((check, got))

    def skipped(self, name, reason):
        with self.lock:
            self._file(name)["skipped"] += 1
            self.skips[reason] += 1

    def trap_wording(self, spec_text, detail):
        shown = re.sub(r"\b\d+\b", "N", detail or "")  # one row for "... at 4", "... at 7"
        with self.lock:
            self.trap_words[(spec_text, shown, trap_wording_matches(spec_text, detail))] += 1


def load_suite(suite_dir, names):
    """(name, commands, meta) per test file, in name order."""
    for name in names:
        with open(os.path.join(suite_dir, name, name + ".json")) as f:
            commands = json.load(f)["commands"]
        with open(os.path.join(suite_dir, name, "meta.json")) as f:
            meta = json.load(f)
        yield name, commands, meta


def binary_files(commands):
    """Every .wasm file the commands upload."""
    for command in commands:
        if command["type"] == "module":
            yield command["filename"]
        elif command["type"] in ("assert_invalid", "assert_malformed") and command["module_type"] == "binary":
            yield command["filename"]


def uses_unprovided_imports(module_meta):
    return any(entry[0] not in PROVIDED_IMPORT_MODULES for entry in module_meta.get("imports", []))


class FilePlan:
    """Walks one test file's commands in order; returns the invocations to run."""

    def __init__(self, name, commands, meta, uploads, outcome):
        self.name, self.commands, self.meta = name, commands, meta
        self.uploads, self.outcome = uploads, outcome
        self.current = None           # filename of the latest module
        self.named = {}               # $name -> filename
        self.module_skip = {}         # filename -> skip reason for its commands
        self.dirty = set()            # modules whose state an earlier command wrote

    def plan(self):
        invocations = []
        for command in self.commands:
            handler = getattr(self, "_" + command["type"], None)
            if handler is None:
                raise ValueError("%s line %d: unknown command %r" % (self.name, command["line"], command["type"]))
            check = handler(command)
            if check is not None:
                invocations.append(check)
        return invocations

    def _check(self, command, kind, filename=None, export=None, args=None):
        return Check(self.name, command["line"], kind, filename, export, args,
                     command.get("expected"), command.get("text"))

    # -- modules

    def _module(self, command):
        filename = command["filename"]
        self.current = filename
        if "name" in command:
            self.named[command["name"]] = filename
        status, body = self.uploads[filename]
        check = self._check(command, "module", filename)
        code = (body or {}).get("code")
        if 200 <= status < 300:
            self.outcome.passed(check)
        elif code == "unknown_import" and uses_unprovided_imports(self.meta.get(filename, {})):
            self._skip_module(filename, SKIP_IMPORTS)
        elif code == "limit_exceeded":
            self._skip_module(filename, SKIP_LIMIT)
        else:
            self.outcome.failed(check, (status, body))
            self.module_skip[filename] = SKIP_MODULE_FAILED

    def _skip_module(self, filename, reason):
        self.outcome.skipped(self.name, reason)
        self.module_skip[filename] = reason

    def _register(self, command):
        return None  # bookkeeping only: importers of the name are refused at upload

    def _refused_upload(self, command):
        if command["module_type"] != "binary":
            self.outcome.skipped(self.name, SKIP_TEXT)
            return
        status, body = self.uploads[command["filename"]]
        check = self._check(command, command["type"], command["filename"])
        # Validation comes first (API.md, "Order of validation"): an invalid module is
        # invalid_module even when it also imports something unknown or is over a limit.
        # Malformed bytes without the \0asm magic are read as text (the bytes decide the
        # format), so they may also be invalid_wat, or empty_body for zero bytes.
        allowed = {"invalid_module"} if command["type"] == "assert_invalid" else {"invalid_module", "invalid_wat", "empty_body"}
        if 400 <= status < 500 and isinstance(body, dict) and body.get("code") in allowed:
            self.outcome.passed(check)
        else:
            self.outcome.failed(check, (status, body))

    _assert_invalid = _refused_upload
    _assert_malformed = _refused_upload

    def _assert_uninstantiable(self, command):
        self.outcome.skipped(self.name, SKIP_UNINSTANTIABLE)

    _assert_unlinkable = _assert_uninstantiable

    # -- invocations

    def _invocation(self, command, kind):
        action = command["action"]
        if action["type"] != "invoke":
            raise ValueError("%s line %d: unsupported action %r" % (self.name, command["line"], action["type"]))
        filename = self.named[action["module"]] if "module" in action else self.current
        export = action["field"]
        state_reason = self._state_rule(filename, export)  # always: it tracks writes
        if filename is None:
            reason = SKIP_NO_MODULE
        else:
            reason = self.module_skip.get(filename) or state_reason
        if reason is None and export == "":
            reason = SKIP_EMPTY_EXPORT
        if reason is None:
            try:
                args = [encode_arg(value) for value in action["args"]]
            except Unsupported as unsupported:
                reason = str(unsupported)
        if reason is not None:
            self.outcome.skipped(self.name, reason)
            return None
        return self._check(command, kind, filename, export, args)

    def _state_rule(self, filename, export):
        """Applies the state rule of the docstring; returns a skip reason or None."""
        if filename is None:
            return None
        access = self.meta.get(filename, {}).get("func_exports", {}).get(export)
        reads = access is None or access["read"] or access["write"]
        writes = access is None or access["write"]
        reason = SKIP_STATE if (filename in self.dirty and reads) else None
        if writes:
            self.dirty.add(filename)
        return reason

    def _assert_return(self, command):
        return self._invocation(command, "assert_return")

    def _action(self, command):
        return self._invocation(command, "action")

    def _assert_trap(self, command):
        if "action" not in command:  # a module that traps while instantiating
            return self._assert_uninstantiable(command)
        return self._invocation(command, "assert_trap")

    def _assert_exhaustion(self, command):
        return self._invocation(command, "assert_exhaustion")


# ---------------------------------------------------------------------------
# Running


def judge(check, status, body, outcome):
    """Records the outcome of one invocation."""
    body = body if isinstance(body, dict) else {}
    # A module over the daemon's limits is refused at upload (a SKIP_LIMIT skip
    # there); limit_exceeded from an invocation of an accepted module is a
    # wrong answer like any other, so it is judged, not skipped.
    if check.kind == "assert_return":
        ok = status == 200 and results_match(check.expected, body.get("results"))
    elif check.kind == "action":
        ok = status == 200
    else:  # assert_trap, assert_exhaustion
        ok = status == 422 and body.get("code") == "trap"
        if ok:
            outcome.trap_wording(check.text, body.get("detail"))
    if ok:
        outcome.passed(check)
    else:
        outcome.failed(check, (status, body))


def upload_all(client, suite_dir, files, workers):
    """filename -> (status, body); identical bytes are uploaded once."""
    by_digest = {}
    digest_of = {}
    for name, filename in files:
        with open(os.path.join(suite_dir, name, filename), "rb") as f:
            wasm = f.read()
        digest = hashlib.sha256(wasm).hexdigest()
        by_digest[digest] = wasm
        digest_of[filename] = digest
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        answers = dict(zip(by_digest, pool.map(lambda wasm: guarded(client.upload, wasm), by_digest.values())))
    return {filename: answers[digest] for filename, digest in digest_of.items()}


def module_ids(uploads):
    return {filename: body["id"] for filename, (status, body) in uploads.items()
            if 200 <= status < 300 and isinstance(body, dict) and "id" in body}


def guarded(request, *args):
    """A request's (status, body); a transport error becomes status 0 (a failure)."""
    try:
        return request(*args)
    except DaemonExited:
        raise
    except Exception as error:  # noqa: BLE001 - reported as the failure's answer
        return 0, {"error": "%s: %s" % (type(error).__name__, error)}


def run_invocations(client, checks, ids, outcome, workers):
    def run(check):
        status, body = guarded(client.invoke, ids[check.filename], check.export, check.args)
        judge(check, status, body, outcome)

    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        for future in concurrent.futures.as_completed([pool.submit(run, c) for c in checks]):
            future.result()


# ---------------------------------------------------------------------------
# Report


def print_report(outcome, verbose):
    print("%-24s %8s %8s %8s" % ("file", "passed", "failed", "skipped"))
    for name, counts in outcome.files.items():
        print("%-24s %8d %8d %8d" % (name, counts["passed"], counts["failed"], counts["skipped"]))
    print()
    print("skip reasons:")
    for reason, count in outcome.skips.most_common():
        print("  %6d  %s" % (count, reason))
    print()
    print("trap wording (spec text -> daemon text):")
    for (spec, got, matches), count in sorted(outcome.trap_words.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
        print("  %6d  %-32s -> %s%s" % (count, spec, got, "" if matches else "   [wording differs]"))
    print()
    if outcome.failures:
        print("failures: %d" % len(outcome.failures))
        for check, got in sorted(outcome.failures, key=lambda f: (f[0].file, f[0].line)):
            if verbose:
                print("  %s:%d %s %s args=%s expected=%s got=%s" % (
                    check.file, check.line, check.kind, check.export or check.filename,
                    json.dumps(check.args), json.dumps(check.expected if check.expected is not None else check.text),
                    show_json(got)))
        if not verbose:
            print("  (run with -v to list them)")
        print()


def show_json(value):
    """JSON text of an answer, with exact (Decimal) numbers written unquoted."""
    text = json.dumps(value, default=lambda number: "\u0001%s\u0001" % number)
    return text.replace('"\\u0001', "").replace('\\u0001"', "")


def totals(outcome):
    total = collections.Counter()
    for counts in outcome.files.values():
        total.update(counts)
    return total


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=DEFAULT_BINARY, help="wasmhost executable (default: %(default)s)")
    parser.add_argument("--suite", default=DEFAULT_SUITE, help="converted suite directory (default: %(default)s)")
    parser.add_argument("--only", help="comma-separated test names, e.g. i32,simd_lane")
    parser.add_argument("--workers", type=int, default=8, help="concurrent requests (default: %(default)s)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every failure")
    parser.add_argument("--engine", default="wasmtime", choices=sorted(KNOWN_BUGS_BY_ENGINE),
                        help="sandbox.engine of the daemon (default: %(default)s)")
    return parser.parse_args(argv)


def main(argv=None):
    global KNOWN_ENGINE_BUGS
    options = parse_args(argv)
    KNOWN_ENGINE_BUGS = KNOWN_BUGS_BY_ENGINE[options.engine]
    DAEMON_ENV["WASMHOST_SANDBOX_ENGINE"] = options.engine
    names = sorted(os.listdir(options.suite))
    if options.only:
        wanted = [n.strip() for n in options.only.split(",") if n.strip()]
        unknown = [n for n in wanted if n not in names]
        if unknown:
            sys.exit("unknown test name(s): " + ", ".join(unknown))
        names = wanted
    suite = list(load_suite(options.suite, names))
    options.binary = os.path.abspath(options.binary)
    if not os.access(options.binary, os.X_OK):
        sys.exit("wasmhost binary not found: %s (use --binary)" % options.binary)

    daemon = Daemon(options.binary)
    outcome = Outcome()
    try:
        client = Client(daemon.start(), daemon.alive)
        started = time.monotonic()
        files = [(name, f) for name, commands, _ in suite for f in binary_files(commands)]
        uploads = upload_all(client, options.suite, files, options.workers)
        checks = []
        for name, commands, meta in suite:
            outcome.files.setdefault(name, collections.Counter())
            checks += FilePlan(name, commands, meta, uploads, outcome).plan()
        run_invocations(client, checks, module_ids(uploads), outcome, options.workers)
        elapsed = time.monotonic() - started
    except DaemonExited as error:
        sys.exit("%s; log tail:\n%s" % (error, daemon.log_tail()))
    finally:
        daemon.stop()

    print_report(outcome, options.verbose)
    total = totals(outcome)
    print("(%d uploads, %d invocations in %.1fs)" % (len(files), len(checks), elapsed))
    print("spec (%s): %d passed, %d failed, %d skipped" % (
        options.engine, total["passed"], total["failed"], total["skipped"]))
    for check in outcome.fixed_known_bugs:
        print("KNOWN BUG NOW PASSES (remove it from KNOWN_BUGS_BY_ENGINE[%r]): %s line %d: %s" % (
            options.engine, check.file, check.line, KNOWN_ENGINE_BUGS[(check.file, check.line)]))
    return 1 if total["failed"] or outcome.fixed_known_bugs else 0


if __name__ == "__main__":
    sys.exit(main())
