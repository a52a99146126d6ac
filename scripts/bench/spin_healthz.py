#!/usr/bin/env python3
"""GET /healthz latency while guests burn CPU.

usage: spin_healthz.py PORT SPIN_URL_PATH
Prints one markdown row per phase: no guest running, one spinning guest, two
spinning guests (every worker busy on a 2-core machine). Each spin is
POST {"timeout_ms":2000,"fuel":100000000000}: it runs until the 2 s deadline
(the daemon must allow that much fuel: WASMHOST_LIMITS_FUEL).
/healthz is timed on a keep-alive connection and on a new connection per request.
"""
import http.client
import statistics
import sys
import threading
import time

PORT = int(sys.argv[1])
SPIN = sys.argv[2]
SPIN_BODY = b'{"timeout_ms":2000,"fuel":100000000000}'


def spin(results):
    start = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    connection.request("POST", SPIN, body=SPIN_BODY, headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    response.read()
    results.append((response.status, time.perf_counter() - start))
    connection.close()


def probe(seconds, until=None):
    """Times /healthz for `seconds` (or until every spinner is done), alternating
    a keep-alive request and a new-connection request."""
    kept, fresh = [], []
    keep = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline and (until is None or any(t.is_alive() for t in until)):
        start = time.perf_counter()
        keep.request("GET", "/healthz")
        keep.getresponse().read()
        kept.append(time.perf_counter() - start)
        start = time.perf_counter()
        one = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        one.request("GET", "/healthz")
        one.getresponse().read()
        one.close()
        fresh.append(time.perf_counter() - start)
    keep.close()
    return kept, fresh


def ms(values):
    return f"{values * 1000:.2f} ms"


def report(label, kept, fresh, spins):
    spun = ", ".join(f"{status} after {seconds:.2f} s" for status, seconds in spins) or "-"
    print(f"| {label} | {len(kept)} | {ms(statistics.median(kept))} | {ms(max(kept))} "
          f"| {ms(statistics.median(fresh))} | {ms(max(fresh))} | {spun} |")


print("| guests spinning | probes | keep-alive median | keep-alive max | new-connection median | new-connection max | spin answers |")
print("|---|---:|---:|---:|---:|---:|---|")
kept, fresh = probe(1.0)
report("none", kept, fresh, [])
for count in (1, 2):
    results = []
    threads = [threading.Thread(target=spin, args=(results,)) for _ in range(count)]
    for thread in threads:
        thread.start()
    time.sleep(0.05)  # let the guests start
    kept, fresh = probe(10.0, until=threads)
    for thread in threads:
        thread.join()
    report(str(count), kept, fresh, results)
