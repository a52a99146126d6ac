#!/usr/bin/env python3
"""Numbers for the README's "Scaling" section (a benchmark, not a test).

Release binary, a throwaway PostgreSQL, daemons on loopback:
  1. upload latency, directory store vs PostgreSQL (sequential, distinct modules);
  2. first-invoke latency of a module this daemon has not compiled: directory
     (restarted daemon: read the file, compile) vs PostgreSQL read-through
     (uploaded on replica A, first invoked on replica B: look up, fetch, compile);
  3. name-move visibility p50/p99 on two other replicas;
  4. invoke throughput through nginx round-robin with 1 and with 3 replicas (wrk).

    python3 scripts/bench/scaling.py [--binary .build/release/wasmhost] [--seconds 10]
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(REPO, "scripts", "reliability"))
sys.path.insert(0, os.path.join(REPO, "tests", "replicas"))
sys.path.insert(0, os.path.join(REPO, "scripts", "cluster"))

import rellib  # noqa: E402
from pgcluster import Cluster  # noqa: E402
import run as scenarios  # noqa: E402
import cluster as localcluster  # noqa: E402


def timed(function):
    started = time.perf_counter()
    result = function()
    return (time.perf_counter() - started) * 1000, result


def summary(values):
    ordered = sorted(values)
    return f"p50 {scenarios.percentile(ordered, 50):.2f} ms, p99 {scenarios.percentile(ordered, 99):.2f} ms (n={len(ordered)})"


def uploads(daemon, base, count):
    times = []
    ids = []
    for n in range(count):
        ms, (status, _, body) = timed(lambda: scenarios.upload(daemon, base + n))
        assert status == 201, status
        times.append(ms)
        ids.append(json.loads(body)["id"])
    return times, ids


def first_invokes(daemon, ids, base):
    times = []
    for n, module_id in enumerate(ids):
        ms, answer = timed(lambda: scenarios.invoke(daemon, module_id))
        assert answer == (200, base + n), answer
        times.append(ms)
    return times


def wrk(port, module_id, seconds, connections=32):
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", os.path.join(HERE, "invoke.lua"),
         f"http://127.0.0.1:{port}/v1/modules/{module_id}/invoke/add"],
        capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    p50 = re.search(r"50%\s+([\d.]+\w+)", out).group(1)
    p99 = re.search(r"99%\s+([\d.]+\w+)", out).group(1)
    return rate, int(errors.group(1)) if errors else 0, p50, p99


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.path.join(REPO, ".build", "release", "wasmhost"))
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--count", type=int, default=200)
    args = parser.parse_args()
    os.environ["WASMHOST_BIN"] = os.path.abspath(args.binary)
    base = tempfile.mkdtemp(prefix="wasmhost-scaling-")
    quiet = {"WASMHOST_LOG_LEVEL": "warning"}
    rows = []
    with Cluster() as pg:
        postgres = dict(quiet, WASMHOST_STORE_BACKEND="postgres", WASMHOST_STORE_POSTGRES_URL=pg.url)
        directory = rellib.Daemon(os.path.join(base, "dir"), env=quiet).start()
        a, b, c = (rellib.Daemon(os.path.join(base, name), env=postgres).start() for name in "abc")
        try:
            dir_up, dir_ids = uploads(directory, 10_000, args.count)
            pg_up, pg_ids = uploads(a, 20_000, args.count)
            rows.append(("upload (sequential, ~60-byte modules), directory", summary(dir_up)))
            rows.append(("upload, PostgreSQL", summary(pg_up)))
            directory.stop()
            directory.start()
            rows.append(("first invoke of an uncompiled module, directory (restarted: read + compile)",
                         summary(first_invokes(directory, dir_ids, 10_000))))
            rows.append(("first invoke on replica B of a module uploaded on A (read-through + compile)",
                         summary(first_invokes(b, pg_ids, 20_000))))
            rows.append(("warm invoke, directory", summary(first_invokes(directory, dir_ids, 10_000))))
            rows.append(("warm invoke, PostgreSQL replica", summary(first_invokes(b, pg_ids, 20_000))))
            p50, p99 = scenarios.name_moves(a, {"B": b, "C": c})
            rows.append(("name-move visibility on B and C (100 moves)", f"p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms"))
            nginx = localcluster.nginx_binary()
            add = b'(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))'
            target = json.loads(a.request("POST", "/v1/modules", add)[2])["id"]
            for replicas in ([a], [a, b, c]):
                work = tempfile.mkdtemp(prefix="wasmhost-nginx-", dir=base)
                port, conf = localcluster.start_nginx(nginx, work, [r.port for r in replicas])
                try:
                    for r in replicas:
                        r.request("POST", f"/v1/modules/{target}/invoke/add", b'{"args":[1,2]}')
                    rate, errors, lat50, lat99 = wrk(port, target, args.seconds)
                finally:
                    localcluster.stop_nginx(nginx, work, conf)
                rows.append((f"invoke through nginx, {len(replicas)} replica(s), wrk 32 connections",
                             f"{rate:,.0f} req/s, p50 {lat50}, p99 {lat99}, non-2xx {errors}"))
            rate, errors, lat50, lat99 = wrk(a.port, target, args.seconds)
            rows.append(("invoke straight to one replica (no nginx), wrk 32 connections",
                         f"{rate:,.0f} req/s, p50 {lat50}, p99 {lat99}, non-2xx {errors}"))
        finally:
            for daemon in (directory, a, b, c):
                daemon.stop()
            shutil.rmtree(base, ignore_errors=True)
    print(f"\nScaling measurements, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, "
          "everything (PostgreSQL, daemons, nginx, wrk) on this machine\n")
    print("| measurement | result |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
