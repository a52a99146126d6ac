#!/usr/bin/env bash
# `make bench`: one run of every wasmhost benchmark, printed as markdown and
# written to BENCHMARKS.md.
#
#   0. both engines side by side, with issue 12's targets: in-process rows
#      (wasmhost-bench --engines) and daemon rows (scripts/bench/engines_http.py:
#      HTTP fib, a runaway guest's 504, RSS and restart with 1,000 modules),
#      alternating engines round by round so both see the same load;
#   1. in-process (release wasmhost-bench): production invoke path, warm calls,
#      host crossings, WASI, bounds-checking modes, a ~100 KB C module;
#   2. HTTP (release daemon + wrk): /healthz and invoke throughput and latency,
#      /healthz latency while guests burn CPU;
#   3. daemon RSS after 10k / 1M invocations and 1,000 distinct modules;
#   4. libmicrohttpd threading models side by side (scripts/bench/mhd_threading.c);
#   5. callgrind: where the instructions of one add invocation go (and of a
#      host-crossing chain and a WASI start, recycled);
#   6. context switches and system calls per invocation (perf stat, strace).
#
# Sections 1, 5 and 6 profile the WasmKit engine (instance recycling is WasmKit's);
# sections 2 and 3 run the default daemon (Wasmtime). Runs in about 6 minutes after the build. Needs wrk, gcc, curl, python3,
# valgrind (installed with apt-get when missing); perf and strace are optional.
# Builds with --scratch-path .build-bench so it never waits on .build's lock.
# Everything listens on 127.0.0.1 only and every process started here is
# stopped on exit. Environment: BENCH_DURATION (wrk seconds, default 10),
# BENCH_SCALE (in-process iteration factor, default 1), BENCH_OUT (default
# BENCHMARKS.md), BENCH_CALLGRIND=0 to skip the profile.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SCRATCH=.build-bench
DURATION=${BENCH_DURATION:-10}
SCALE=${BENCH_SCALE:-1}
OUT=${BENCH_OUT:-BENCHMARKS.md}
WORK=$(mktemp -d /tmp/wasmhost-bench.XXXXXX)
REPORT=$WORK/report.md
PIDS=()

cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
say() { printf '%s\n' "$*" >>"$REPORT"; }

# ---------------------------------------------------------------- tools
need() { # need COMMAND PACKAGE
    command -v "$1" >/dev/null 2>&1 && return 0
    log "installing $2"
    if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq; APT_UPDATED=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
}
need wrk wrk
need gcc gcc
need curl curl
need python3 python3
[ "${BENCH_CALLGRIND:-1}" = 0 ] || need valgrind valgrind
need pkg-config pkg-config
if ! pkg-config --exists libmicrohttpd; then
    [ -n "${APT_UPDATED:-}" ] || apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libmicrohttpd-dev >/dev/null
fi

# ---------------------------------------------------------------- build
log "release build (first time: several minutes)"
swift build -c release --scratch-path "$SCRATCH" --product wasmhost-bench >&2
swift build -c release --scratch-path "$SCRATCH" --product wasmhost >&2
BIN=$ROOT/$SCRATCH/release
gcc -O2 -Wall -o "$WORK/mhd_threading" scripts/bench/mhd_threading.c -lmicrohttpd
STARTED=$SECONDS

# ---------------------------------------------------------------- helpers
DAEMON_PID=
DAEMON_PORT=
start_daemon() { # start_daemon NAME [ENV=VALUE...]: a fresh daemon on an ephemeral port
    local name=$1; shift
    mkdir -p "$WORK/$name"
    # Logs go to a real file, as in production: writing them is part of the cost.
    env "$@" "$BIN/wasmhost" serve --listen 127.0.0.1:0 --data-dir "$WORK/$name/data" \
        >"$WORK/$name/stdout" 2>"$WORK/$name/daemon.log" &
    DAEMON_PID=$!
    PIDS+=("$DAEMON_PID")
    wait_for_port "$WORK/$name/stdout" "wasmhost listening on"
    DAEMON_PORT=$PORT
}
PORT=
wait_for_port() { # wait_for_port FILE PREFIX: sets PORT from "PREFIX 127.0.0.1:PORT"
    local i
    for i in $(seq 1 200); do
        PORT=$(sed -n "s/^$2 127\.0\.0\.1:\([0-9]*\)$/\1/p" "$1" | head -1)
        [ -n "$PORT" ] && return 0
        sleep 0.05
    done
    log "no '$2' line in $1"; exit 1
}
stop_pid() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
hwm_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
upload() { # upload PORT FILE -> module id
    curl -sf --data-binary @"$2" "http://127.0.0.1:$1/v1/modules" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'
}
# Invoke requests the daemon answered, from its own counter (exact, unlike a killed wrk).
invocations() {
    curl -sf "http://127.0.0.1:$1/metrics" |
        awk '/^wasmhost_http_requests_total\{/ && /invoke/ {n += $NF} END {printf "%d", n}'
}
pool_hits() { # instance pool hits so far (proves which sandbox path a daemon took)
    curl -sf "http://127.0.0.1:$1/metrics" |
        awk '/^wasmhost_instance_pool_hits_total/ {n += $NF} END {printf "%d", n}'
}
failed_invocations() {
    curl -sf "http://127.0.0.1:$1/metrics" |
        awk '/^wasmhost_http_requests_total\{/ && /invoke/ && !/status="200"/ {n += $NF} END {printf "%d", n}'
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # utime + stime, in clock ticks
TICK_US=$(( 1000000 / $(getconf CLK_TCK) ))
# run_wrk NAME ARGS...: runs wrk --latency, keeps its output in $WORK/NAME.wrk and,
# when SERVER_PID is set, the server's CPU time during the run in $WORK/NAME.cpu (µs).
SERVER_PID=
run_wrk() {
    local name=$1; shift
    local before=0
    [ -n "$SERVER_PID" ] && before=$(cpu_ticks "$SERVER_PID")
    wrk --latency "$@" >"$WORK/$name.wrk" 2>&1 || { cat "$WORK/$name.wrk" >&2; exit 1; }
    [ -n "$SERVER_PID" ] && echo $(( ($(cpu_ticks "$SERVER_PID") - before) * TICK_US )) >"$WORK/$name.cpu"
    return 0
}
# Server CPU µs per request during a wrk run ("n/a" without a SERVER_PID).
wrk_cpu() {
    [ -f "$WORK/$1.cpu" ] || { echo n/a; return; }
    awk -v us="$(cat "$WORK/$1.cpu")" -v n="$(wrk_total "$1")" 'BEGIN { printf "%.1f µs", us / n }'
}
wrk_rps() { awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$WORK/$1.wrk"; }
wrk_pct() { awk -v p="$2%" '$1 == p {print $2}' "$WORK/$1.wrk"; }
wrk_total() { awk '/requests in/ {print $1}' "$WORK/$1.wrk"; }
wrk_bad() { # non-2xx responses and socket errors, or "0"
    awk '/Non-2xx/ {n += $NF} /Socket errors/ {gsub(",", ""); n += $4 + $6 + $8 + $10} END {print n + 0}' "$WORK/$1.wrk"
}

hogs=()
start_hogs() { # two busy threads (one per core on this machine)
    local i
    for i in 1 2; do
        bash -c 'while :; do :; done' &
        hogs+=($!); PIDS+=($!)
    done
}
stop_hogs() { local pid; for pid in "${hogs[@]}"; do stop_pid "$pid"; done; hogs=(); }

# ---------------------------------------------------------------- header
CPU=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
: >"$REPORT"
say "# wasmhost benchmarks"
say ""
say "Generated by \`make bench\` (scripts/bench.sh); numbers from one run."
say ""
say "| | |"
say "|---|---|"
say "| date | $(date -u '+%Y-%m-%d %H:%M UTC') |"
say "| machine | $(nproc) × $(uname -m), ${CPU:-unknown CPU}, $(awk '/^MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM |"
say "| kernel | $(uname -r) |"
say "| toolchain | $(swift --version 2>&1 | head -1), libmicrohttpd $(pkg-config --modversion libmicrohttpd), $(wrk -v 2>&1 | head -1 | awk '{print $1, $2}') |"
say "| load average at start | $(cut -d' ' -f1-3 /proc/loadavg) |"
say "| build | \`swift build -c release --scratch-path $SCRATCH\` |"
say ""
say "The client (wrk, python) shares the machine's $(nproc) cores with the daemon: treat"
say "HTTP numbers as ratios between rows of the same run, not as capacity."
say ""

# ---------------------------------------------------------------- 0. engines side by side
log "0. engines side by side (in-process)"
"$BIN/wasmhost-bench" --engines --root "$ROOT" --scale "$SCALE" >"$WORK/engines-inprocess.tsv"
log "0. engines side by side (daemons: HTTP fib, runaway guests, RSS, restart)"
python3 scripts/bench/engines_http.py --binary "$BIN/wasmhost" --work "$WORK/engines" --duration "$DURATION" \
    >"$WORK/engines-http.tsv"
say "## 0. WasmKit and Wasmtime side by side (issue 12)"
say ""
say "Same run, same load: every row measures both engines in alternating rounds (in-process: 3 rounds,"
say "median of all samples; HTTP: 2 wrk rounds of ${DURATION} s each, median; runaway: 4 rounds of 50 tries)."
say "In-process rows go through \`Invoker.run\` with a new store and instance per invocation on both"
say "engines (\`sandbox.recycle_instances: false\`; WasmKit's recycled instances are in section 1)."
say "Daemon rows: one release daemon per engine, both running, logging to a file, fuel raised so that the"
say "deadline stops \`spin\`; 1,000 modules are add plus a different constant (scripts/bench/modules_rss.py)."
say ""
python3 scripts/bench/engines_table.py "$WORK/engines-inprocess.tsv" "$WORK/engines-http.tsv" >>"$REPORT"
say ""

log "0b. components over HTTP (issue 13)"
start_daemon components WASMHOST_SANDBOX_ENGINE=wasmtime
say "### Components over HTTP (issue 13; release daemon on Wasmtime, logging to a file)"
say ""
say "The in-process call is the \`component greet\` row above. \`duration_us\` includes the hand-off to a worker."
say ""
python3 scripts/bench/components.py "http://127.0.0.1:$DAEMON_PORT" --seconds "$DURATION" >>"$REPORT"
say ""
stop_pid "$DAEMON_PID"

# ---------------------------------------------------------------- 1. in-process
# Sections 1, 5 and 6 profile WasmKit, whose instance recycling they measure.
export WASMHOST_SANDBOX_ENGINE=wasmkit
log "1. in-process (wasmhost-bench)"
say "## 1. In-process on WasmKit (release \`wasmhost-bench\`)"
say ""
say "One thread with an 8 MiB stack (the worker threads' size); every sample timed on its own."
say "\`Invoker.run\` is the production path (watchdog registration, fuel, reentrancy guard,"
say "imports, call, result), measured both with a new \`Store\` + instance per invocation"
say "(\`recycleInstances: false\`) and with the default instance pool (\`-r\` rows). WasmKit rows"
say "call WasmKit directly with the sandbox's engine configuration (lazy translation, fuel"
say "metering, software bounds checks, 512 KiB interpreter stack) unless the row names"
say "another bounds-checking mode. No metrics backend; logging is a no-op handler."
say ""
"$BIN/wasmhost-bench" --root "$ROOT" --scale "$SCALE" >>"$REPORT"
say ""

# ---------------------------------------------------------------- 3. RSS (fresh daemon first)
# Sections 2 and 3: the daemon as users run it, on its default engine.
unset WASMHOST_SANDBOX_ENGINE
log "3. RSS of a fresh daemon"
start_daemon rss
RSS_PID=$DAEMON_PID
RSS_PORT=$DAEMON_PORT
RSS_START=$(rss_kib "$RSS_PID")
ADD_ID=$(upload "$RSS_PORT" examples/modules/add.wat)
RSS_UPLOADED=$(rss_kib "$RSS_PID")
INVOKE_URL="http://127.0.0.1:$RSS_PORT/v1/modules/$ADD_ID/invoke/add"
bounded_to() { # bounded_to TOTAL: invoke add until the daemon has answered at least TOTAL invocations
    local done_so_far
    while done_so_far=$(invocations "$RSS_PORT"); [ "$done_so_far" -lt "$1" ]; do
        wrk -t2 -c32 -d300s -s scripts/bench/bounded.lua "$INVOKE_URL" -- $(( ($1 - done_so_far + 1) / 2 )) \
            >"$WORK/bounded.out" 2>&1 || { cat "$WORK/bounded.out" >&2; exit 1; }
        sleep 0.3 # answers in flight when wrk exited are counted too
    done
}
bounded_to 10000
RSS_10K=$(rss_kib "$RSS_PID"); N_10K=$(invocations "$RSS_PORT")
bounded_to 1000000
RSS_1M=$(rss_kib "$RSS_PID"); N_1M=$(invocations "$RSS_PORT")
BAD_RSS=$(failed_invocations "$RSS_PORT")
MODULES_LINE=$(python3 scripts/bench/modules_rss.py "$RSS_PORT" 1000)
RSS_MODULES=$(rss_kib "$RSS_PID")
HWM=$(hwm_kib "$RSS_PID")
stop_pid "$RSS_PID"

# ---------------------------------------------------------------- 2. HTTP
log "2. HTTP throughput and latency"
# Fuel is raised server-wide only so that one request can burn CPU for its full
# 2 s deadline; add uses 4 units either way.
start_daemon http WASMHOST_LIMITS_FUEL=100000000000
HTTP_PID=$DAEMON_PID
HP=$DAEMON_PORT
ADD_ID=$(upload "$HP" examples/modules/add.wat)
TRAP_ID=$(upload "$HP" examples/modules/trap.wat)
curl -sf -d '{"args":[1,2]}' "http://127.0.0.1:$HP/v1/modules/$ADD_ID/invoke/add" | grep -q '"results":\[3\]'
SERVER_PID=$HTTP_PID
run_wrk hz32 -t2 -c32 -d"${DURATION}s" "http://127.0.0.1:$HP/healthz"
run_wrk hz64 -t2 -c64 -d"${DURATION}s" "http://127.0.0.1:$HP/healthz"
run_wrk inv32 -t2 -c32 -d"${DURATION}s" -s scripts/bench/invoke.lua "http://127.0.0.1:$HP/v1/modules/$ADD_ID/invoke/add"
HITS_DEFAULT=$(pool_hits "$HP")
log "2b. /healthz while guests spin"
python3 scripts/bench/spin_healthz.py "$HP" "/v1/modules/$TRAP_ID/invoke/spin" >"$WORK/spin.md"
log "4a. wasmhost /healthz under a 2-thread CPU hog"
start_hogs
run_wrk hzhog -t2 -c64 -d"${DURATION}s" "http://127.0.0.1:$HP/healthz"
stop_hogs
stop_pid "$HTTP_PID"
log "2c. variants: instance recycling off; request logging off"
start_daemon fresh WASMHOST_SANDBOX_RECYCLE_INSTANCES=false
SERVER_PID=$DAEMON_PID
ADD_ID=$(upload "$DAEMON_PORT" examples/modules/add.wat)
run_wrk inv32fresh -t2 -c32 -d"${DURATION}s" -s scripts/bench/invoke.lua "http://127.0.0.1:$DAEMON_PORT/v1/modules/$ADD_ID/invoke/add"
HITS_FRESH=$(pool_hits "$DAEMON_PORT")
stop_pid "$DAEMON_PID"
start_daemon quiet WASMHOST_LOG_LEVEL=warning
SERVER_PID=$DAEMON_PID
ADD_ID=$(upload "$DAEMON_PORT" examples/modules/add.wat)
run_wrk hz32quiet -t2 -c32 -d"${DURATION}s" "http://127.0.0.1:$DAEMON_PORT/healthz"
run_wrk inv32quiet -t2 -c32 -d"${DURATION}s" -s scripts/bench/invoke.lua "http://127.0.0.1:$DAEMON_PORT/v1/modules/$ADD_ID/invoke/add"
stop_pid "$DAEMON_PID"
SERVER_PID=
# The bare libmicrohttpd server in the same run, same wrk settings: the ceiling for /healthz.
"$WORK/mhd_threading" pool 0 >"$WORK/mhd32.out" &
MHD_PID=$!
PIDS+=("$MHD_PID")
wait_for_port "$WORK/mhd32.out" "listening on"
SERVER_PID=$MHD_PID
run_wrk mhd32 -t2 -c32 -d"${DURATION}s" "http://127.0.0.1:$PORT/healthz"
SERVER_PID=
stop_pid "$MHD_PID"
LOG_LINES=$(grep -c 'request' "$WORK/http/daemon.log" || true)

say "## 2. HTTP (release daemon, default configuration: Wasmtime)"
say ""
say "\`wrk -t2 --latency -d${DURATION}s\`, one keep-alive connection per wrk connection; invoke is"
say "\`POST /v1/modules/{id}/invoke/add\` with \`{\"args\":[1,2]}\` (scripts/bench/invoke.lua)."
say ""
say "Daemon CPU / request = the daemon's utime + stime during the run (/proc/PID/stat)"
say "divided by the requests wrk completed."
say ""
say "| endpoint | daemon | connections | requests/s | daemon CPU / request | p50 | p75 | p90 | p99 | errors (non-2xx + socket) |"
say "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
http_row() { # http_row RUN LABEL DAEMON CONNECTIONS
    say "| $2 | $3 | $4 | $(wrk_rps "$1") | $(wrk_cpu "$1") | $(wrk_pct "$1" 50) | $(wrk_pct "$1" 75) | $(wrk_pct "$1" 90) | $(wrk_pct "$1" 99) | $(wrk_bad "$1") |"
}
http_row hz32 "GET /healthz" default 32
http_row hz64 "GET /healthz" default 64
http_row inv32 "POST …/invoke/add" default 32
http_row inv32fresh "POST …/invoke/add" "\`sandbox.recycle_instances: false\`" 32
http_row hz32quiet "GET /healthz" "\`log.level: warning\` (no per-request log line)" 32
http_row inv32quiet "POST …/invoke/add" "\`log.level: warning\`" 32
http_row mhd32 "GET /healthz" "bare libmicrohttpd (scripts/bench/mhd_threading.c pool)" 32
say ""
say "The default daemon logged to a file: $LOG_LINES request lines (\`log.level: info\`, written in batches)."
say ""
BARE=$(awk -v a="$(wrk_rps hz32)" -v b="$(wrk_rps mhd32)" 'BEGIN { printf "%.2f", a / b }')
say "**/healthz at \`log.level: info\` / bare libmicrohttpd requests/s at 32 connections: $BARE**"
say ""
say "Instance pool hits (\`wasmhost_instance_pool_hits_total\`): $HITS_DEFAULT on the default daemon, $HITS_FRESH with recycling off."
say ""
RATIO=$(awk -v a="$(wrk_rps inv32)" -v b="$(wrk_rps hz32)" 'BEGIN { printf "%.2f", a / b }')
say "**invoke / healthz requests/s at 32 connections: $RATIO**"
say ""
to_us() { awk -v t="$1" 'BEGIN { v = t + 0; if (t ~ /ms$/) v *= 1000; else if (t ~ /[0-9]s$/) v *= 1000000; printf "%.1f", v }'; }
TAIL=$(awk -v a="$(to_us "$(wrk_pct inv32 99)")" -v b="$(to_us "$(wrk_pct inv32 50)")" 'BEGIN { printf "%.2f", a / b }')
say "**invoke add at 32 connections: p99 / p50 = $TAIL**"
say ""
say "### /healthz while guests burn CPU"
say ""
say "\`spin\` from examples/modules/trap.wat with \`{\"timeout_ms\":2000,\"fuel\":100000000000}\`"
say "(daemon started with \`WASMHOST_LIMITS_FUEL=100000000000\` so the deadline, not fuel, stops it);"
say "/healthz timed from python on a keep-alive connection and on a new connection per"
say "request, alternating, for as long as the spins run. 2 workers (= cores) by default."
say ""
cat "$WORK/spin.md" >>"$REPORT"
say ""

say "## 3. Daemon memory, default engine (VmRSS from /proc/PID/status)"
say ""
say "A fresh daemon; invocations of add with \`wrk -t2 -c32\` and scripts/bench/bounded.lua"
say "(counts from the daemon's \`wasmhost_http_requests_total\`),"
say "then 1,000 distinct modules (add plus a different constant) uploaded and invoked once"
say "each (scripts/bench/modules_rss.py: $MODULES_LINE)."
say ""
say "| point | invocations so far | VmRSS |"
say "|---|---:|---:|"
say "| started, empty store | 0 | $(mib "$RSS_START") |"
say "| add uploaded | 0 | $(mib "$RSS_UPLOADED") |"
say "| after ~10,000 invocations | $N_10K | $(mib "$RSS_10K") |"
say "| after ~1,000,000 invocations | $N_1M | $(mib "$RSS_1M") |"
say "| + 1,000 distinct modules, each invoked once | $(( N_1M + 1000 )) | $(mib "$RSS_MODULES") |"
say "| peak (VmHWM) | | $(mib "$HWM") |"
say ""
say "Invoke answers other than 200 during the runs: $BAD_RSS."
say ""

# ---------------------------------------------------------------- 4. threading models
log "4. libmicrohttpd threading models"
mhd_run() { # mhd_run MODE NAME [hog]
    "$WORK/mhd_threading" "$1" 0 >"$WORK/$2.out" &
    local pid=$!
    PIDS+=("$pid")
    wait_for_port "$WORK/$2.out" "listening on"
    if [ "${3:-}" = hog ]; then start_hogs; fi
    SERVER_PID=$pid
    run_wrk "$2" -t2 -c64 -d"${DURATION}s" "http://127.0.0.1:$PORT/healthz"
    SERVER_PID=
    if [ "${3:-}" = hog ]; then stop_hogs; fi
    stop_pid "$pid"
}
mhd_run pool mhd_pool
mhd_run tpc mhd_tpc
mhd_run pool mhd_pool_hog hog
mhd_run tpc mhd_tpc_hog hog

say "## 4. Threading model: epoll + thread pool vs thread per connection"
say ""
say "scripts/bench/mhd_threading.c answers a fixed \`{\"status\":\"ok\"}\` with libmicrohttpd in"
say "either model (same per-request work as wasmhost: copy the body, add one header);"
say "\`wrk -t2 -c64 -d${DURATION}s\` on /healthz. \"+ CPU hog\" runs two busy-looping"
say "processes (one per core) during the measurement. wasmhost's own /healthz (epoll, 2"
say "event threads) is shown for reference."
say ""
say "| server | CPU hog | requests/s | server CPU / request | p50 | p99 | errors |"
say "|---|---|---:|---:|---:|---:|---:|"
tm_row() { # tm_row RUN LABEL HOG
    say "| $2 | $3 | $(wrk_rps "$1") | $(wrk_cpu "$1") | $(wrk_pct "$1" 50) | $(wrk_pct "$1" 99) | $(wrk_bad "$1") |"
}
tm_row mhd_pool "epoll + pool of 2 (\`MHD_USE_EPOLL_INTERNAL_THREAD\`, chosen)" no
tm_row mhd_tpc "thread per connection (\`MHD_USE_THREAD_PER_CONNECTION\`)" no
tm_row mhd_pool_hog "epoll + pool of 2" "2 busy loops"
tm_row mhd_tpc_hog "thread per connection" "2 busy loops"
EVENT_THREADS=$(( $(nproc) / 2 > 0 ? $(nproc) / 2 : 1 ))
tm_row hz64 "wasmhost /healthz (epoll, $EVENT_THREADS event thread(s): the default, half the cores)" no
tm_row hzhog "wasmhost /healthz" "2 busy loops"
say ""
TM=$(awk -v a="$(wrk_rps mhd_pool)" -v b="$(wrk_rps mhd_tpc)" 'BEGIN { printf "%.2f", a / b }')
TMH=$(awk -v a="$(wrk_rps mhd_pool_hog)" -v b="$(wrk_rps mhd_tpc_hog)" 'BEGIN { printf "%.2f", a / b }')
say "**epoll pool / thread-per-connection requests/s: $TM idle, $TMH under the CPU hog.**"
say ""

# ---------------------------------------------------------------- 5. callgrind
# Valgrind 3.19 cannot read the DWARF 5 that Swift's clang emits: profile a copy
# without debug info (the symbol table is enough for function names).
profile_add() { # profile_add NAME [wasmhost-bench flags]: PROFILE_N invocations under callgrind
    local name=$1; shift
    valgrind --tool=callgrind --callgrind-out-file="$WORK/$name.cg" \
        --toggle-collect=wasmhost_bench_profile_loop \
        "$WORK/wasmhost-bench" --root "$ROOT" --profile "$PROFILE_N" "$@" >/dev/null 2>"$WORK/$name.log" ||
        { tail -20 "$WORK/$name.log" >&2; exit 1; }
    callgrind_annotate --inclusive=no --threshold=100 "$WORK/$name.cg" 2>/dev/null |
        swift demangle --simplified >"$WORK/$name.self"
    callgrind_annotate --inclusive=yes --threshold=100 "$WORK/$name.cg" 2>/dev/null |
        swift demangle --simplified >"$WORK/$name.incl"
    TOTAL_IR=$(awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1; exit}' "$WORK/$name.self")
}
# Rows "Ir/invocation | share | function | object" from callgrind_annotate lines
# "1,234 (12.34%)  file:function [object]".
callgrind_rows() { # callgrind_rows FILE COUNT [PATTERN]
    awk -v n="$PROFILE_N" -v want="$2" -v pattern="${3:-}" '
        /PROGRAM TOTALS/ { started = 1; next }
        started && /^ *[0-9,]+ +\( *[0-9.]+%\) / && shown < want {
            ir = $1; gsub(",", "", ir)
            pct = $0; sub(/^ *[0-9,]+ +\( */, "", pct); sub(/%\).*/, "%", pct)
            line = $0; sub(/^ *[0-9,]+ +\( *[0-9.]+%\) +/, "", line)
            object = ""
            if (match(line, / \[[^]]*\]$/)) { object = substr(line, RSTART + 2, RLENGTH - 3); line = substr(line, 1, RSTART - 1) }
            sub(/^[^:]*:/, "", line)
            if (pattern != "" && line ~ "\047[0-9]+$") next # recursion-cycle entries (name followed by a quote and 2) have meaningless inclusive costs
            if (pattern != "" && line !~ pattern) next
            n_obj = split(object, parts, "/"); object = parts[n_obj]
            gsub(/\|/, "\\|", line)
            if (length(line) > 150) line = substr(line, 1, 147) "..."
            printf "| %d | %s | `%s` | %s |\n", ir / n, pct, line, object
            shown++
        }' "$1"
}
export WASMHOST_SANDBOX_ENGINE=wasmkit
if [ "${BENCH_CALLGRIND:-1}" != 0 ]; then
    log "5. callgrind of the add path"
    PROFILE_N=2000
    objcopy --strip-debug "$BIN/wasmhost-bench" "$WORK/wasmhost-bench"
    say "## 5. Where the instructions go on WasmKit: \`Invoker.run\` of add(1,2)"
    say ""
    say "\`valgrind --tool=callgrind --toggle-collect=wasmhost_bench_profile_loop\` over $PROFILE_N"
    say "invocations after 100 uncollected ones (\`wasmhost-bench --profile $PROFILE_N\`). Only the"
    say "invoking thread is counted: the watchdog thread that \`Watchdog.watch\` wakes is not."
    for variant in fresh recycled; do
        if [ "$variant" = fresh ]; then profile_add cg_fresh; else profile_add cg_recycled --recycled; fi
        file=$WORK/cg_$variant
        say ""
        say "### $variant instance ($(awk -v t="$TOTAL_IR" -v n="$PROFILE_N" 'BEGIN { printf "%.0f", t / n }') instructions per invocation)"
        say ""
        say "Top 10 functions by self instruction count:"
        say ""
        say "| Ir / invocation | share | function | object |"
        say "|---:|---:|---|---|"
        callgrind_rows "$file.self" 10 >>"$REPORT"
        say ""
        say "Inclusive cost of the steps (a function's callees included; steps overlap):"
        say ""
        say "| Ir / invocation | share | function | object |"
        say "|---:|---:|---|---|"
        callgrind_rows "$file.incl" 14 \
            '^(specialized )?(Invoker\.run|Invoker\.execute|InvocationContext\.(enter|instantiate|init|deinit|close|bind)|Module\.instantiate\(|WasmFunctionEntity\.compile|InstructionTranslator\.translate\(|Execution\.execute|Watchdog\.(watch|release)|NativeStack\.init|ReentrancyGuard\.enter|PooledInstance\.(reset|init)|InstancePool\.(take|giveBack)|Store\.__deallocating_deinit)|^Store\.init' >>"$REPORT"
    done
    say ""
    say "### Host crossings and WASI, recycled instances"
    say ""
    say "The same profile for \`down(60)\` (countdown.wat, 60 \`host.call\` crossings) and the WASI"
    say "hello \`_start\`, 300 invocations each, inclusive cost of the steps that dominate."
    PROFILE_N=300
    for module in countdown hello; do
        profile_add "cg_$module" --recycled --module "$module"
        say ""
        say "**$module** ($(awk -v t="$TOTAL_IR" -v n="$PROFILE_N" 'BEGIN { printf "%.0f", t / n }') instructions per invocation)"
        say ""
        say "| Ir / invocation | share | function | object |"
        say "|---:|---:|---|---|"
        if [ "$module" = countdown ]; then
            pattern='^(ReentrancyGuard\.enter|specialized Sequence<>\.contains|InvocationContext\.host\(|InvocationContext\.enter|CallerMemory\.|specialized static Array<A>\.== )'
        else
            pattern='^(InvocationContext\.(bind|enter)|specialized static WASISupport\.bind|specialized static WASIFunctionTable\.implementations|WASIBridgeToHost\.(hostModules|wasiHostModules)|Dictionary\.merge|Execution\.runDirectThreaded)'
        fi
        callgrind_rows "$WORK/cg_$module.incl" 10 "$pattern" >>"$REPORT"
    done
    say ""
fi

# ---------------------------------------------------------------- 6. kernel-visible costs
log "6. context switches and system calls per invocation"
say "## 6. Context switches and system calls per \`Invoker.run\` (WasmKit)"
say ""
say "\`wasmhost-bench --profile 20000\` (add; plus 100 warm-up calls) under \`perf stat\` and"
say "\`strace -f -c\`, divided by 20,100; the whole process, so the watchdog thread is included."
say ""
say "| instance | task-clock / invocation | context switches / invocation | system calls / invocation (strace, ≥ 0.5) |"
say "|---|---:|---:|---|"
for variant in fresh recycled; do
    flag=; [ "$variant" = recycled ] && flag=--recycled
    clock=n/a; switches=n/a; calls=n/a
    if command -v perf >/dev/null && perf stat -x, -e task-clock,context-switches -o "$WORK/perf.$variant" \
        "$BIN/wasmhost-bench" --profile 20000 $flag >/dev/null 2>&1; then
        clock=$(awk -F, '/task-clock/ {printf "%.1f µs", $1 * 1000 / 20100}' "$WORK/perf.$variant")
        switches=$(awk -F, '/context-switches/ {printf "%.2f", $1 / 20100}' "$WORK/perf.$variant")
    fi
    if command -v strace >/dev/null && strace -f -c -o "$WORK/strace.$variant" \
        "$BIN/wasmhost-bench" --profile 20000 $flag >/dev/null 2>&1; then
        # Columns: % time, seconds, usecs/call, calls, [errors,] syscall.
        calls=$(awk '$1 ~ /^[0-9.]+$/ && $NF != "total" && $4 / 20100 >= 0.5 {
                     printf "%s%s %.2f", sep, $NF, $4 / 20100; sep = ", " }' "$WORK/strace.$variant")
    fi
    say "| $variant | $clock | $switches | ${calls:-none} |"
done
say ""

say "---"
say "Total wall time of the run (excluding the build): $((SECONDS - STARTED)) s; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
cp "$REPORT" "$OUT"
cat "$REPORT"
log "written to $OUT"
