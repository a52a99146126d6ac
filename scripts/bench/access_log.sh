#!/usr/bin/env bash
# The access log's cost, measured in one run (issue 15): wrk -t2 -c32 on /healthz
# and on invoke add against the bare libmicrohttpd server (scripts/bench/mhd_threading.c
# pool), the daemon at log.level info logging to a real file (the default), and
# the daemon at log.level warning (no per-request line). Prints a markdown table.
# Usage: scripts/bench/access_log.sh [BIN]   (BIN: a release wasmhost; built when omitted)
# Environment: BENCH_DURATION (wrk seconds, default 10), ROUNDS (default 1; rows alternate
# between servers each round so that load from other processes spreads evenly).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/daemon.sh
DURATION=${BENCH_DURATION:-10}
ROUNDS=${ROUNDS:-1}
BIN=${1:-}
if [ -z "$BIN" ]; then
  swift build -c release --scratch-path .build-bench --product wasmhost >&2
  BIN=$PWD/.build-bench/release/wasmhost
fi
WORK=$(mktemp -d /tmp/wasmhost-access-log.XXXXXX)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
gcc -O2 -o "$WORK/mhd" scripts/bench/mhd_threading.c -lmicrohttpd

wrk_run() { # wrk_run NAME URL [wrk args]: appends "rps p50 p99" to WORK/NAME
  local name=$1 url=$2; shift 2
  wrk --latency -t2 -c32 -d"${DURATION}s" "$@" "$url" >"$WORK/out" 2>&1
  awk '/^Requests\/sec:/ {r = $2} $1 == "50%" {p50 = $2} $1 == "99%" {p99 = $2} END {print r, p50, p99}' "$WORK/out" >>"$WORK/$name"
}

for round in $(seq 1 "$ROUNDS"); do
  "$WORK/mhd" pool 0 >"$WORK/mhd.out" &
  PIDS+=($!); pid=$!
  for _ in $(seq 1 100); do port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$WORK/mhd.out"); [ -n "$port" ] && break; sleep 0.05; done
  wrk_run bare_healthz "http://127.0.0.1:$port/healthz"
  kill "$pid"; wait "$pid" 2>/dev/null || true

  for level in info warning; do
    mkdir -p "$WORK/$level"
    wasmhost_start "$BIN" "$WORK/$level" "$level" WASMHOST_LOG_LEVEL=$level
    PIDS+=("$WASMHOST_PID")
    id=$(curl -fsS --data-binary @examples/modules/add.wat "$WASMHOST_BASE/v1/modules" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
    wrk_run "${level}_healthz" "$WASMHOST_BASE/healthz"
    wrk_run "${level}_invoke" "$WASMHOST_BASE/v1/modules/$id/invoke/add" -s scripts/bench/invoke.lua
    kill "$WASMHOST_PID"; wait "$WASMHOST_PID" 2>/dev/null || true
    [ "$level" = info ] && LINES=$(grep -c 'request_id=' "$WORK/info/daemon.log" || true)
  done
done

median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
rps() { awk '{print $1}' "$WORK/$1" | median; }
pct() { awk -v c="$2" '{print $c}' "$WORK/$1" | tail -1; }
echo "| server | endpoint | requests/s (median of $ROUNDS) | p50 | p99 |"
echo "|---|---|---:|---:|---:|"
echo "| bare libmicrohttpd | /healthz | $(rps bare_healthz) | $(pct bare_healthz 2) | $(pct bare_healthz 3) |"
for level in info warning; do
  echo "| wasmhost, \`log.level: $level\` | /healthz | $(rps ${level}_healthz) | $(pct ${level}_healthz 2) | $(pct ${level}_healthz 3) |"
  echo "| wasmhost, \`log.level: $level\` | invoke add | $(rps ${level}_invoke) | $(pct ${level}_invoke 2) | $(pct ${level}_invoke 3) |"
done
awk -v h="$(rps info_healthz)" -v b="$(rps bare_healthz)" -v i="$(rps info_invoke)" 'BEGIN {
  printf "\n/healthz at info / bare: %.2f; invoke add / healthz at info: %.2f\n", h / b, i / h }'
echo "request lines in the info daemon's log file (last round): ${LINES:-?}"
