#!/usr/bin/env bash
# Soak: hours of mixed traffic in minutes; fails when memory, fds or threads creep up.
#
#   scripts/reliability/soak.sh DURATION        e.g. 30s, 2m, 30m, 1h
#
# Starts a daemon (2 workers), loads it with wrk and soak.lua (invoke add, upload
# a new module, delete, spin loops with small fuel or a 5 ms deadline, traps,
# echo, host.invoke into another module, GETs), and
# samples the daemon's RSS, open fds (/proc/PID/fd) and thread count into a CSV
# (every 10 s; more often for short runs). Fails if:
#   - the mean of the last third of the samples is above the mean of the middle
#     third by more than 10% plus a small absolute slack (RSS 8 MiB, fds 4,
#     threads 2): a leak;
#   - any answer was 500, or the daemon died, or it did not stop cleanly on SIGTERM.
# Installs wrk with apt-get when missing. The CSV and logs stay in the work dir.
set -euo pipefail

DURATION="${1:-2m}"
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
. "$REPO/scripts/lib/daemon.sh"
BIN="${WASMHOST_BIN:-$REPO/.build/debug/wasmhost}"
[ -x "$BIN" ] || { echo "soak: no daemon binary at $BIN (swift build --product wasmhost)" >&2; exit 2; }

case "$DURATION" in
  *h) SECONDS_TOTAL=$(( ${DURATION%h} * 3600 )) ;;
  *m) SECONDS_TOTAL=$(( ${DURATION%m} * 60 )) ;;
  *s) SECONDS_TOTAL=${DURATION%s} ;;
  *[0-9]) SECONDS_TOTAL=$DURATION ;;
  *) echo "usage: $0 DURATION (30s, 2m, 1h)" >&2; exit 2 ;;
esac
INTERVAL=10
[ "$SECONDS_TOTAL" -lt 120 ] && INTERVAL=$(( SECONDS_TOTAL / 12 > 1 ? SECONDS_TOTAL / 12 : 1 ))

if ! command -v wrk >/dev/null 2>&1; then
  echo "soak: installing wrk with apt-get"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk) >/dev/null
fi

WORK="$(mktemp -d "${RELIABILITY_TMP:-/tmp}/wasmhost-soak-XXXXXX")"
PID=""
SAMPLER=""
cleanup() {
  [ -n "$SAMPLER" ] && kill "$SAMPLER" 2>/dev/null || true
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then kill -9 "$PID" 2>/dev/null || true; fi
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

wasmhost_start "$BIN" "$WORK" soak WASMHOST_LIMITS_MAX_CONCURRENT=2 WASMHOST_LOG_LEVEL=warning
PID=$WASMHOST_PID
BASE=$WASMHOST_BASE
wasmhost_upload_examples "$BASE" add:calc trap:trap echo:echo cycle_a:cycle-a cycle_b:cycle-b
echo "soak: daemon pid $PID on $BASE for ${SECONDS_TOTAL}s, sampling every ${INTERVAL}s, work dir $WORK"

CSV="$WORK/soak.csv"
echo "seconds,rss_kib,fds,threads" >"$CSV"
sample() {
  local rss threads fds
  rss="$(awk '/^VmRSS:/ {print $2}' "/proc/$PID/status" 2>/dev/null || echo 0)"
  threads="$(awk '/^Threads:/ {print $2}' "/proc/$PID/status" 2>/dev/null || echo 0)"
  fds="$(ls "/proc/$PID/fd" 2>/dev/null | wc -l)"
  echo "$1,$rss,$fds,$threads" >>"$CSV"
}
START=$(date +%s)
( while kill -0 "$PID" 2>/dev/null; do sample $(( $(date +%s) - START )); sleep "$INTERVAL"; done ) &
SAMPLER=$!

# SIGHUP (reload) every 20 s (at least twice) and one SIGUSR1 while wrk runs:
# uploads are in flight at each (7% of the mix), and nothing may change.
HUP_EVERY=$(( SECONDS_TOTAL / 2 < 20 ? SECONDS_TOTAL / 3 : 20 ))
[ "$HUP_EVERY" -ge 1 ] || HUP_EVERY=1
( sleep "$HUP_EVERY"; kill -USR1 "$PID" 2>/dev/null
  while kill -0 "$PID" 2>/dev/null; do kill -HUP "$PID" 2>/dev/null; echo hup >>"$WORK/signals"; sleep "$HUP_EVERY"; done ) &
HUPPER=$!

set +e
wrk -t2 -c8 -d "${SECONDS_TOTAL}s" --timeout 10s -s "$HERE/soak.lua" "$BASE" >"$WORK/wrk.log" 2>&1
WRK_STATUS=$?
set -e
kill "$HUPPER" 2>/dev/null || true
wait "$HUPPER" 2>/dev/null || true
HUPS=$(wc -l <"$WORK/signals" 2>/dev/null || echo 0)
echo "soak: $HUPS SIGHUP and 1 SIGUSR1 sent during the load"
# The daemon logs at warning here: the reloads themselves (notice) are not in its
# log, the ignored SIGUSR1 (warning) is. Surviving them is checked below.
HUP_STATUS=ok
grep -q "signal ignored" "$WORK/daemon.log" || HUP_STATUS="SIGUSR1 not logged as ignored"
kill "$SAMPLER" 2>/dev/null || true
wait "$SAMPLER" 2>/dev/null || true
SAMPLER=""
ALIVE=yes
kill -0 "$PID" 2>/dev/null || ALIVE=no
[ "$ALIVE" = yes ] && sample $(( $(date +%s) - START ))
cat "$WORK/wrk.log"

# A clean stop with uploads in flight: 4 clients upload 1 MB modules in a loop,
# then SIGTERM; the daemon must drain and exit 0 within the grace period, and no
# upload may be answered anything but 200, 201 or 503 (000: cut mid-body, never acknowledged).
python3 -c 'import os, sys; sys.path.insert(0, sys.argv[2]); import rellib; open(sys.argv[1], "wb").write(rellib.data_module(os.urandom(1 << 20)))' \
  "$WORK/big.wasm" "$HERE"
UPLOADERS=()
for index in 1 2 3 4; do
  ( while kill -0 "$PID" 2>/dev/null; do
      curl -s -o /dev/null -H 'Expect:' -w '%{http_code}\n' --data-binary "@$WORK/big.wasm" "$BASE/v1/modules?name=term$index" \
        >>"$WORK/term-uploads" 2>/dev/null || true
    done ) &
  UPLOADERS+=($!)
done
sleep 1
STOP_STATUS="not running"
if [ "$ALIVE" = yes ]; then
  kill -TERM "$PID"
  for _ in $(seq 1 400); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$PID" 2>/dev/null; then STOP_STATUS="still running 40 s after SIGTERM"; else
    set +e; wait "$PID"; STOP_STATUS="exit $?"; set -e
  fi
fi
for uploader in "${UPLOADERS[@]}"; do wait "$uploader" 2>/dev/null || true; done
echo "soak: uploads around SIGTERM (count, status): $(sort "$WORK/term-uploads" 2>/dev/null | uniq -c | tr -s ' \n' ' ')"
if grep -v -x -e 503 -e 200 -e 201 -e 000 "$WORK/term-uploads" 2>/dev/null | grep -q .; then
  STOP_STATUS="$STOP_STATUS; an upload around SIGTERM got an unexpected status"
fi

set +e
python3 - "$CSV" "$WORK/wrk.log" "$ALIVE" "$STOP_STATUS" "$WRK_STATUS" "$HUP_STATUS" <<'EOF'
import csv, re, sys
path, wrk_log, alive, stop_status, wrk_status, hup_status = sys.argv[1:7]
rows = [{k: int(v) for k, v in row.items()} for row in csv.DictReader(open(path))]
failures = []
print(f"\nsoak: {len(rows)} samples in {path}")
if len(rows) < 6:
    failures.append(f"only {len(rows)} samples: too few to judge a trend")
slack = {"rss_kib": 8 * 1024, "fds": 4, "threads": 2}
if len(rows) >= 3:
    third = len(rows) // 3
    middle, last = rows[third:2 * third], rows[len(rows) - third:]
    for key, absolute in slack.items():
        first_value, end_value = rows[0][key], rows[-1][key]
        mid = sum(r[key] for r in middle) / len(middle)
        end = sum(r[key] for r in last) / len(last)
        limit = mid * 1.10 + absolute
        verdict = "ok" if end <= limit else "GROWING"
        print(f"  {key:8} start {first_value:>8} end {end_value:>8} peak {max(r[key] for r in rows):>8}  "
              f"middle-third mean {mid:10.1f} last-third mean {end:10.1f} (limit {limit:10.1f}) {verdict}")
        if end > limit:
            failures.append(f"{key} grows: last-third mean {end:.0f} > middle-third mean {mid:.0f} +10% +{absolute}")
status = open(wrk_log).read()
match = re.search(r"soak-status (.*)", status)
counts = dict(pair.split("=") for pair in match.group(1).split()) if match else {}
requests = re.search(r"(\d+) requests in ([\d.]+)(\w+)", status)
print(f"  answers: {match.group(1) if match else 'no summary from wrk'}")
if requests:
    print(f"  requests: {requests.group(1)} in {requests.group(2)}{requests.group(3)}")
if wrk_status != "0":
    failures.append(f"wrk exited with {wrk_status}")
if not counts:
    failures.append("no status summary from wrk")
elif int(counts.get("500", 0)):
    failures.append(f"{counts['500']} answers were 500 internal")
if int(counts.get("other", 0)):
    failures.append(f"{counts['other']} answers had an unexpected status")
if alive != "yes":
    failures.append("the daemon died during the soak")
if hup_status != "ok":
    failures.append(f"signals during the load: {hup_status}")
if stop_status != "exit 0":
    failures.append(f"SIGTERM did not stop the daemon cleanly: {stop_status}")
for failure in failures:
    print("soak: FAIL: " + failure)
print("soak: " + ("PASS" if not failures else f"{len(failures)} failure(s)"))
sys.exit(1 if failures else 0)
EOF
RESULT=$?
set -e
echo "soak: CSV $CSV, wrk log $WORK/wrk.log, daemon log $WORK/daemon.log"
exit $RESULT
