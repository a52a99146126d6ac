#!/usr/bin/env python3
"""The store under a running daemon: a disk that fills up, a file system that
turns read-only, and stored modules large enough that describing them would
take seconds.

    hostile_store.py [--short]

Cases:
  - inodes exhausted (tmpfs nr_inodes=40): every upload is 201 or 507, and what
    is listed, before and after a restart, is exactly what was acknowledged;
  - the data dir remounted read-only: uploads, deletes and name moves answer
    503 storage_unavailable naming EROFS; /readyz says store "read_only";
    after a remount read-write, uploads work again by themselves;
  - many big modules stored, then a restart: GET /v1/modules never blocks
    /healthz (the descriptions are stored, nothing is compiled to list them);
    the compiled-module cache's byte count is printed next to the RSS growth
    that caching them caused (a measurement, not a pass/fail check).

The file-system cases need a private mount namespace (root, `unshare -m`): they
are skipped with a note where that is not available.
"""

import json
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rellib  # noqa: E402
from rellib import Daemon  # noqa: E402

HEALTHZ_BUDGET = 0.5


class Namespace:
    """A private mount namespace kept alive by a `sleep`, with a tmpfs at `path`."""

    def __init__(self, path, options):
        os.makedirs(path, exist_ok=True)
        self.path = path
        script = f"mount -t tmpfs -o {options} tmpfs {path} && echo mounted && exec sleep 100000"
        self.holder = subprocess.Popen(["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = self.holder.stdout.readline().decode().strip()
        if line != "mounted":
            error = self.holder.stderr.read().decode().strip()
            self.holder.kill()
            raise OSError(f"no private tmpfs ({error or 'unshare failed'})")

    @property
    def prefix(self):
        return ["nsenter", "--target", str(self.holder.pid), "--mount"]

    def remount(self, mode):
        subprocess.run(self.prefix + ["mount", "-o", f"remount,{mode}", self.path], check=True)

    def close(self):
        self.holder.kill()
        self.holder.wait()


def small(index):
    return f'(module (func (export "k") (result i64) (i64.const {index})))'.encode()


def many_exports(count, seed):
    """One function `() -> i32` exported under `count` names: a big description, slow to compile."""
    types = rellib.section(1, rellib.vector([b"\x60" + rellib.vector([]) + rellib.vector([bytes([rellib.I32])])]))
    funcs = rellib.section(3, rellib.vector([rellib.uleb(0)]))
    exports = rellib.section(7, rellib.vector(
        [rellib.name(f"export_{seed}_{index:06d}") + b"\x00" + rellib.uleb(0) for index in range(count)]))
    body = b"\x00\x41" + rellib.sleb(seed) + b"\x0b"
    code = rellib.section(10, rellib.vector([rellib.uleb(len(body)) + body]))
    return rellib.HEADER + types + funcs + exports + code


def listed_ids(daemon):
    status, _, body = daemon.request("GET", "/v1/modules", timeout=120)
    return {module["id"] for module in json.loads(body)["modules"]} if status == 200 else None


def tmpfs_case(table, work, folder, options, title, expected, body):
    """Runs `body(namespace, daemon) -> (got, ok)` with the daemon's data on a
    private tmpfs and adds the row; a SKIP row where no such tmpfs can be had."""
    try:
        space = Namespace(os.path.join(work, folder), options)
    except OSError as error:
        table.add(title, expected, "skipped", "SKIP", str(error))
        return
    try:
        daemon = Daemon(os.path.join(space.path, "data"), log_path=os.path.join(work, folder + ".log"),
                        prefix=space.prefix).start()
        got, ok = body(space, daemon)
        daemon.stop()
        table.add(title, expected, got, ok)
    finally:
        space.close()


def inodes_exhausted(space, daemon):
    acknowledged, statuses = set(), {}
    for index in range(40):
        status, _, body = daemon.request("POST", f"/v1/modules?name=n{index}", body=small(index))
        statuses[status] = statuses.get(status, 0) + 1
        if status in (200, 201):
            acknowledged.add(json.loads(body)["id"])
    before = listed_ids(daemon)
    daemon.stop()
    daemon.start()
    after = listed_ids(daemon)
    ok = set(statuses) <= {201, 507} and 507 in statuses and before == acknowledged and after == acknowledged
    return f"{statuses}; {len(acknowledged)} acked, {len(before or [])} listed, {len(after or [])} after restart", ok


def read_only(space, daemon):
    daemon.request("POST", "/v1/modules?name=first", body=small(1))
    space.remount("ro")
    answers = []
    for method, path, body in [("POST", "/v1/modules", small(2)), ("POST", "/v1/modules?name=first", small(3)),
                               ("DELETE", "/v1/modules/first", None)]:
        status, _, data = daemon.request(method, path, body=body)
        detail = json.loads(data).get("detail", "") if data else ""
        answers.append((status, rellib.problem_code(data), "EROFS" in detail))
    _, _, ready = daemon.request("GET", "/readyz")
    store_state = json.loads(ready).get("store")
    space.remount("rw")
    recovered, _, _ = daemon.request("POST", "/v1/modules?name=after", body=small(4))
    ok = all(a == (503, "storage_unavailable", True) for a in answers) and store_state == "read_only" \
        and recovered == 201
    return f"{answers}; readyz store={store_state}; after rw: {recovered}", ok


def big_list_case(table, work, modules, exports):
    data = os.path.join(work, "biglist", "data")
    daemon = Daemon(data, log_path=os.path.join(work, "biglist.log")).start()
    for seed in range(modules):
        status, _, _ = daemon.request("POST", "/v1/modules", body=many_exports(exports, seed), timeout=300)
        if status != 201:
            table.add(f"list {modules} modules x {exports} exports", "201 uploads", f"upload {status}", False)
            daemon.stop()
            return
    daemon.stop()
    daemon.start()

    def run():
        timings = []
        for _ in range(3):
            started = time.monotonic()
            status, _, body = daemon.request("GET", "/v1/modules", timeout=300)
            timings.append(time.monotonic() - started)
            # Counted without parsing: a 5 MB json.loads holds the GIL and would
            # delay this process's own /healthz prober.
            count = body.count(b'"created_at"') if status == 200 else None
        return (f"200 x3, {count} modules, list {max(timings):.2f}s", count == modules, "")

    rellib.run_case(daemon, table, f"list {modules} modules x {exports} exports after restart",
                    f"healthz < {HEALTHZ_BUDGET * 1000:.0f} ms during the lists", run, HEALTHZ_BUDGET)

    # The cache's byte count against what caching really costs (RSS growth).
    rss_before = rellib.proc_stats(daemon.pid)[0]
    for seed in range(modules):
        for _ in range(3):
            daemon.request("POST", f"/v1/modules/{rellib.sha256(many_exports(exports, seed))}/invoke/export_{seed}_000000",
                           body=b"{}", timeout=300)
    rss_growth = (rellib.proc_stats(daemon.pid)[0] - rss_before) * 1024
    _, _, metrics = daemon.request("GET", "/metrics")
    cached = next((float(line.split()[-1]) for line in metrics.decode().splitlines()
                   if line.startswith("wasmhost_module_cache_bytes ")), 0.0)
    ratio = cached / rss_growth if rss_growth > 0 else float("inf")
    # Measured, not judged: RSS growth depends on what glibc had free before.
    table.add("cache byte count vs RSS growth", "reported (measurement)",
              f"counted {cached / 1e6:.1f} MB, RSS grew {rss_growth / 1e6:.1f} MB ({ratio:.2f}x)", "INFO")
    daemon.stop()


def main():
    short = "--short" in sys.argv
    work = rellib.temp_dir("wasmhost-hostile-store-")
    table = rellib.Table("hostile store", tool="hostile_store")
    tmpfs_case(table, work, "inodes", "size=64m,nr_inodes=40", "inodes exhausted (nr_inodes=40)",
               "201/507 only; listed == acknowledged, also after restart", inodes_exhausted)
    tmpfs_case(table, work, "readonly", "size=64m", "data dir remounted read-only",
               "503 storage_unavailable naming EROFS; readyz read_only; then 201", read_only)
    big_list_case(table, work, modules=4 if short else 8, exports=20_000 if short else 60_000)
    return rellib.conclude(table, work)


if __name__ == "__main__":
    sys.exit(main())
