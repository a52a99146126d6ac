#!/usr/bin/env python3
"""`make cluster`: PostgreSQL, three wasmhost replicas sharing it, and nginx
(Debian) in front, round-robin, all on loopback. `make cluster-stop` ends it.

    python3 scripts/cluster/cluster.py start [--binary PATH] [--replicas N]
    python3 scripts/cluster/cluster.py stop

State (ports, pids, logs) lives in .cluster/ at the repository root.
Then: WASMHOST_URL=<printed URL> bash examples/curl/run-all.sh
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
STATE_DIR = os.path.join(REPO, ".cluster")
STATE = os.path.join(STATE_DIR, "state.json")
sys.path.insert(0, os.path.join(REPO, "tests", "replicas"))

from pgcluster import Cluster, free_port  # noqa: E402

NGINX_CONF = """worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {dir}/nginx-body;
    proxy_temp_path {dir}/nginx-proxy;
    fastcgi_temp_path {dir}/nginx-fastcgi;
    uwsgi_temp_path {dir}/nginx-uwsgi;
    scgi_temp_path {dir}/nginx-scgi;
    # Uploads up to limits.max_module_bytes (32 MiB by default).
    client_max_body_size 33m;
    upstream wasmhost {{
        # Round-robin. To keep each module's compiled code on few replicas,
        # route by module instead: `hash $module consistent;` (README, Scaling).
{servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://wasmhost;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_request_buffering on;
            proxy_next_upstream error timeout;
        }}
    }}
}}
"""


def nginx_binary():
    path = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if path is None:
        print("installing nginx from Debian", flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "nginx"], check=True, env=env)
        path = shutil.which("nginx") or "/usr/sbin/nginx"
    return path


def start_nginx(nginx, directory, upstream_ports):
    """Starts nginx (daemonised) round-robin over `upstream_ports`; returns (port, conf path)."""
    port = free_port()
    servers = "\n".join(f"        server 127.0.0.1:{p};" for p in upstream_ports)
    conf = os.path.join(directory, "nginx.conf")
    with open(conf, "w") as handle:
        handle.write(NGINX_CONF.format(dir=directory, servers=servers, port=port))
    subprocess.run([nginx, "-c", conf, "-p", directory, "-e", os.path.join(directory, "nginx-error.log")], check=True)
    return port, conf


def stop_nginx(nginx, directory, conf):
    subprocess.run([nginx, "-c", conf, "-p", directory, "-e", os.path.join(directory, "nginx-error.log"), "-s", "stop"],
                   check=False)


def start_replica(binary, name, url):
    data = os.path.join(STATE_DIR, name)
    os.makedirs(data, exist_ok=True)
    log_path = os.path.join(STATE_DIR, f"{name}.log")
    env = {k: v for k, v in os.environ.items() if not k.startswith("WASMHOST_")}
    env.update(WASMHOST_STORE_BACKEND="postgres", WASMHOST_STORE_POSTGRES_URL=url, WASMHOST_LOG_LEVEL="warning")
    with open(log_path, "ab") as log, open(os.path.join(STATE_DIR, f"{name}.out"), "wb") as out:
        process = subprocess.Popen(
            [binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", data],
            stdout=out, stderr=log, stdin=subprocess.DEVNULL, env=env, cwd=STATE_DIR, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        text = open(os.path.join(STATE_DIR, f"{name}.out")).read()
        if "listening on" in text:
            return process.pid, int(text.strip().splitlines()[0].rsplit(":", 1)[1])
        if process.poll() is not None:
            break
        time.sleep(0.1)
    raise SystemExit(f"replica {name} did not start; see {log_path}")


def start(args):
    if os.path.exists(STATE):
        raise SystemExit("a cluster is already running (make cluster-stop first)")
    os.makedirs(STATE_DIR, exist_ok=True)
    nginx = nginx_binary()
    pg = Cluster(directory=os.path.join(STATE_DIR, "postgres")).start()
    state = {"postgres": {"directory": pg.directory, "port": pg.port}, "replicas": []}
    with open(STATE, "w") as handle:
        json.dump(state, handle)
    for index in range(args.replicas):
        pid, port = start_replica(os.path.abspath(args.binary), f"replica-{index + 1}", pg.url)
        state["replicas"].append({"pid": pid, "port": port})
    port, conf = start_nginx(nginx, STATE_DIR, [r["port"] for r in state["replicas"]])
    state["nginx"] = {"port": port, "conf": conf, "binary": nginx}
    with open(STATE, "w") as handle:
        json.dump(state, handle)
    print(f"PostgreSQL   {pg.url}")
    for index, replica in enumerate(state["replicas"]):
        print(f"replica {index + 1}    http://127.0.0.1:{replica['port']} (pid {replica['pid']})")
    print(f"nginx        http://127.0.0.1:{port}  (round-robin)")
    print(f"\nTry: WASMHOST_URL=http://127.0.0.1:{port} bash examples/curl/run-all.sh")


def stop(_args):
    if not os.path.exists(STATE):
        print("no cluster running")
        return
    with open(STATE) as handle:
        state = json.load(handle)
    nginx = state.get("nginx")
    if nginx:
        stop_nginx(nginx["binary"], STATE_DIR, nginx["conf"])
    for replica in state.get("replicas", []):
        try:
            os.kill(replica["pid"], signal.SIGTERM)
        except ProcessLookupError:
            pass
    for replica in state.get("replicas", []):
        for _ in range(100):
            try:
                os.kill(replica["pid"], 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
    pg = state["postgres"]
    Cluster(directory=pg["directory"], port=pg["port"]).destroy()
    shutil.rmtree(STATE_DIR, ignore_errors=True)
    print("cluster stopped")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["start", "stop"])
    parser.add_argument("--binary", default=os.path.join(REPO, ".build", "release", "wasmhost"))
    parser.add_argument("--replicas", type=int, default=3)
    args = parser.parse_args()
    start(args) if args.command == "start" else stop(args)


if __name__ == "__main__":
    main()
