"""A throwaway PostgreSQL cluster for tests and `make cluster`.

Installs PostgreSQL from Debian when no server binaries are found, creates a
cluster in a temp dir on a free loopback port, and runs it as the `postgres`
user when we are root (PostgreSQL refuses to run as root). Stop and start
keep the data, for fault tests; `destroy` removes everything.
"""
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_bin_dir():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not found:
        print("installing postgresql from Debian", flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "postgresql", "postgresql-client"], check=True, env=env)
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not found:
        raise RuntimeError("no PostgreSQL server binaries after installing postgresql")
    return os.path.dirname(found[-1])


class Cluster:
    """One cluster: `start()` creates it, `stop()`/`start()` keep its data, `destroy()` ends it."""

    def __init__(self, directory=None, port=None):
        self.bin = server_bin_dir()
        self.directory = directory or tempfile.mkdtemp(prefix="wasmhost-pg-")
        self.data = os.path.join(self.directory, "data")
        self.port = port or free_port()
        self.as_root = os.geteuid() == 0

    @property
    def url(self):
        return f"postgresql://wasmhost@127.0.0.1:{self.port}/wasmhost"

    def _run(self, *command, check=True):
        command = [os.path.join(self.bin, command[0]), *command[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def start(self):
        if not os.path.exists(self.data):
            os.makedirs(self.data, exist_ok=True)
            if self.as_root:
                shutil.chown(self.directory, "postgres", "postgres")
                shutil.chown(self.data, "postgres", "postgres")
            os.chmod(self.data, 0o700)
            self._run("initdb", "-D", self.data, "-U", "wasmhost", "-A", "trust", "-E", "UTF8", "--no-instructions")
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c max_connections=200"
        self._run("pg_ctl", "-D", self.data, "-o", options, "-l", os.path.join(self.directory, "server.log"), "-w", "start")
        if not getattr(self, "_created", False):
            # The database named in the URL; idempotent across restarts.
            exists = subprocess.run(
                ["psql", f"postgresql://wasmhost@127.0.0.1:{self.port}/postgres", "-tAc",
                 "SELECT 1 FROM pg_database WHERE datname = 'wasmhost'"],
                capture_output=True, text=True, check=True).stdout.strip()
            if exists != "1":
                subprocess.run(["psql", f"postgresql://wasmhost@127.0.0.1:{self.port}/postgres", "-qc",
                                "CREATE DATABASE wasmhost"], check=True)
            self._created = True
        return self

    def stop(self, mode="fast"):
        self._run("pg_ctl", "-D", self.data, "-m", mode, "-w", "stop", check=False)

    def destroy(self):
        self.stop("immediate")
        shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.destroy()
