#!/usr/bin/env bash
# Module fuzzing with wasmhost-fuzz (Sources/wasmhost-fuzz).
#
#   scripts/reliability/fuzz.sh replay            corpus + regressions + 1500 fixed mutants (make test)
#   scripts/reliability/fuzz.sh SECONDS           time-boxed mutation fuzzing
#   scripts/reliability/fuzz.sh libfuzzer SECONDS coverage-guided libFuzzer build (.build-fuzz)
#   scripts/reliability/fuzz.sh differential SECONDS [SEED]
#                                                 generated modules and mutants on Wasmtime and
#                                                 WasmKit, compared (make fuzz-differential)
#
# Seeds: examples/modules/*.wat (as text and assembled), Tests/Fixtures/**/*.wasm, (replay only:)
# scripts/reliability/regressions/*, and spec-suite modules from shared/spec/json
# when present. Crashing inputs are saved to scripts/reliability/crashes/ with a
# note (signal, crash signature, the crashed thread's backtrace); copy each new
# one to regressions/ once it is understood. Exit status 1 on any crash or finding,
# unless RELIABILITY_ALLOW_KNOWN=1 and every crash signature is listed in known-bugs.txt.
set -euo pipefail

MODE="${1:-replay}"
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
CRASHES="${RELIABILITY_CRASH_DIR:-$HERE/crashes}"
cd "$REPO"

build() {
  if [ -n "${WASMHOST_FUZZ_BIN:-}" ]; then echo "$WASMHOST_FUZZ_BIN"; return; fi
  swift build --product wasmhost-fuzz >&2
  echo "$REPO/.build/debug/wasmhost-fuzz"
}

judge() {  # $1: log file, $2: exit status of wasmhost-fuzz
  local log="$1" status="$2"
  [ "$status" -eq 0 ] && { echo "fuzz: PASS"; return 0; }
  if [ "${RELIABILITY_ALLOW_KNOWN:-}" = 1 ]; then
    local known unknown=0
    known="$(mktemp)"
    sed -n 's/^fuzz-\(signature\|finding\): *//p' "$HERE/known-bugs.txt" | sed 's/ *#.*$//; s/ *$//' | grep -v '^$' >"$known" || true
    while IFS= read -r problem; do
      if [ -s "$known" ] && printf '%s\n' "$problem" | grep -F -q -f "$known"; then
        echo "fuzz: KNOWN bug (known-bugs.txt): $problem"
      else
        echo "fuzz: NEW problem: $problem"; unknown=1
      fi
    done < <(sed -n 's/^fuzz: crash signature ([0-9]*x): //p; s/^wasmhost-fuzz: FINDING //p' "$log")
    rm -f "$known"
    if [ "$unknown" -eq 0 ]; then echo "fuzz: PASS with known bugs only (RELIABILITY_ALLOW_KNOWN=1)"; return 0; fi
  fi
  echo "fuzz: FAIL (crashes or findings; inputs in $CRASHES)"
  return 1
}

LOG="$(mktemp "${RELIABILITY_TMP:-/tmp}/wasmhost-fuzz-XXXXXX.log")"
case "$MODE" in
  replay)
    BIN="$(build)"
    set +e
    "$BIN" --root "$REPO" --crash-dir "$CRASHES" \
      --replay examples/modules Tests/Fixtures "$HERE/regressions" \
      --mutations "${FUZZ_MUTATIONS:-1500}" --seed "${FUZZ_SEED:-1}" --spec "${FUZZ_SPEC:-150}" 2>&1 | tee "$LOG"
    STATUS=${PIPESTATUS[0]}
    set -e
    judge "$LOG" "$STATUS"
    ;;
  libfuzzer)
    SECONDS_BUDGET="${2:-60}"
    swift build -c debug --product wasmhost-fuzz --scratch-path .build-fuzz \
      -Xswiftc -sanitize=fuzzer -Xswiftc -DWASMHOST_LIBFUZZER >&2
    CORPUS="$(mktemp -d "${RELIABILITY_TMP:-/tmp}/wasmhost-libfuzzer-corpus-XXXXXX")"
    # Seeds only: the regressions crash until fixed, and a crashing seed breaks fork mode's first merge.
    cp examples/modules/*.wat "$CORPUS/"
    find Tests/Fixtures -name '*.wasm' -exec cp {} "$CORPUS/" \;
    mkdir -p "$CRASHES"
    set +e
    # libFuzzer's own crash handler saves the input; the Swift backtracer would get there first.
    # -fork=1 -ignore_crashes=1: a crash does not end the run; every crashing input is saved.
    SWIFT_BACKTRACE=enable=no .build-fuzz/debug/wasmhost-fuzz --libfuzzer -max_total_time="$SECONDS_BUDGET" \
      -timeout=20 -rss_limit_mb=4096 -max_len=1048576 -fork=1 -ignore_crashes=1 -ignore_timeouts=1 \
      -artifact_prefix="$CRASHES/libfuzzer-" -print_final_stats=1 "$CORPUS" 2>&1 | tee "$LOG"
    STATUS=${PIPESTATUS[0]}
    set -e
    echo "fuzz: libFuzzer corpus kept in $CORPUS"
    [ "$STATUS" -eq 0 ] && echo "fuzz: PASS" || { echo "fuzz: FAIL (libFuzzer exit $STATUS; artifacts in $CRASHES)"; exit 1; }
    ;;
  differential)
    BIN="$(build)"
    set +e
    "$BIN" --root "$REPO" --crash-dir "$CRASHES" --differential --seconds "${2:-40}" --seed "${3:-1}" 2>&1 | tee "$LOG"
    STATUS=${PIPESTATUS[0]}
    set -e
    if [ "$STATUS" -gt 1 ] && [ -f "$CRASHES/differential-inflight.wasm" ]; then
      echo "fuzz-differential: wasmhost-fuzz died (status $STATUS) on $CRASHES/differential-inflight.wasm"
    fi
    [ "$STATUS" -eq 0 ] && echo "fuzz-differential: PASS" || { echo "fuzz-differential: FAIL (disagreements saved in $CRASHES)"; exit 1; }
    ;;
  *[!0-9]*|"")
    echo "usage: $0 replay | SECONDS | libfuzzer SECONDS | differential SECONDS [SEED]" >&2; exit 2 ;;
  *)
    BIN="$(build)"
    set +e
    "$BIN" --root "$REPO" --crash-dir "$CRASHES" --seconds "$MODE" --spec "${FUZZ_SPEC:-400}" \
      ${FUZZ_SEED:+--seed "$FUZZ_SEED"} 2>&1 | tee "$LOG"
    STATUS=${PIPESTATUS[0]}
    set -e
    judge "$LOG" "$STATUS"
    ;;
esac
