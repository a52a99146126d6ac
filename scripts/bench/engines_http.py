#!/usr/bin/env python3
"""The daemon rows of the engine table in `make bench`: one release daemon per
engine (WasmKit and Wasmtime, both running at once on 127.0.0.1, logging to a
file), measured in alternating rounds so both see the same load.

usage: engines_http.py --binary PATH --work DIR [--duration S] [--rounds N] [--tries N]

Rows (tab-separated, as wasmhost-bench --engines prints them):
id, what, WasmKit value, Wasmtime value, samples, unit.
  http_fib      wrk -t2 -c32 POST .../invoke/fib {"args":[25]} (recursive fib), requests/s
  runaway_*     `spin` with timeout_ms 50, one request at a time: answer time past the deadline
  rss_1000      VmRSS after 1,000 distinct modules uploaded and invoked once (modules_rss.py)
  restart_*     SIGTERM, start again on the same data dir: until /readyz answers 200, and
                until all 1,000 modules answered once more (Wasmtime loads their artifacts)
Every process started here is stopped before it exits.
"""
import argparse
import http.client
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ENGINES = ["wasmkit", "wasmtime"]
DEADLINE_MS = 50


class Daemon:
    def __init__(self, binary, engine, work):
        self.binary, self.engine = binary, engine
        self.directory = os.path.join(work, f"engine-{engine}")
        os.makedirs(self.directory, exist_ok=True)
        self.process = None
        self.port = None

    def start(self):
        """Starts the daemon; returns seconds until /readyz answers 200."""
        env = dict(os.environ, WASMHOST_SANDBOX_ENGINE=self.engine, WASMHOST_LIMITS_FUEL="100000000000")
        stdout = open(os.path.join(self.directory, "stdout"), "w")
        log = open(os.path.join(self.directory, "daemon.log"), "a")
        started = time.perf_counter()
        self.process = subprocess.Popen(
            [self.binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", os.path.join(self.directory, "data")],
            stdout=stdout, stderr=log, env=env)
        while self.port is None or self.process.poll() is None:
            if self.process.poll() is not None:
                sys.exit(f"{self.engine} daemon exited with {self.process.returncode}")
            found = re.search(r"wasmhost listening on 127\.0\.0\.1:(\d+)", open(stdout.name).read())
            if found:
                self.port = int(found.group(1))
                break
            time.sleep(0.002)
        while True:
            try:
                status, _ = self.request("GET", "/readyz")
                if status == 200:
                    return time.perf_counter() - started
            except OSError:
                pass
            if time.perf_counter() - started > 120:
                sys.exit(f"{self.engine} daemon not ready after 120 s")
            time.sleep(0.002)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.port = None

    def request(self, method, path, body=None, connection=None):
        own = connection is None
        connection = connection or http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            if own:
                connection.close()

    def upload(self, path, name):
        with open(path, "rb") as source:
            status, body = self.request("POST", f"/v1/modules?name={name}", source.read())
        if status not in (200, 201):
            sys.exit(f"{self.engine}: upload {path}: {status} {body[:200]!r}")

    def rss_mib(self):
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return float("nan")


def wrk_fib(daemon, duration):
    url = f"http://127.0.0.1:{daemon.port}/v1/modules/fib/invoke/fib"
    out = subprocess.run(["wrk", "-t2", "-c32", f"-d{duration}s", "-s", os.path.join(HERE, "invoke_fib.lua"), url],
                         capture_output=True, text=True, check=True).stdout
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if bad:
        sys.exit(f"{daemon.engine}: {bad.group(1)} fib answers were not 200")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def runaway(daemon, tries):
    """Milliseconds past the deadline of each 504 (one keep-alive connection)."""
    connection = http.client.HTTPConnection("127.0.0.1", daemon.port, timeout=60)
    body = json.dumps({"timeout_ms": DEADLINE_MS}).encode()
    late = []
    for _ in range(tries):
        started = time.perf_counter()
        status, answer = daemon.request("POST", "/v1/modules/trap/invoke/spin", body, connection)
        elapsed_ms = (time.perf_counter() - started) * 1000
        if status != 504:
            sys.exit(f"{daemon.engine}: spin answered {status} {answer[:200]!r}, expected 504")
        late.append(elapsed_ms - DEADLINE_MS)
    connection.close()
    return late


def upload_modules(daemon, count):
    """Uploads and invokes `count` distinct modules (modules_rss.py); returns their ids."""
    subprocess.run([sys.executable, os.path.join(HERE, "modules_rss.py"), str(daemon.port), str(count)],
                   check=True, capture_output=True)
    _, body = daemon.request("GET", "/v1/modules")
    return [item["id"] for item in json.loads(body)["modules"]
            if any(export.get("name") == "add" for export in item.get("exports", []))]


def invoke_all(daemon, ids):
    """Seconds to invoke each module once (one keep-alive connection); fails on any other answer."""
    connection = http.client.HTTPConnection("127.0.0.1", daemon.port, timeout=60)
    started = time.perf_counter()
    for module_id in ids:
        status, answer = daemon.request("POST", f"/v1/modules/{module_id}/invoke/add", b'{"args":[1,2]}', connection)
        if status != 200:
            sys.exit(f"{daemon.engine}: {module_id} answered {status} {answer[:200]!r} after the restart")
    connection.close()
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--tries", type=int, default=200)
    args = parser.parse_args()
    daemons = {engine: Daemon(args.binary, engine, args.work) for engine in ENGINES}
    rows = []
    try:
        for daemon in daemons.values():
            daemon.start()
            daemon.upload(os.path.join(HERE, "fib_recursive.wat"), "fib")
            daemon.upload(os.path.join(HERE, "..", "..", "examples", "modules", "trap.wat"), "trap")
            status, body = daemon.request("POST", "/v1/modules/fib/invoke/fib", b'{"args":[25]}')
            if status != 200 or json.loads(body)["results"] != [75025]:
                sys.exit(f"{daemon.engine}: fib(25) answered {status} {body[:200]!r}")
        rps = {engine: [] for engine in ENGINES}
        for _ in range(args.rounds):
            for engine in ENGINES:
                rps[engine].append(wrk_fib(daemons[engine], args.duration))
        rows.append(("http_fib", 'HTTP `POST …/invoke/fib {"args":[25]}` (recursive), wrk -t2 -c32',
                     statistics.median(rps["wasmkit"]), statistics.median(rps["wasmtime"]),
                     f"{args.rounds}×{args.duration} s", "req/s"))
        late = {engine: [] for engine in ENGINES}
        for _ in range(4):
            for engine in ENGINES:
                late[engine] += runaway(daemons[engine], args.tries // 4)
        p99 = {engine: sorted(late[engine])[int(len(late[engine]) * 0.99) - 1] for engine in ENGINES}
        rows.append(("runaway_p99", f"runaway `spin`, `timeout_ms` {DEADLINE_MS}: 504 past the deadline, p99",
                     p99["wasmkit"], p99["wasmtime"], f"{args.tries}", "ms"))
        rows.append(("runaway_median", "same, median", statistics.median(late["wasmkit"]),
                     statistics.median(late["wasmtime"]), f"{args.tries}", "ms"))
        rss, ids = {}, {}
        for engine in ENGINES:
            ids[engine] = upload_modules(daemons[engine], 1000)
            if len(ids[engine]) != 1000:
                sys.exit(f"{engine}: {len(ids[engine])} add modules listed, expected 1000")
            rss[engine] = daemons[engine].rss_mib()
        rows.append(("rss_1000", "daemon VmRSS with 1,000 modules stored and invoked once",
                     rss["wasmkit"], rss["wasmtime"], "1", "MiB"))
        ready, first = {}, {}
        for engine in ENGINES:
            daemons[engine].stop()
            ready[engine] = daemons[engine].start() * 1000
            first[engine] = invoke_all(daemons[engine], ids[engine])
        rows.append(("restart_ready", "restart with 1,002 stored modules: start until `/readyz` 200",
                     ready["wasmkit"], ready["wasmtime"], "1", "ms"))
        rows.append(("restart_first_use", "then the first invocation of each of the 1,000 (sequential)",
                     first["wasmkit"] * 1000, first["wasmtime"] * 1000, "1", "ms"))
    finally:
        for daemon in daemons.values():
            daemon.stop()
    for row in rows:
        print("\t".join(str(value) for value in row))


if __name__ == "__main__":
    main()
