# Shared by the example scripts in this directory; source it, do not run it.
#
#   WASMHOST_URL    base URL of the daemon (default http://127.0.0.1:8080)
#   WASMHOST_TOKEN  when set, sent as "Authorization: Bearer $WASMHOST_TOKEN"
#
# wh_request EXPECTED METHOD PATH [CURL_ARGS...]
#   Sends the request, prints the answer's body on stdout (pretty-printed with jq
#   when stdout is a terminal and jq is installed) and a "# METHOD PATH -> STATUS"
#   line on stderr. EXPECTED is a space-separated list of acceptable statuses
#   ("200 201"); any other status prints the problem on stderr and exits 1.
#   The status is left in WH_STATUS.

WASMHOST_URL="${WASMHOST_URL:-http://127.0.0.1:8080}"
WASMHOST_URL="${WASMHOST_URL%/}"

# The examples/ directory, so that default module paths work from any cwd.
WH_EXAMPLES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WH_MODULES_DIR="$WH_EXAMPLES_DIR/modules"

wh_auth=()
if [[ -n "${WASMHOST_TOKEN:-}" ]]; then
  wh_auth=(-H "Authorization: Bearer $WASMHOST_TOKEN")
fi

wh_die() {
  echo "$(basename "$0"): error: $*" >&2
  exit 1
}

# Percent-encodes one path segment or query value.
wh_urlencode() {
  local LC_ALL=C s="$1" out="" c i
  for ((i = 0; i < ${#s}; i++)); do
    c="${s:i:1}"
    case "$c" in
      [a-zA-Z0-9._~-]) out+="$c" ;;
      *) out+="$(printf '%%%02X' "'$c")" ;;
    esac
  done
  printf '%s' "$out"
}

wh_print() {
  if [[ -t 1 ]] && command -v jq >/dev/null 2>&1 && jq . "$1" 2>/dev/null; then
    return 0
  fi
  cat "$1"
  # end with a newline when the body does not
  if [[ -s "$1" && "$(tail -c 1 "$1" | od -An -c | tr -d ' ')" != '\n' ]]; then echo; fi
}

wh_request() {
  local expect="$1" method="$2" path="$3"
  shift 3
  local body
  body="$(mktemp)"
  if ! WH_STATUS="$(curl -sS -o "$body" -w '%{http_code}' -X "$method" \
      ${wh_auth[@]+"${wh_auth[@]}"} "$@" "$WASMHOST_URL$path")"; then
    rm -f "$body"
    wh_die "$method $WASMHOST_URL$path: curl failed (is the daemon running? set WASMHOST_URL)"
  fi
  echo "# $method $path -> $WH_STATUS" >&2
  if [[ " $expect " != *" $WH_STATUS "* ]]; then
    echo "$(basename "$0"): error: $method $path: expected HTTP ${expect// / or }, got $WH_STATUS" >&2
    cat "$body" >&2
    echo >&2
    rm -f "$body"
    exit 1
  fi
  wh_print "$body"
  rm -f "$body"
}
