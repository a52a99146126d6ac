#!/usr/bin/env python3
"""Renders the engine table of `make bench` from the rows of `wasmhost-bench
--engines` and scripts/bench/engines_http.py (tab-separated: id, what, WasmKit,
Wasmtime, samples[, unit]), with issue 12's target for each row and whether
this run met it. usage: engines_table.py ROWS_FILE...
"""
import sys

# id -> (target text, check(wasmkit, wasmtime) -> bool); None: no target.
TARGETS = {
    "fib30": ("Wasmtime ≥ 4× faster", lambda kit, wt: kit >= 4 * wt),
    "http_fib": ("Wasmtime ≥ 3× the requests/s", lambda kit, wt: wt >= 3 * kit),
    "add": ("≤ 2 µs", lambda kit, wt: wt <= 2),
    "add_memory": ("≤ 4 µs", lambda kit, wt: wt <= 4),
    "chain": ("≤ 60 µs", lambda kit, wt: wt <= 60),
    "crossing": ("≤ 0.6 µs", lambda kit, wt: wt <= 0.6),
    "wasi_hello": ("≤ 150 µs", lambda kit, wt: wt <= 150),
    "runaway_p99": ("≤ 2 ms", lambda kit, wt: wt <= 2),
    "rss_1000": ("≤ 300 MB", lambda kit, wt: wt * 1.048576 <= 300),
    "restart_ready": ("≤ 2 s", lambda kit, wt: wt <= 2000),
    "component_greet": ("≤ 30 µs (issue 13)", lambda kit, wt: wt <= 30),
}


def show(value, unit):
    if value != value:  # NaN: the engine has no such row (WasmKit runs no components)
        return "–"
    if unit == "req/s":
        return f"{value:,.0f} req/s"
    if unit == "MiB":
        return f"{value:.1f} MiB"
    if unit == "ms":
        return f"{value:.2f} ms" if value < 100 else f"{value:,.0f} ms"
    # microseconds
    if value >= 1000:
        return f"{value / 1000:.2f} ms"
    return f"{value:.2f} µs" if value < 10 else f"{value:.1f} µs"


def main():
    rows = []
    for path in sys.argv[1:]:
        with open(path) as source:
            rows += [line.rstrip("\n").split("\t") for line in source if line.strip()]
    print("| measurement | WasmKit 0.4.2 | Wasmtime 50 | Wasmtime better by | samples per engine | target (Wasmtime) | met |")
    print("|---|---:|---:|---:|---:|---|---|")
    for row in rows:
        ident, what, kit, wt, samples = row[:5]
        unit = row[5] if len(row) > 5 else "µs"
        kit, wt = float(kit), float(wt)
        # Requests/s: more is better; everything else (time, memory): less is better.
        better, worse = (wt, kit) if unit == "req/s" else (kit, wt)
        ratio = better / worse if worse > 0 else float("inf")
        ratio_text = "–" if ratio != ratio else f"{ratio:.2f}×"
        target, check = TARGETS.get(ident, ("", None))
        met = "" if check is None else ("yes" if check(kit, wt) else "**no**")
        print(f"| {what} | {show(kit, unit)} | {show(wt, unit)} | {ratio_text} | {samples} | {target} | {met} |")


if __name__ == "__main__":
    main()
