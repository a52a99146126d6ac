#!/usr/bin/env bash
# Checks the deploy files, non-interactively; exits non-zero on any problem.
#
#   1. deploy/wasmhost.service passes `systemd-analyze verify` with no warning
#      about it (warnings such as an unknown key do not change verify's exit
#      status, so its output is checked too).
#   2. Every YAML file in deploy/k8s and deploy/k8s/scale-out parses (PyYAML)
#      and each document is a Kubernetes object with apiVersion, kind and
#      metadata.name; then each is validated against the Kubernetes 1.37 JSON
#      schemas, strictly (unknown fields fail), by kubernetes-validate (PyPI,
#      pinned below; it ships the schemas, so no network is needed to check).
#   3. `ldd` of the built wasmhost (.build/release, else .build/debug) resolves
#      every shared library, libwasmtime.so included.
#   4. Sources/Service/Resources/openapi.json parses as JSON and declares
#      OpenAPI 3.1; when openapi-spec-validator is installed it must pass too.
#
# Installs what is missing (systemd, python3, PyYAML) with apt-get, so it is
# meant to run as root (or with passwordless sudo) on Debian/Ubuntu, e.g. CI:
#   bash deploy/verify.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
unit="$here/wasmhost.service"
k8s="$here/k8s"
openapi="$repo/Sources/Service/Resources/openapi.json"

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
ok() { echo "ok:   $*"; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo -n "$@"
    else
        echo "verify.sh: need root to run: $*" >&2
        return 1
    fi
}

apt_updated=no
apt_install() {
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "verify.sh: apt-get not found; install $* by hand" >&2
        return 1
    fi
    if [ "$apt_updated" = no ]; then
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        apt_updated=yes
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# --- tools -----------------------------------------------------------------

if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "installing systemd (for systemd-analyze)"
    apt_install systemd
fi
if ! command -v python3 >/dev/null 2>&1; then
    echo "installing python3"
    apt_install python3
fi
have_yaml() { python3 -c 'import yaml' >/dev/null 2>&1; }
if ! have_yaml; then
    # Debian's package first (pip refuses to touch the system Python on
    # bookworm, PEP 668); pip when the python3 on PATH is another one.
    echo "installing PyYAML (python3-yaml)"
    apt_install python3-yaml || true
fi
if ! have_yaml; then
    echo "installing PyYAML (pip)"
    python3 -m pip install --quiet pyyaml 2>/dev/null \
        || python3 -m pip install --quiet --break-system-packages pyyaml \
        || true
fi
have_yaml || { echo "verify.sh: PyYAML could not be installed" >&2; exit 1; }
validator_version=1.37.0
have_validator() { python3 -c 'import kubernetes_validate' >/dev/null 2>&1; }
if ! have_validator; then
    echo "installing kubernetes-validate $validator_version (pip)"
    python3 -m pip install --quiet "kubernetes-validate==$validator_version" 2>/dev/null \
        || python3 -m pip install --quiet --break-system-packages "kubernetes-validate==$validator_version" \
        || true
fi
have_validator || { echo "verify.sh: kubernetes-validate could not be installed" >&2; exit 1; }

# --- 1. systemd unit -------------------------------------------------------

# `systemd-analyze verify` refuses a unit whose ExecStart binary does not
# exist. The unit must keep its real path, so when /usr/local/bin/wasmhost is
# absent a stub is put there for the check and removed afterwards.
binary=/usr/local/bin/wasmhost
stub=no
cleanup() {
    if [ "$stub" = yes ]; then as_root rm -f "$binary" || true; fi
}
trap cleanup EXIT
if [ ! -e "$binary" ]; then
    as_root mkdir -p "$(dirname "$binary")"
    printf '#!/bin/sh\nexit 0\n' | as_root tee "$binary" >/dev/null
    as_root chmod 0755 "$binary"
    stub=yes
fi

set +e
verify_output="$(as_root systemd-analyze verify "$unit" 2>&1)"
verify_status=$?
set -e
if [ -n "$verify_output" ]; then
    echo "systemd-analyze verify says:"
    printf '%s\n' "$verify_output" | sed 's/^/    /'
fi
if [ "$verify_status" -ne 0 ]; then
    fail "systemd-analyze verify $unit exited $verify_status"
elif printf '%s\n' "$verify_output" | grep -q 'wasmhost'; then
    fail "systemd-analyze verify reported problems in $unit"
else
    ok "systemd-analyze verify deploy/wasmhost.service"
fi
cleanup
stub=no
# SIGHUP reloads the configuration: `systemctl reload` must send it.
if grep -q '^ExecReload=/bin/kill -HUP \$MAINPID$' "$unit"; then
    ok "deploy/wasmhost.service reloads with SIGHUP (ExecReload)"
else
    fail "deploy/wasmhost.service has no ExecReload=/bin/kill -HUP \$MAINPID"
fi

# --- 2. Kubernetes manifests ------------------------------------------------

shopt -s nullglob
manifests=("$k8s"/*.yaml "$k8s"/*.yml "$k8s"/scale-out/*.yaml "$k8s"/scale-out/*.yml)
shopt -u nullglob
if [ "${#manifests[@]}" -eq 0 ]; then
    fail "no YAML files in $k8s"
fi
for file in "${manifests[@]}"; do
    if python3 - "$file" <<'PY'
import sys
import yaml

path = sys.argv[1]
try:
    with open(path, encoding="utf-8") as handle:
        documents = [d for d in yaml.safe_load_all(handle) if d is not None]
except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
    sys.exit(f"{path}: {error}")
if not documents:
    sys.exit(f"{path}: no YAML document")
for index, document in enumerate(documents):
    where = f"{path} (document {index + 1})"
    if not isinstance(document, dict):
        sys.exit(f"{where}: not a mapping")
    for key in ("apiVersion", "kind"):
        if not isinstance(document.get(key), str) or not document[key]:
            sys.exit(f"{where}: missing {key}")
    name = (document.get("metadata") or {}).get("name")
    if not isinstance(name, str) or not name:
        sys.exit(f"{where}: missing metadata.name")
    # An embedded config file (ConfigMap data ending in .yaml) must parse too.
    if document["kind"] == "ConfigMap":
        for key, value in (document.get("data") or {}).items():
            if key.endswith((".yaml", ".yml")):
                try:
                    yaml.safe_load(value)
                except yaml.YAMLError as error:
                    sys.exit(f"{where}: data.{key}: {error}")
PY
    then
        ok "YAML ${file#"$repo"/}"
    else
        fail "YAML ${file#"$repo"/}"
    fi
    if python3 -m kubernetes_validate --strict --quiet -k "$validator_version" "$file"; then
        ok "kubernetes-validate --strict ${file#"$repo"/}"
    else
        fail "kubernetes-validate --strict ${file#"$repo"/}"
    fi
done

# --- 3. The built binary's shared libraries ------------------------------
# Every library `ldd` lists must resolve; with the Wasmtime trait the binary
# needs libwasmtime.so, found through its run path (next to it when installed).
binary=""
for candidate in "$repo/.build/release/wasmhost" "$repo/.build/debug/wasmhost"; do
    if [ -x "$candidate" ]; then binary="$candidate"; break; fi
done
if [ -z "$binary" ]; then
    echo "skip: no built wasmhost binary (.build/release or .build/debug) for the ldd check"
elif ! command -v ldd >/dev/null 2>&1; then
    fail "ldd not found"
else
    libraries="$(ldd "$binary")"
    if grep -q "not found" <<<"$libraries"; then
        fail "ldd ${binary#"$repo"/}: $(grep "not found" <<<"$libraries" | tr -s ' \t' ' ' | paste -sd ';')"
    else
        ok "ldd ${binary#"$repo"/} resolves every library"
    fi
    if grep -q "libwasmtime.so" <<<"$libraries"; then
        ok "  libwasmtime.so => $(grep libwasmtime.so <<<"$libraries" | awk '{print $3}')"
    fi
fi

# --- 4. OpenAPI document ----------------------------------------------------

if [ -f "$openapi" ]; then
    if python3 - "$openapi" <<'PY'
import json
import sys

with open(sys.argv[1], encoding="utf-8") as handle:
    document = json.load(handle)
if document.get("openapi") != "3.1.0":
    sys.exit(f"{sys.argv[1]}: openapi is {document.get('openapi')!r}, expected '3.1.0'")
PY
    then
        ok "JSON ${openapi#"$repo"/}"
    else
        fail "JSON ${openapi#"$repo"/}"
    fi
    if command -v openapi-spec-validator >/dev/null 2>&1; then
        if openapi-spec-validator "$openapi" >/dev/null; then
            ok "openapi-spec-validator ${openapi#"$repo"/}"
        else
            fail "openapi-spec-validator ${openapi#"$repo"/}"
        fi
    fi
else
    fail "missing $openapi"
fi

if [ "$failures" -ne 0 ]; then
    echo "verify.sh: $failures problem(s)" >&2
    exit 1
fi
echo "verify.sh: all deploy checks passed"
