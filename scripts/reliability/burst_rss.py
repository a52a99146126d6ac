#!/usr/bin/env python3
"""Connection bursts: does the daemon's memory come back after them?

    burst_rss.py [ROUNDS] [--connections N] [--idle]

Each round opens N connections (default 10,000) at once; each sends one
`GET /healthz` with `Connection: close` (or, with --idle, nothing: the request
timeout cuts them). All are closed, then the daemon's RSS and open fds are read.
Some memory is kept after the first burst (the allocator keeps its peak); what
must not happen is a ratchet: the RSS after the last round may exceed the RSS
after round 2 by at most 25% + 16 MiB, and fds must return to where they were.
Exit status 1 otherwise. Runs in `run.sh long`.
"""

import argparse
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rellib  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rounds", type=int, nargs="?", default=6)
    parser.add_argument("--connections", type=int, default=10000)
    parser.add_argument("--idle", action="store_true")
    args = parser.parse_args()
    rellib.raise_nofile(args.connections + 1000)
    work = rellib.temp_dir("wasmhost-burst-")
    daemon = rellib.Daemon(os.path.join(work, "data"), env={"WASMHOST_HTTP_REQUEST_TIMEOUT_SECONDS": "5"},
                           log_path=os.path.join(work, "daemon.log")).start()
    request = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    start = rellib.proc_stats(daemon.pid)
    print(f"burst_rss: start rss {start[0] // 1024} MiB, {start[1]} fds, {start[2]} threads")
    after = []
    for round_number in range(1, args.rounds + 1):
        socks = []
        for _ in range(args.connections):
            sock = socket.socket()
            sock.setblocking(False)
            sock.connect_ex(("127.0.0.1", daemon.port))
            socks.append(sock)
        if args.idle:
            time.sleep(8)
        else:
            time.sleep(1)
            for sock in socks:
                try:
                    sock.send(request)
                except OSError:
                    pass
            time.sleep(3)
        peak = rellib.proc_stats(daemon.pid)
        for sock in socks:
            sock.close()
        time.sleep(2)
        stats = rellib.proc_stats(daemon.pid)
        after.append(stats)
        healthy, latency = daemon.healthz()
        print(f"round {round_number}: during {peak[0] // 1024} MiB / {peak[1]} fds; after {stats[0] // 1024} MiB, "
              f"{stats[1]} fds, {stats[2]} threads; healthz {'ok' if healthy else 'FAILED'} {latency * 1000:.0f} ms",
              flush=True)
    failures = []
    if len(after) >= 3:
        base, last = after[1][0], after[-1][0]
        limit = base * 1.25 + 16 * 1024
        if last > limit:
            failures.append(f"RSS ratchets: {last // 1024} MiB after round {len(after)} > "
                            f"{base // 1024} MiB after round 2 +25% +16 MiB")
    if after and after[-1][1] > start[1] + 4:
        failures.append(f"fds: {after[-1][1]} after the bursts, {start[1]} before")
    if not daemon.alive():
        failures.append("the daemon died")
    daemon.kill9()
    for failure in failures:
        print("burst_rss: FAIL: " + failure)
    print("burst_rss: " + ("PASS" if not failures else "FAIL") + f" (logs in {work})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
