#!/usr/bin/env bash
# Every reliability check, in order, with a summary.
#
#   scripts/reliability/run.sh short    about 5 minutes (make test / make reliability-short)
#   scripts/reliability/run.sh long     about 45 minutes: 10 min fuzzing, 10 min schemathesis,
#                                       100 torture cycles, 30 min soak
#
# Builds the daemon and wasmhost-fuzz (debug) unless WASMHOST_BIN / WASMHOST_FUZZ_BIN
# point at binaries. Exits non-zero if any step failed. RELIABILITY_ALLOW_KNOWN=1
# turns failures listed in known-bugs.txt into KNOWN (reported, not failing).
set -uo pipefail

MODE="${1:-short}"
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
cd "$REPO"
case "$MODE" in
  short|long) ;;
  *) echo "usage: $0 short|long" >&2; exit 2 ;;
esac

if [ -z "${WASMHOST_BIN:-}" ] || [ -z "${WASMHOST_FUZZ_BIN:-}" ]; then
  echo "== building wasmhost and wasmhost-fuzz (debug)"
  swift build --product wasmhost >/dev/null && swift build --product wasmhost-fuzz >/dev/null || {
    echo "reliability: build failed"; exit 1; }
fi
export WASMHOST_BIN="${WASMHOST_BIN:-$REPO/.build/debug/wasmhost}"
export WASMHOST_FUZZ_BIN="${WASMHOST_FUZZ_BIN:-$REPO/.build/debug/wasmhost-fuzz}"

if [ "$MODE" = short ]; then
  STEPS=(
    "fuzz|bash $HERE/fuzz.sh replay"
    "fuzz-differential|bash $HERE/fuzz.sh differential 40 1"
    "fuzz-api|bash $HERE/fuzz_api.sh short"
    "torture|python3 $HERE/torture.py 5"
    "hostile-http|python3 $HERE/hostile_http.py --short"
    "hostile-guests|python3 $HERE/hostile_guests.py --short"
    "hostile-store|python3 $HERE/hostile_store.py --short"
    "soak|bash $HERE/soak.sh 2m"
  )
else
  STEPS=(
    "fuzz-replay|env FUZZ_MUTATIONS=20000 FUZZ_SPEC=2300 bash $HERE/fuzz.sh replay"
    "fuzz|bash $HERE/fuzz.sh 600"
    "fuzz-differential|bash $HERE/fuzz.sh differential 600 $(date +%s)"
    "fuzz-api|bash $HERE/fuzz_api.sh long"
    "torture|python3 $HERE/torture.py 100"
    "hostile-http|python3 $HERE/hostile_http.py --long"
    "hostile-guests|python3 $HERE/hostile_guests.py --long"
    "hostile-store|python3 $HERE/hostile_store.py"
    "burst-rss|python3 $HERE/burst_rss.py 6"
    "soak|bash $HERE/soak.sh 30m"
  )
fi

declare -a NAMES RESULTS TIMES
FAILED=0
LOGDIR="$(mktemp -d "${RELIABILITY_TMP:-/tmp}/wasmhost-reliability-XXXXXX")"
for step in "${STEPS[@]}"; do
  name="${step%%|*}"; command="${step#*|}"
  echo
  echo "================ $name: $command"
  started=$(date +%s)
  $command 2>&1 | tee "$LOGDIR/$name.log"
  status=${PIPESTATUS[0]}
  elapsed=$(( $(date +%s) - started ))
  NAMES+=("$name"); TIMES+=("$elapsed")
  if [ "$status" -eq 0 ]; then RESULTS+=("PASS"); else RESULTS+=("FAIL ($status)"); FAILED=1; fi
done

echo
echo "================ reliability $MODE summary"
for index in "${!NAMES[@]}"; do
  printf '  %-16s %-10s %5ss\n' "${NAMES[$index]}" "${RESULTS[$index]}" "${TIMES[$index]}"
done
grep -h -E "^fuzz: executions=|^fuzz-differential: seed=|^torture summary|^fuzz_api: schemathesis exit|^soak: (PASS|FAIL)|passed, [0-9]+ failed" \
  "$LOGDIR"/*.log 2>/dev/null | sed 's/^/  /'
grep -h -E "\[(FAIL|KNOWN)\]|VIOLATION|CRASH|FINDING|DISAGREEMENT|soak: FAIL|NEW crash|KNOWN bug" "$LOGDIR"/*.log 2>/dev/null \
  | sort -u | head -40 | sed 's/^/  ! /'
echo "  logs: $LOGDIR"
PASSED=0; FAILS=0
for result in "${RESULTS[@]}"; do [ "$result" = PASS ] && PASSED=$((PASSED + 1)) || FAILS=$((FAILS + 1)); done
echo "reliability: $PASSED passed, $FAILS failed"
exit $FAILED
