#!/usr/bin/env python3
"""Hostile guests: modules that try to take the daemon down from the inside.

    hostile_guests.py [--short|--long]

Each case uploads a module (WAT text or a binary built here), invokes it, and
checks the documented answer (API.md): infinite loops end in 422 fuel_exhausted
or 504 timeout; memory.grow past the limit returns -1; import<->export loops are
508 reentrancy_loop even when the guest catches the guard's error with
try_table/catch_all; floods are truncated; oversized tables and modules are
refused cleanly. During every case a prober measures GET /healthz, and after
each case the process must be alive. Prints a table; exits 1 on any failure.
"""

import argparse
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rellib  # noqa: E402
from rellib import Daemon, Table, problem_code  # noqa: E402

EXAMPLES = os.path.join(rellib.REPO, "examples", "modules")
HEALTHZ_BUDGET = 0.5  # seconds; "answers within milliseconds", allow a loaded debug build


# 1 MiB: a debug build takes seconds to compile it (upload and first call); --long uses 8 MiB.
HUGE_FUNCTION_BYTES = 1 << 20


def huge_function(size):
    """A module whose one export `run` is a single function of `size` bytes of
    `i32.const 1; drop`: cheap to run, slow to compile."""
    types = rellib.section(1, rellib.vector([b"\x60" + rellib.vector([]) + rellib.vector([])]))
    funcs = rellib.section(3, rellib.vector([rellib.uleb(0)]))
    exports = rellib.section(7, rellib.vector([rellib.name("run") + b"\x00" + rellib.uleb(0)]))
    body = b"\x00" + b"\x41\x01\x1a" * (size // 3) + b"\x0b"
    code = rellib.section(10, rellib.vector([rellib.uleb(len(body)) + body]))
    return rellib.HEADER + types + funcs + exports + code


def upload(daemon, body, name=None, timeout=120):
    path = "/v1/modules" + (f"?name={name}" if name else "")
    return daemon.request("POST", path, body=body, timeout=timeout)


def invoke(daemon, ref, export, payload=None, timeout=60):
    body = json.dumps(payload or {}).encode()
    status, headers, data = daemon.request("POST", f"/v1/modules/{ref}/invoke/{export}", body=body, timeout=timeout)
    try:
        parsed = json.loads(data)
    except ValueError:
        parsed = {}
    return status, parsed


def wat_file(name):
    with open(os.path.join(EXAMPLES, name), "rb") as handle:
        return handle.read()


GROW_BOMB = b"""
(module
  (memory (export "memory") 1)
  ;; grows by 16 MiB until memory.grow says -1; returns (last grow result, pages)
  (func (export "bomb") (result i32 i32)
    (local $r i32)
    (loop $again
      (local.set $r (memory.grow (i32.const 256)))
      (br_if $again (i32.ne (local.get $r) (i32.const -1))))
    (local.get $r) (memory.size))
  (func (export "huge") (result i32) (memory.grow (i32.const 65535))))
"""

# The guard's error is thrown while host.call runs; a guest that wraps the call in
# try_table/catch_all and carries on must still be stopped with 508.
EVADE = b"""
(module
  (import "host" "call" (func $call (param i32 i32 i64) (result i64)))
  (memory (export "memory") 1)
  (data (i32.const 0) "evade")
  (func (export "evade") (param $x i64) (result i64)
    (block $caught
      (try_table (catch_all $caught)
        (drop (call $call (i32.const 0) (i32.const 5) (local.get $x))))
      (return (i64.const 0)))
    ;; caught: carry on with another argument, so the next frame is no repeat
    (call $call (i32.const 0) (i32.const 5) (i64.add (local.get $x) (i64.const 1)))))
"""

# Catches the guard's error and loops on: the fuel/deadline or the guard must end it.
EVADE_LOOP = b"""
(module
  (import "host" "call" (func $call (param i32 i32 i64) (result i64)))
  (memory (export "memory") 1)
  (data (i32.const 0) "again")
  (func (export "again") (param $x i64) (result i64)
    (loop $forever
      (block $caught
        (try_table (catch_all $caught)
          (drop (call $call (i32.const 0) (i32.const 5) (local.get $x)))))
      (br $forever))
    (i64.const 0)))
"""

START_LOOP = b"""
(module
  (func $start (loop $forever (br $forever)))
  (start $start)
  (func (export "f") (result i32) (i32.const 1)))
"""

TABLE_MILLION = b'(module (table (export "t") 1000000 funcref) (func (export "f") (result i32) (i32.const 1)))'


def many_imports(count):
    lines = ["(module"]
    for index in range(count):
        lines.append(f'  (import "host" "log" (func $log{index} (param i32 i32)))')
    lines.append('  (memory (export "memory") 1)')
    lines.append('  (data (i32.const 0) "hi")')
    lines.append(f'  (func (export "f") (result i32) (call $log{count - 1} (i32.const 0) (i32.const 2)) (i32.const 7)))')
    return "\n".join(lines).encode()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--short", action="store_true", help="default")
    parser.add_argument("--long", action="store_true", help="also repeat the bombs under concurrency")
    args = parser.parse_args()

    work = rellib.temp_dir("wasmhost-guests-")
    daemon = Daemon(os.path.join(work, "data"), log_path=os.path.join(work, "daemon.log"),
                    # Fuel high enough that deadlines, not fuel, stop the loops that ask
                    # for a short timeout (a release build burns 100 M fuel in 0.2 s).
                    env={"WASMHOST_LIMITS_MAX_CONCURRENT": "2", "WASMHOST_LIMITS_TIMEOUT_MS": "2000",
                         "WASMHOST_LIMITS_FUEL": "100000000000"})
    daemon.start()
    table = Table("hostile guests", "hostile_guests")
    print(f"daemon pid {daemon.pid} on 127.0.0.1:{daemon.port}, data {work}")

    def case(title, expected, run):
        """Runs `run()` -> (got text, ok, note) under the healthz prober."""
        def unhealthy():
            return None if daemon.healthz()[0] else "DAEMON UNHEALTHY"
        rellib.run_case(daemon, table, title, expected, run, HEALTHZ_BUDGET, after=unhealthy)

    # --- modules used below
    for file, name in [("trap.wat", "trap"), ("pingpong.wat", "pingpong"), ("countdown.wat", "countdown"),
                       ("echo.wat", "echo"), ("cycle_a.wat", "cycle-a"), ("cycle_b.wat", "cycle-b")]:
        status, _, data = upload(daemon, wat_file(file), name)
        if status not in (200, 201):
            sys.exit(f"cannot upload {file}: {status} {data[:300]!r}")

    # 1. infinite loops
    def spin_default():
        status, body = invoke(daemon, "trap", "spin", timeout=120)
        code = body.get("code")
        ok = (status, code) in ((422, "fuel_exhausted"), (504, "timeout"))
        return f"{status} {code}", ok, ""
    case("infinite loop, server limits (2 s)", "422 fuel_exhausted | 504 timeout", spin_default)

    def spin_fuel():
        status, body = invoke(daemon, "trap", "spin", {"fuel": 100000})
        return f"{status} {body.get('code')} limit={body.get('limit')}", (status, body.get("code"), body.get("limit")) == (422, "fuel_exhausted", 100000), ""
    case("infinite loop, fuel 100000", "422 fuel_exhausted limit=100000", spin_fuel)

    def spin_timeout():
        started = time.monotonic()
        status, body = invoke(daemon, "trap", "spin", {"timeout_ms": 300})
        took = time.monotonic() - started
        return f"{status} {body.get('code')} in {took:.2f}s", status == 504 and body.get("code") == "timeout" and took < 1, ""
    case("infinite loop, timeout_ms 300", "504 timeout in < 1 s", spin_timeout)

    # 1b. the first call of a huge function compiles it (lazily, per instance), which
    # no fuel or interrupt can stop: the 504 must still come at the deadline.
    huge_bytes = HUGE_FUNCTION_BYTES * (8 if args.long else 1)

    def slow_first_compile():
        status, _, data = upload(daemon, huge_function(huge_bytes), "hugefn", timeout=300)
        if status not in (200, 201):
            return f"upload {status} {problem_code(data)}", False, ""
        started = time.monotonic()
        status, body = invoke(daemon, "hugefn", "run", {"timeout_ms": 200}, timeout=120)
        took = time.monotonic() - started
        return (f"{status} {body.get('code')} in {took:.2f}s", status == first_call_status and took < 0.45,
                f"{huge_bytes >> 20} MiB function")
    # WasmKit translates a function on its first call, which nothing can interrupt: the
    # deadline must answer 504. Wasmtime compiled it at upload: the call itself is quick.
    first_call_status = 504 if os.environ.get("WASMHOST_SANDBOX_ENGINE", "wasmtime") == "wasmkit" else 200
    case("first call of a huge function, timeout_ms 200", f"{first_call_status} in < 0.45 s", slow_first_compile)

    # 2. memory.grow bomb
    status, _, data = upload(daemon, GROW_BOMB, "growbomb")
    def grow_bomb():
        status, body = invoke(daemon, "growbomb", "bomb")
        results = body.get("results")
        ok = status == 200 and results is not None and results[0] == -1 and results[1] * 65536 <= 64 << 20
        return f"{status} results={results}", ok, "pages*64KiB <= limits.max_memory_bytes"
    case("memory.grow bomb (16 MiB steps)", "200 [-1, pages<=1024]", grow_bomb)

    def grow_huge():
        status, body = invoke(daemon, "growbomb", "huge")
        return f"{status} results={body.get('results')}", status == 200 and body.get("results") == [-1], ""
    case("memory.grow 65535 pages at once", "200 [-1]", grow_huge)

    # 3. reentrancy bombs
    def loop_case(ref, export, arg, reason):
        def run():
            status, body = invoke(daemon, ref, export, {"args": [arg]})
            got = f"{status} {body.get('code')} reason={body.get('reason')} chain={len(body.get('chain') or [])}"
            return got, status == 508 and body.get("code") == "reentrancy_loop" and (reason is None or body.get("reason") == reason), ""
        return run
    case("ping-pong ping(1)", "508 reentrancy_loop repeat", loop_case("pingpong", "ping", 1, "repeat"))
    case("countdown down(64)", "508 reentrancy_loop depth", loop_case("countdown", "down", 64, "depth"))
    case("countdown down(1000000)", "508 reentrancy_loop depth", loop_case("countdown", "down", 1000000, "depth"))

    def countdown_ok():
        status, body = invoke(daemon, "countdown", "down", {"args": [63]})
        return f"{status} {body.get('results')}", status == 200 and body.get("results") == [63], ""
    case("countdown down(63) (64 frames)", "200 [63]", countdown_ok)
    case("A<->B cycle cycle-a.go(1)", "508 reentrancy_loop repeat", loop_case("cycle-a", "go", 1, "repeat"))

    status, _, data = upload(daemon, EVADE, "evade")
    if status in (200, 201):
        case("try_table/catch_all around host.call", "508 reentrancy_loop", loop_case("evade", "evade", 1, None))
    else:
        table.add("try_table/catch_all around host.call", "508", f"upload {status} {problem_code(data)}", False,
                  "exception-handling guest could not be uploaded")
    status, _, data = upload(daemon, EVADE_LOOP, "evade-loop")
    if status in (200, 201):
        def evade_loop():
            status, body = invoke(daemon, "evade-loop", "again", {"args": [1], "timeout_ms": 3000})
            return f"{status} {body.get('code')}", status in (508, 422, 504) and body.get("code") in ("reentrancy_loop", "fuel_exhausted", "timeout"), "catch in a loop"
        case("catch_all + loop around host.call", "508 (or fuel/timeout)", evade_loop)

    # 4. floods
    def flood(export, stream):
        def run():
            status, body = invoke(daemon, "echo", export, {"args": [100]})
            size = len(body.get(stream) or "") if stream == "output" else sum(len(line) for line in body.get("logs") or [])
            ok = status == 200 and stream in (body.get("truncated") or []) and size <= 1 << 20
            return f"{status} truncated={body.get('truncated')} {stream}={size}B", ok, ""
        return run
    case("output flood 100 x 64 KiB", "200 truncated=[output] <= 1 MiB", flood("flood", "output"))
    case("log flood 100 x 64 KiB", "200 truncated=[logs] <= 1 MiB", flood("logflood", "logs"))

    # 5. a table of a million entries
    def table_million():
        status, _, data = upload(daemon, TABLE_MILLION, None)
        return f"{status} {problem_code(data)}", status == 422 and problem_code(data) == "limit_exceeded", ""
    case("table of 1,000,000 funcref", "422 limit_exceeded", table_million)

    # 6. deep recursion inside the guest
    def recurse():
        status, body = invoke(daemon, "trap", "recurse", {"args": [0]})
        detail = body.get("detail", "")
        return f"{status} {body.get('code')} '{detail[:40]}'", status == 422 and body.get("code") == "trap" and "call stack exhausted" in detail, ""
    case("deep recursion recurse(0)", "422 trap call stack exhausted", recurse)

    # 7. start function that loops forever
    def start_loop():
        status, _, data = upload(daemon, START_LOOP, "startloop")
        if status not in (200, 201):
            return f"upload {status} {problem_code(data)}", status in (400, 422), "refused at upload"
        started = time.monotonic()
        status, body = invoke(daemon, "startloop", "f")
        took = time.monotonic() - started
        ok = (status, body.get("code")) in ((422, "fuel_exhausted"), (504, "timeout"))
        return f"upload ok; invoke {status} {body.get('code')} in {took:.1f}s", ok, ""
    case("start function loops forever", "422 fuel_exhausted | 504 timeout", start_loop)

    # 8. 10,000 imports, all host.log
    def imports_10k():
        started = time.monotonic()
        status, _, data = upload(daemon, many_imports(10000), "imports10k")
        took = time.monotonic() - started
        if status in (200, 201):
            istatus, body = invoke(daemon, "imports10k", "f")
            ok = istatus == 200 and body.get("results") == [7] and took < 30
            return f"upload {status} in {took:.1f}s; invoke {istatus} {body.get('results')}", ok, ""
        return f"upload {status} {problem_code(data)} in {took:.1f}s", 400 <= status < 500 and took < 30, ""
    case("10,000 imports of host.log", "accepted (or clean 4xx), fast", imports_10k)

    # 9. big data segments
    def big_data(size, name, want):
        def run():
            body = rellib.data_module(os.urandom(1024) * (size // 1024), result=size)
            started = time.monotonic()
            if want == "too_large":
                # The 413 comes as soon as the headers are read; the body is not wanted.
                status, _, data = rellib.raw_request(daemon.port, "POST", f"/v1/modules?name={name}", body)
                status = status or 0
            else:
                status, _, data = upload(daemon, body, name, timeout=300)
            took = time.monotonic() - started
            code = problem_code(data) if status >= 400 else None
            note = f"{len(body)} bytes"
            if want == "too_large":
                return f"{status} {code} in {took:.1f}s", status == 413 and code == "too_large", note
            if status in (200, 201):
                istatus, answer = invoke(daemon, name, "size")
                return f"{status}; invoke {istatus} {answer.get('results')} ({took:.1f}s)", istatus == 200 and answer.get("results") == [size], note
            return f"{status} {code}", status == 422 and code == "limit_exceeded", note
        return run
    case("33 MiB data segment", "413 too_large", big_data(33 << 20, "big33", "too_large"))
    case("30 MB data segment", "201 (or 422 limit_exceeded)", big_data(30_000_000, "big30", "ok"))
    case("data segment just under 32 MiB", "201 (or 422 limit_exceeded)", big_data((32 << 20) - 4096, "big32", "ok"))

    # 10. a configuration that could overflow the native stack is refused at start
    def refused_config():
        bad = Daemon(os.path.join(work, "data-bad"), log_path=os.path.join(work, "bad.log"),
                     env={"WASMHOST_LIMITS_MAX_REENTRANCY_DEPTH": "100000"}, start_timeout=30)
        try:
            bad.start()
        except RuntimeError:
            return "refused to start", True, ""
        bad.kill9()
        return "started", False, "a depth the worker stack cannot hold was accepted"
    case("max_reentrancy_depth 100000 at start-up", "refused (exit 2)", refused_config)

    # 10b. error details are for clients: no Swift type names (API.md, errors)
    def wat_detail():
        status, _, data = upload(daemon, b"(module (func (export -1)))", None)
        detail = (json.loads(data).get("detail") or "") if data else ""
        clean = not any(word in detail for word in ("Swift.", "WAT.", "Optional(", "Token"))
        return f"{status} {problem_code(data)} '{detail[:60]}'", status == 422 and problem_code(data) == "invalid_wat" and clean, ""
    case("WAT error detail without Swift internals", "422 invalid_wat, plain words", wat_detail)

    # 11. guests that crashed the process when found by the module fuzzer; each runs
    # on a daemon of its own so that the others above are not affected.
    def on_own_daemon(label, body, export, payload):
        def run():
            other = Daemon(os.path.join(work, "data-" + label), log_path=os.path.join(work, label + ".log"))
            other.start()
            try:
                status, _, data = other.request("POST", "/v1/modules", body=body)
                if status not in (200, 201):
                    return f"upload {status} {problem_code(data)}", 400 <= status < 500, "refused at upload"
                module_id = json.loads(data)["id"]
                try:
                    status, _, data = other.request("POST", f"/v1/modules/{module_id}/invoke/{export}",
                                                    body=json.dumps(payload).encode(), timeout=30)
                    code = problem_code(data)
                except OSError as error:
                    status, code = None, f"connection lost ({type(error).__name__})"
                time.sleep(3)  # a dying process takes a moment (the backtracer runs first)
                alive = other.alive()
                got = f"{status} {code}; daemon {'alive' if alive else 'DIED'}"
                return got, alive and status == 422 and code == "trap", ""
            finally:
                other.kill9()
        return run
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "regressions",
                           "wasi-fd-write-iovec-out-of-bounds.wat"), "rb") as handle:
        fd_write_oob = handle.read()
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "regressions",
                           "name-section-function-index-out-of-range.wasm"), "rb") as handle:
        bad_names = handle.read()
    case("WASI fd_write iovec out of bounds", "422 trap; daemon alive",
         on_own_daemon("fdwrite", fd_write_oob, "_start", {}))
    case("name section with a bad function index", "422 trap; daemon alive",
         on_own_daemon("names", bad_names, "boom", {}))

    if args.long:
        # The bombs again, all at once, a few times over.
        def concurrent():
            results = []
            def worker(index):
                jobs = [("pingpong", "ping", {"args": [index]}), ("trap", "spin", {"fuel": 2_000_000}),
                        ("growbomb", "bomb", {}), ("echo", "flood", {"args": [40]}),
                        ("countdown", "down", {"args": [500]}), ("trap", "recurse", {"args": [0]})]
                for ref, export, payload in jobs * 3:
                    status, body = invoke(daemon, ref, export, payload, timeout=120)
                    results.append(status)
            threads = [threading.Thread(target=worker, args=(index,)) for index in range(8)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(300)
            server_errors = [s for s in results if s >= 500 and s not in (503, 504, 508)]
            return f"{len(results)} answers, {len(server_errors)} 5xx", not server_errors and len(results) == 8 * 18, ""
        case("all bombs, 8 clients x 18", "no 500, all answered", concurrent)

    return rellib.finish(daemon, table, work)

if __name__ == "__main__":
    sys.exit(main())
