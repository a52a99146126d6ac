#!/usr/bin/env python3
"""Component benchmarks (issue 13), against a running daemon on the Wasmtime engine.

  1. greet("world") on a small component: the daemon's own `duration_us` (request
     arrival to result: parse, instantiate, call, lift) over sequential calls,
     median and p99, next to `add` on a core module;
  2. HTTP throughput with wrk: invoke greet vs invoke add, same connections;
  3. a 1 MB string argument round trip (echo-string), wall time per call.

Usage: components.py BASE_URL [--seconds 10]. Prints a markdown table.
"""
import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlparse

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    url = urlparse(args.base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)

    def request(method, path, body=b""):
        connection.request(method, path, body=body, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, response.read()

    with open(os.path.join(ROOT, "Tests/Fixtures/components/strings.wat"), "rb") as file:
        status, _ = request("PUT", "/v1/modules/bench-greeter", file.read())
    if status not in (200, 201):
        sys.exit(f"component upload failed: {status} (is the daemon on the Wasmtime engine?)")
    with open(os.path.join(ROOT, "examples/modules/add.wat"), "rb") as file:
        request("PUT", "/v1/modules/bench-add", file.read())

    def durations(path, body, count=2000):
        values, walls = [], []
        for _ in range(count):
            started = time.perf_counter()
            status, answer = request("POST", path, body)
            walls.append((time.perf_counter() - started) * 1e6)
            if status != 200:
                sys.exit(f"{path}: {status} {answer[:200]}")
            values.append(json.loads(answer)["duration_us"])
        return values, walls

    greet, greet_wall = durations("/v1/modules/bench-greeter/invoke/greet", b'{"args":["world"]}')
    add, add_wall = durations("/v1/modules/bench-add/invoke/add", b'{"args":[1,2]}')

    def wrk(path, body):
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(f'wrk.method = "POST"\nwrk.body = {json.dumps(body)}\nwrk.headers["Content-Type"] = "application/json"\n')
        run = subprocess.run(["wrk", "-t2", "-c32", f"-d{args.seconds}s", "-s", script.name, args.base + path],
                             capture_output=True, text=True)
        os.unlink(script.name)
        for line in run.stdout.splitlines():
            if line.startswith("Requests/sec:"):
                return float(line.split()[1])
        sys.exit("wrk gave no rate:\n" + run.stdout + run.stderr)

    add_rate = wrk("/v1/modules/bench-add/invoke/add", '{"args":[1,2]}')
    greet_rate = wrk("/v1/modules/bench-greeter/invoke/greet", '{"args":["world"]}')

    big = "é" * (512 * 1024)  # 1 MiB of UTF-8
    body = json.dumps({"args": [big]}, ensure_ascii=False).encode()  # raw UTF-8, as curl sends a file
    trips = []
    for _ in range(20):
        started = time.perf_counter()
        status, answer = request("POST", "/v1/modules/bench-greeter/invoke/echo-string", body)
        trips.append((time.perf_counter() - started) * 1e3)
        if status != 200 or json.loads(answer)["results"] != [big]:
            sys.exit(f"1 MB round trip failed: {status} {answer[:200]}")

    def p99(values):
        return sorted(values)[int(len(values) * 0.99) - 1]

    print("| component benchmark | measured | target |")
    print("|---|---|---|")
    print(f"| greet(\"world\"): parse + instantiate + call + lift (daemon `duration_us`), median / p99 | "
          f"{statistics.median(greet):.0f} / {p99(greet):.0f} µs (core add: {statistics.median(add):.0f} / {p99(add):.0f} µs) | – (≤ 30 µs in-process: see the engine table) |")
    print(f"| same, wall time per sequential HTTP call, median | {statistics.median(greet_wall):.0f} µs "
          f"(core add: {statistics.median(add_wall):.0f} µs) | – |")
    print(f"| HTTP invoke greet vs invoke add, wrk 2 threads 32 connections {args.seconds} s | "
          f"{greet_rate:,.0f} vs {add_rate:,.0f} req/s = {greet_rate / add_rate:.2f}× | ≥ 0.5× |")
    print(f"| 1 MiB string argument echoed back (echo-string), wall per call, median of 20 | "
          f"{statistics.median(trips):.1f} ms | ≤ 5 ms |")


if __name__ == "__main__":
    main()
