#!/usr/bin/env python3
"""Replicas sharing one PostgreSQL registry, against real servers.

Starts a throwaway PostgreSQL cluster (tests/replicas/pgcluster.py), optionally
runs the Swift store contract tests against it (--swift-contract), then starts
three daemons on loopback sharing it and checks the scenarios of issue 14:
upload visibility, name-move visibility (p50/p99 over 100 moves), delete
visibility, concurrent identical uploads, a 20-second mixed run, PostgreSQL
stopped and restarted during load, and kill -9 of a replica during uploads.

    python3 tests/replicas/run.py [--binary PATH] [--swift-contract] [--mixed-seconds N]

Exits non-zero when a check fails. Prints the measured numbers.
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(REPO, "scripts", "reliability"))
sys.path.insert(0, HERE)

import rellib  # noqa: E402
from pgcluster import Cluster  # noqa: E402

FAILURES = []


def check(condition, what):
    print(("ok    " if condition else "FAIL  ") + what, flush=True)
    if not condition:
        FAILURES.append(what)


def wat(value, export="which"):
    """A distinct module per value: `which` returns it."""
    return f'(module (func (export "{export}") (result i32) i32.const {value}))'.encode()


def call(daemon, method, path, body=None, timeout=10):
    try:
        status, headers, data = daemon.request(method, path, body, timeout=timeout)
    except OSError as error:
        return 0, {}, str(error).encode()
    return status, headers, data


def upload(daemon, value, name=None):
    path = "/v1/modules" + (f"?name={name}" if name else "")
    return call(daemon, "POST", path, wat(value))


def invoke(daemon, ref):
    status, _, data = call(daemon, "POST", f"/v1/modules/{ref}/invoke/which", b"{}")
    if status == 200:
        return status, json.loads(data)["results"][0]
    return status, rellib.problem_code(data)


def describe_id(daemon, ref):
    status, _, data = call(daemon, "GET", f"/v1/modules/{ref}")
    return json.loads(data)["id"] if status == 200 else status


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def wait_for(condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.005)
    return condition()


def upload_seen_everywhere(a, others):
    status, _, data = upload(a, 1001, "calc")
    check(status == 201, f"upload on A answers 201 (got {status})")
    module_id = json.loads(data)["id"]
    results = {}

    def on(replica, label):
        results[label] = (describe_id(replica, "calc"), describe_id(replica, module_id), invoke(replica, "calc"))

    threads = [threading.Thread(target=on, args=(r, label)) for label, r in others.items()]
    [t.start() for t in threads]
    [t.join() for t in threads]
    for label, (by_name, by_id, invoked) in results.items():
        check(by_name == module_id and by_id == module_id, f"{label} describes the new module by name and id at once")
        check(invoked == (200, 1001), f"{label} invokes it at once (got {invoked})")


def name_moves(a, others, moves=100):
    ids = []
    for value in (2001, 2002):
        status, _, data = upload(a, value)
        ids.append(json.loads(data)["id"])
    delays = []
    late = []
    for move in range(moves):
        target = ids[move % 2]
        status, _, _ = call(a, "POST", "/v1/modules?name=mover", wat(2001 + move % 2))
        acknowledged = time.monotonic()
        if status not in (200, 201):
            check(False, f"move {move} answered {status}")
            return
        for label, replica in others.items():
            seen = wait_for(lambda: describe_id(replica, "mover") == target, 5)
            delay = time.monotonic() - acknowledged
            delays.append(delay)
            if not seen:
                late.append((move, label))
    p50, p99 = percentile(delays, 50), percentile(delays, 99)
    print(f"      name-move visibility over {moves} moves x {len(others)} replicas: "
          f"p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, max {max(delays) * 1000:.1f} ms", flush=True)
    check(not late, f"every move was seen within 5 s (late: {late[:5]})")
    check(p99 <= 1.0, f"name-move visibility p99 {p99 * 1000:.1f} ms <= 1000 ms")
    return p50, p99


def delete_seen(a, others):
    status, _, data = upload(a, 3001, "doomed")
    module_id = json.loads(data)["id"]
    for replica in others.values():
        invoke(replica, "doomed")  # every replica holds it (compiled and named)
    status, _, _ = call(a, "DELETE", f"/v1/modules/{module_id}")
    deleted = time.monotonic()
    check(status == 204, f"delete on A answers 204 (got {status})")
    for label, replica in others.items():
        gone = wait_for(lambda: invoke(replica, "doomed") == (404, "module_not_found")
                        and invoke(replica, module_id) == (404, "module_not_found"), 1.0)
        check(gone, f"{label} answers 404 for the deleted module by name and id within 1 s "
                    f"({(time.monotonic() - deleted) * 1000:.0f} ms)")


def concurrent_identical(replicas, rounds=5):
    for round_ in range(rounds):
        barrier = threading.Barrier(len(replicas))
        statuses = []

        def go(replica):
            barrier.wait()
            statuses.append(upload(replica, 4000 + round_)[0])

        threads = [threading.Thread(target=go, args=(r,)) for r in replicas]
        [t.start() for t in threads]
        [t.join() for t in threads]
        check(sorted(statuses) == [200] * (len(replicas) - 1) + [201],
              f"identical uploads on all replicas at once, round {round_ + 1}: one 201, the rest 200 ({sorted(statuses)})")
    _, _, data = call(replicas[0], "GET", "/v1/modules")
    values = [m for m in json.loads(data)["modules"]]
    check(len({m["id"] for m in values}) == len(values), "the list holds each module once")


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts = {}
        self.wrong = []

    def add(self, key, wrong=None):
        with self.lock:
            self.counts[key] = self.counts.get(key, 0) + 1
            if wrong:
                self.wrong.append(wrong)


def mixed_run(replicas, seconds):
    """Upload, move, delete and invoke across replicas. By id an answer must be
    that module's value or 404; by name, a value the name was pointed at."""
    values = list(range(5000, 5012))
    ids = {}
    for value in values:
        ids[value] = json.loads(upload(replicas[0], value)[2])["id"]
    pointed = {f"mix{n}": set() for n in range(4)}
    tally = Tally()
    stop = time.monotonic() + seconds

    def worker(seed):
        rng = random.Random(seed)
        while time.monotonic() < stop:
            replica = rng.choice(replicas)
            op = rng.random()
            value = rng.choice(values)
            if op < 0.2:
                name = rng.choice(list(pointed))
                with tally.lock:
                    pointed[name].add(value)
                status = upload(replica, value, name)[0]
                tally.add(("upload", status), None if status in (200, 201, 503) else f"upload {status}")
            elif op < 0.3:
                status = call(replica, "DELETE", f"/v1/modules/{ids[value]}")[0]
                tally.add(("delete", status), None if status in (204, 404, 503) else f"delete {status}")
            elif op < 0.65:
                status, result = invoke(replica, ids[value])
                ok = (status == 200 and result == value) or status in (404, 503)
                tally.add(("invoke-id", status), None if ok else f"invoke {value} by id answered {status} {result}")
            else:
                name = rng.choice(list(pointed))
                status, result = invoke(replica, name)
                with tally.lock:
                    allowed = set(pointed[name])
                ok = (status == 200 and result in allowed) or status in (404, 503)
                tally.add(("invoke-name", status), None if ok else f"invoke {name} answered {status} {result}")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    total = sum(tally.counts.values())
    print(f"      mixed run: {total} requests in {seconds} s: "
          + ", ".join(f"{k[0]} {k[1]}: {v}" for k, v in sorted(tally.counts.items())), flush=True)
    check(not tally.wrong, f"mixed run: no wrong answer and no 5xx but 503 (first: {tally.wrong[:3]})")


def postgres_outage(cluster, replicas):
    known = json.loads(upload(replicas[0], 6001, "survivor")[2])["id"]
    for replica in replicas:
        check(invoke(replica, "survivor") == (200, 6001), "warm-up invoke before the outage")
    tally = Tally()
    running = threading.Event()
    running.set()

    def load(seed):
        rng = random.Random(seed)
        n = 0
        while running.is_set():
            replica = rng.choice(replicas)
            status, result = invoke(replica, known)
            tally.add(("invoke", status), None if (status, result) == (200, 6001) else f"cached invoke {status} {result}")
            n += 1
            status, headers, _ = upload(replica, 600000 + seed * 100000 + n)
            bad = status not in (200, 201, 503) or (status == 503 and "retry-after" not in headers)
            tally.add(("upload", status), f"upload {status}" if bad else None)

    threads = [threading.Thread(target=load, args=(n,)) for n in range(3)]
    [t.start() for t in threads]
    time.sleep(1)
    cluster.stop("fast")
    stopped = time.monotonic()
    unreachable = all(wait_for(lambda r=r: json.loads(call(r, "GET", "/readyz")[2]).get("store") == "unreachable", 5)
                      for r in replicas)
    check(unreachable, f"/readyz says store unreachable on every replica ({time.monotonic() - stopped:.1f} s)")
    status, _, body = call(replicas[1], "GET", "/readyz")
    check(status == 200, f"/readyz stays 200 during the outage (got {status})")
    metrics = call(replicas[1], "GET", "/metrics")[2].decode()
    check("wasmhost_store_reachable 0" in metrics, "/metrics shows wasmhost_store_reachable 0")
    status, headers, body = upload(replicas[2], 6999)
    check(status == 503 and rellib.problem_code(body) == "storage_unavailable" and "retry-after" in headers,
          f"an upload during the outage is 503 storage_unavailable with Retry-After (got {status})")
    status, _, body = call(replicas[2], "DELETE", f"/v1/modules/{known}")
    check(status == 503 and rellib.problem_code(body) == "storage_unavailable",
          f"a delete during the outage is 503 storage_unavailable (got {status})")
    time.sleep(2)
    cluster.start()
    restarted = time.monotonic()
    recovered = all(wait_for(lambda r=r, i=i: upload(r, 7000 + i)[0] in (200, 201)
                             and json.loads(call(r, "GET", "/readyz")[2]).get("store") == "ok", 5)
                    for i, r in enumerate(replicas))
    recovery = time.monotonic() - restarted
    check(recovered, f"every replica takes uploads again within 5 s of the restart ({recovery:.2f} s)")
    time.sleep(0.5)
    running.clear()
    [t.join() for t in threads]
    print("      during the outage: " + ", ".join(f"{k[0]} {k[1]}: {v}" for k, v in sorted(tally.counts.items())), flush=True)
    check(not tally.wrong, f"cached invocations kept answering and nothing was 5xx but 503 (first: {tally.wrong[:3]})")
    check(all(r.alive() for r in replicas), "no replica crashed")
    return recovery


def kill_during_uploads(replicas, cluster):
    victim, witness = replicas[2], replicas[0]
    acknowledged = []
    stop = threading.Event()

    def uploader():
        n = 0
        while not stop.is_set():
            n += 1
            status, _, data = upload(victim, 800000 + n)
            if status in (200, 201):
                acknowledged.append(json.loads(data)["id"])

    threads = [threading.Thread(target=uploader) for _ in range(2)]
    [t.start() for t in threads]
    time.sleep(1.5)
    victim.kill9()
    stop.set()
    [t.join() for t in threads]
    missing = [m for m in acknowledged if describe_id(witness, m) != m]
    check(acknowledged and not missing,
          f"kill -9 during uploads: all {len(acknowledged)} acknowledged modules are on another replica (missing {len(missing)})")
    victim.start()
    check(invoke(victim, "survivor") == (200, 6001), "the killed replica restarts and serves")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=None)
    parser.add_argument("--swift-contract", action="store_true", help="also run the Swift store contract tests")
    parser.add_argument("--mixed-seconds", type=int, default=20)
    args = parser.parse_args()
    if args.binary:
        os.environ["WASMHOST_BIN"] = os.path.abspath(args.binary)
    with Cluster() as cluster:
        print(f"PostgreSQL on 127.0.0.1:{cluster.port} ({cluster.directory})", flush=True)
        if args.swift_contract:
            result = subprocess.run(
                ["swift", "test", "--skip-build", "--filter", "RegistryContractTests|PostgresReplicaTests"],
                cwd=REPO, env=dict(os.environ, WASMHOST_TEST_POSTGRES_URL=cluster.url))
            check(result.returncode == 0, "Swift store contract tests against both backends")
        base = rellib.temp_dir("wasmhost-replicas-")
        env = {"WASMHOST_STORE_BACKEND": "postgres", "WASMHOST_STORE_POSTGRES_URL": cluster.url}
        replicas = [rellib.Daemon(os.path.join(base, name), env=env).start() for name in "abc"]
        try:
            a, b, c = replicas
            upload_seen_everywhere(a, {"B": b, "C": c})
            name_moves(a, {"B": b, "C": c})
            delete_seen(a, {"B": b, "C": c})
            concurrent_identical(replicas)
            mixed_run(replicas, args.mixed_seconds)
            postgres_outage(cluster, replicas)
            kill_during_uploads(replicas, cluster)
        finally:
            for replica in replicas:
                replica.stop()
            shutil.rmtree(base, ignore_errors=True)
    if FAILURES:
        print(f"\n{len(FAILURES)} replica check(s) failed", flush=True)
        sys.exit(1)
    print("\nall replica checks passed", flush=True)


if __name__ == "__main__":
    main()
