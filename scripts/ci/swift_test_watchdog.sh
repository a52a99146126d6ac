#!/bin/bash
# Runs `swift test --skip-build` for one engine under a watchdog.
#
# One full run of the suite once hung (test process idle, hundreds of threads,
# never reproduced in 12 later loops). If a run goes past the limit, this prints
# every thread's stack of the test process (gdb, when installed) so the hang can
# be diagnosed from the CI log, kills it, and runs the suite once more. A test
# that fails is never retried: only a run that stops making progress is.
#
# Usage: swift_test_watchdog.sh ENGINE [LIMIT_SECONDS]
set -u
engine=$1
limit=${2:-900}
swift=${SWIFT:-swift}

# Every process below $1 (children first found through /proc).
descendants() {
  local child
  for child in $(pgrep -P "$1"); do
    echo "$child"
    descendants "$child"
  done
}

run_once() {
  WASMHOST_SANDBOX_ENGINE=$engine $swift test --skip-build &
  local pid=$! waited=0
  while kill -0 "$pid" 2>/dev/null; do
    sleep 5
    waited=$((waited + 5))
    if [ "$waited" -ge "$limit" ]; then
      echo "!! swift test (engine $engine) made no exit after ${limit}s: dumping stacks, then retrying once" >&2
      for tp in $(descendants "$pid"); do
        echo "!! threads of test process $tp: $(ls /proc/$tp/task 2>/dev/null | wc -l)" >&2
        if command -v gdb >/dev/null; then
          gdb -p "$tp" -batch -ex "thread apply all bt 12" 2>/dev/null | grep -E "^Thread|^#" | head -400 >&2
        fi
        kill -9 "$tp" 2>/dev/null
      done
      kill -9 "$pid" 2>/dev/null
      wait "$pid" 2>/dev/null
      return 124
    fi
  done
  wait "$pid"
}

run_once
status=$?
if [ "$status" -eq 124 ]; then
  run_once
  status=$?
fi
exit "$status"
