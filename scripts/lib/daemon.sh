# Shared by the shell tools that need a daemon of their own (source it).
#
#   wasmhost_start BIN WORK LABEL [VAR=VALUE ...]
#       Starts `BIN serve` on 127.0.0.1:0 with its data in WORK/data and WORK as its
#       working directory (so no config file applies), without WASMHOST_TOKEN and
#       with the given settings. stdout goes to WORK/stdout, stderr to
#       $DAEMON_STDERR (default WORK/daemon.log). Sets WASMHOST_PID, WASMHOST_PORT
#       and WASMHOST_BASE; exits 1, naming LABEL, if it dies or names no port in 30 s.
#   wasmhost_stop_on_exit WORK [KEEP]
#       On exit (or INT/TERM), stops the daemon started by wasmhost_start and removes
#       WORK unless KEEP is non-empty.
#   wasmhost_upload_examples BASE FILE:NAME ...
#       Uploads examples/modules/FILE.wat under NAME.

WASMHOST_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

wasmhost_start() {
  local bin=$1 work=$2 label=$3; shift 3
  local stderr="${DAEMON_STDERR:-$work/daemon.log}"
  (cd "$work" && exec env -u WASMHOST_TOKEN "$@" "$bin" serve --listen 127.0.0.1:0 --data-dir "$work/data" \
    >"$work/stdout" 2>"$stderr") &
  WASMHOST_PID=$!
  WASMHOST_PORT=""
  for _ in $(seq 1 300); do
    WASMHOST_PORT="$(sed -n 's/^wasmhost listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/stdout" 2>/dev/null || true)"
    [ -n "$WASMHOST_PORT" ] && break
    kill -0 "$WASMHOST_PID" 2>/dev/null || { echo "$label: daemon exited at start"; cat "$stderr"; exit 1; }
    sleep 0.1
  done
  [ -n "$WASMHOST_PORT" ] || { echo "$label: daemon did not report its port"; exit 1; }
  WASMHOST_BASE="http://127.0.0.1:$WASMHOST_PORT"
}

wasmhost_stop_on_exit() {
  WASMHOST_WORK=$1 WASMHOST_KEEP=${2:-}
  trap wasmhost_stop EXIT INT TERM
}

wasmhost_stop() {
  if [ -n "${WASMHOST_PID:-}" ] && kill -0 "$WASMHOST_PID" 2>/dev/null; then kill "$WASMHOST_PID" 2>/dev/null || true; fi
  wait 2>/dev/null || true
  [ -n "$WASMHOST_KEEP" ] || rm -rf "$WASMHOST_WORK"
}

wasmhost_upload_examples() {
  local base=$1 module; shift
  for module in "$@"; do
    curl -fsS -o /dev/null --data-binary "@$WASMHOST_REPO/examples/modules/${module%%:*}.wat" \
      "$base/v1/modules?name=${module##*:}"
  done
}
