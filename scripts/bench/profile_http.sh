#!/usr/bin/env bash
# Where a request's server CPU goes: GET /healthz against POST …/invoke/add.
#
#   scripts/bench/profile_http.sh [SECONDS]      (default 8; release build in .build-bench)
#
# Starts the release daemon (info logs to /dev/null, as in `make bench`), loads
# it with wrk (1 thread, 16 connections) for each request kind while `perf
# record -e cpu-clock` samples the daemon, and prints per kind: requests/s,
# server CPU µs per request (from /proc/PID/stat), and the top functions by
# self time in µs per request (perf's share × CPU per request). Callgrind
# cannot run the daemon here (valgrind 3.19 dies on its start-up), and this
# machine has no hardware counters, so perf samples a software clock.
set -euo pipefail

SECONDS_PER_KIND="${1:-8}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
. "$ROOT/scripts/lib/daemon.sh"
BIN="$ROOT/.build-bench/release/wasmhost"
[ -x "$BIN" ] || { echo "build first: swift build -c release --scratch-path .build-bench --product wasmhost" >&2; exit 2; }
command -v perf >/dev/null && command -v wrk >/dev/null || { echo "needs perf and wrk" >&2; exit 2; }

WORK="$(mktemp -d /tmp/wasmhost-profile-XXXXXX)"
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

# Info logs are formatted and written, but to /dev/null, as in `make bench`.
DAEMON_STDERR=/dev/null wasmhost_start "$BIN" "$WORK" profile_http
PID=$WASMHOST_PID
BASE=$WASMHOST_BASE
wasmhost_upload_examples "$BASE" add:calc
curl -sf -d '{"args":[1,2]}' "$BASE/v1/modules/calc/invoke/add" | grep -q '"results":\[3\]'

cpu_ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
TICK_US=$(( 1000000 / $(getconf CLK_TCK) ))

profile() { # profile NAME URL [wrk args]
    local name=$1 url=$2; shift 2
    wrk -t1 -c16 -d2s "$@" "$url" >/dev/null # warm-up
    local before
    before=$(cpu_ticks)
    perf record -q -F 4999 -e cpu-clock -p "$PID" -o "$WORK/$name.perf" -- sleep "$SECONDS_PER_KIND" 2>/dev/null &
    local recorder=$!
    wrk -t1 -c16 -d"${SECONDS_PER_KIND}s" "$@" "$url" >"$WORK/$name.wrk"
    wait "$recorder" || true
    local cpu_us=$(( ($(cpu_ticks) - before) * TICK_US ))
    local requests rps per_request
    requests=$(awk '/requests in/ {print $1}' "$WORK/$name.wrk")
    rps=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$WORK/$name.wrk")
    per_request=$(awk -v c="$cpu_us" -v n="$requests" 'BEGIN { printf "%.2f", c / n }')
    echo "### $name: $rps requests/s, $per_request µs server CPU per request"
    echo
    echo "| µs / request | self share | function |"
    echo "|---:|---:|---|"
    perf report -i "$WORK/$name.perf" --no-children --sort symbol --stdio 2>/dev/null |
        swift demangle --simplified |
        awk -v per="$per_request" '
            /^ *[0-9.]+%/ && shown < 25 {
                pct = $1; sub(/%/, "", pct)
                line = $0; sub(/^ *[0-9.]+% +\[[^]]*\] +/, "", line)
                if (length(line) > 140) line = substr(line, 1, 137) "..."
                gsub(/\|/, "\\|", line)
                printf "| %.2f | %.1f%% | `%s` |\n", pct / 100 * per, pct, line
                shown++
            }'
    echo
}

echo "## Server CPU per request, by function (perf, cpu-clock, $(date -u '+%Y-%m-%d %H:%M UTC'))"
echo
profile healthz "$BASE/healthz"
profile invoke "$BASE/v1/modules/calc/invoke/add" -s "$ROOT/scripts/bench/invoke.lua"
