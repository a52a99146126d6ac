"""Shared helpers of the reliability scripts: start/stop a wasmhost daemon,
small HTTP calls, a tiny WebAssembly binary encoder and a result table.

Everything targets 127.0.0.1 only. Every daemon started here is killed when the
script exits (atexit plus SIGINT/SIGTERM handlers), whatever happened.
"""

import atexit
import hashlib
import http.client
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))

_live = []  # daemons to kill at exit


def binary_path():
    """The daemon binary: $WASMHOST_BIN or the repo's debug build."""
    path = os.environ.get("WASMHOST_BIN") or os.path.join(REPO, ".build", "debug", "wasmhost")
    if not os.access(path, os.X_OK):
        sys.exit(f"wasmhost binary not found at {path} (run `swift build --product wasmhost` or set WASMHOST_BIN)")
    return path


def _cleanup():
    for daemon in list(_live):
        daemon.kill9()


def _on_signal(signum, _frame):
    _cleanup()
    sys.exit(128 + signum)


atexit.register(_cleanup)
signal.signal(signal.SIGTERM, _on_signal)
signal.signal(signal.SIGINT, _on_signal)


class Daemon:
    """One `wasmhost serve` on 127.0.0.1:0 with its own data dir and log file."""

    def __init__(self, data_dir, env=None, log_path=None, start_timeout=60, prefix=None):
        self.data_dir = data_dir
        # Runs the daemon through another command (e.g. nsenter into a mount namespace).
        self.prefix = list(prefix or [])
        self.env = dict(env or {})
        self.log_path = log_path or os.path.join(data_dir + ".log")
        self.start_timeout = start_timeout
        self.proc = None
        self.port = None

    def start(self):
        os.makedirs(self.data_dir, exist_ok=True)
        env = dict(os.environ)
        # Only the settings given here apply: no stray WASMHOST_* from the caller.
        for key in list(env):
            if key.startswith("WASMHOST_") and key != "WASMHOST_BIN":
                del env[key]
        env.setdefault("WASMHOST_LOG_LEVEL", "warning")
        env.update(self.env)
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            self.prefix + [binary_path(), "serve", "--listen", "127.0.0.1:0", "--data-dir", self.data_dir],
            stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL, env=env,
            # No config/wasmhost.yaml there: only the defaults and `env` apply.
            cwd=os.path.dirname(os.path.abspath(self.data_dir)))
        log.close()
        _live.append(self)
        deadline = time.time() + self.start_timeout
        line = b""
        while time.time() < deadline:
            ready, _, _ = select.select([self.proc.stdout], [], [], 0.2)
            if ready:
                chunk = os.read(self.proc.stdout.fileno(), 4096)
                if not chunk:
                    break
                line += chunk
                if b"\n" in line:
                    break
            elif self.proc.poll() is not None:
                break
        text = line.decode(errors="replace").strip()
        if "listening on" not in text:
            self.kill9()
            raise RuntimeError(f"daemon did not start ({text!r}); see {self.log_path}")
        self.port = int(text.rsplit(":", 1)[1])
        return self

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill9(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                self.proc.kill()
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        if self in _live:
            _live.remove(self)

    def stop(self, grace=10):
        """SIGTERM, then SIGKILL after `grace` seconds. Returns the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self in _live:
            _live.remove(self)
        return self.proc.returncode

    def request(self, method, path, body=None, headers=None, timeout=30):
        return request(self.port, method, path, body, headers, timeout)

    def healthz(self, timeout=5):
        """(ok, seconds) of one GET /healthz on a fresh connection."""
        started = time.monotonic()
        try:
            status, _, _ = request(self.port, "GET", "/healthz", timeout=timeout)
            return status == 200, time.monotonic() - started
        except OSError:
            return False, time.monotonic() - started


def request(port, method, path, body=None, headers=None, timeout=30):
    """One request on a fresh connection: (status, headers dict, body bytes)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data
    finally:
        conn.close()


def problem_code(body):
    try:
        return json.loads(body).get("code")
    except (ValueError, AttributeError):
        return None


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def temp_dir(prefix):
    base = os.environ.get("RELIABILITY_TMP") or None
    return tempfile.mkdtemp(prefix=prefix, dir=base)


def raise_nofile(wanted):
    """Raises RLIMIT_NOFILE (soft, and hard when root) to at least `wanted`; returns the soft limit."""
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= wanted:
        return soft
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, max(hard, wanted)))
    except (ValueError, OSError):
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))
        except (ValueError, OSError):
            pass
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


# ---------------------------------------------------------------------------
# A tiny WebAssembly binary encoder, for modules that WAT text makes awkward
# (tens of megabytes of data, exact section layouts).

def uleb(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def sleb(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        done = (value == 0 and not byte & 0x40) or (value == -1 and byte & 0x40)
        out.append(byte if done else byte | 0x80)
        if done:
            return bytes(out)


def name(text):
    raw = text.encode()
    return uleb(len(raw)) + raw


def section(section_id, payload):
    return bytes([section_id]) + uleb(len(payload)) + payload


def vector(items):
    return uleb(len(items)) + b"".join(items)


HEADER = b"\0asm\x01\0\0\0"
I32, I64 = 0x7F, 0x7E


def data_module(data, export_name="size", result=0):
    """A module with a memory big enough for `data` in one active data segment
    at offset 0, and an export `size() -> i32` returning `result`."""
    pages = max(1, (len(data) + 65535) // 65536)
    types = section(1, vector([b"\x60" + vector([]) + vector([bytes([I32])])]))
    funcs = section(3, vector([uleb(0)]))
    memory = section(5, vector([b"\x00" + uleb(pages)]))
    exports = section(7, vector([name(export_name) + b"\x00" + uleb(0), name("memory") + b"\x02" + uleb(0)]))
    body = b"\x00" + b"\x41" + sleb(result) + b"\x0b"
    code = section(10, vector([uleb(len(body)) + body]))
    segment = b"\x00" + b"\x41\x00\x0b" + uleb(len(data)) + data
    data_section = section(11, vector([segment]))
    return HEADER + types + funcs + memory + exports + code + data_section


# ---------------------------------------------------------------------------

def known_bugs(tool):
    """Case names listed for `tool` in known-bugs.txt ("tool: case  # note")."""
    names = set()
    try:
        with open(os.path.join(HERE, "known-bugs.txt")) as handle:
            for line in handle:
                line = line.split("#", 1)[0].strip()
                if line.startswith(tool + ":"):
                    names.add(line.split(":", 1)[1].strip())
    except OSError:
        pass
    return names


class Table:
    """Rows of (case, expected, got, verdict, note) printed as a text table.
    A failing case listed in known-bugs.txt is KNOWN (not a failure) only with
    RELIABILITY_ALLOW_KNOWN=1."""

    def __init__(self, title, tool=None):
        self.title = title
        self.rows = []
        self.known = known_bugs(tool) if tool else set()
        self.allow_known = os.environ.get("RELIABILITY_ALLOW_KNOWN") == "1"

    def add(self, case, expected, got, ok, note=""):
        verdict = "PASS" if ok is True else ("FAIL" if ok is False else str(ok))
        if case in self.known:
            if ok is True:
                note = ("known bug now passes: remove it from known-bugs.txt " + note).strip()
            elif ok is False:
                note = ("known bug (known-bugs.txt) " + note).strip()
                if self.allow_known:
                    verdict = "KNOWN"
        self.rows.append((case, expected, got, verdict, note))
        print(f"  [{verdict}] {case}: expected {expected}, got {got} {note}", flush=True)
        return ok

    @property
    def failures(self):
        return [row for row in self.rows if row[3] not in ("PASS", "SKIP", "INFO", "KNOWN")]

    def print(self):
        headers = ("case", "expected", "got", "verdict", "note")
        widths = [len(h) for h in headers]
        for row in self.rows:
            for index, cell in enumerate(row):
                widths[index] = min(max(widths[index], len(str(cell))), 70)
        line = " | ".join(h.ljust(widths[i]) for i, h in enumerate(headers))
        print(f"\n== {self.title} ==")
        print(line)
        print("-+-".join("-" * w for w in widths))
        for row in self.rows:
            print(" | ".join(str(cell)[:70].ljust(widths[i]) for i, cell in enumerate(row)))
        failed = len(self.failures)
        known = sum(1 for row in self.rows if row[3] == "KNOWN")
        print(f"\n{len(self.rows) - failed - known} passed, {failed} failed" + (f", {known} known" if known else ""))
        if known:
            print(f"({known} known bug(s) not counted: RELIABILITY_ALLOW_KNOWN=1)")


def proc_stats(pid):
    """(rss_kib, open_fds, threads) of a live process from /proc."""
    rss = threads = 0
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("Threads:"):
                threads = int(line.split()[1])
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    return rss, fds, threads


def connect_raw(port, timeout=10):
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def raw_request(port, method, path, body=b"", headers=None, timeout=60):
    """A request whose answer may come before the body is all sent (an early
    413): writes what it can, then reads the answer. (status, headers, body);
    status is None when the connection closed without one."""
    sock = connect_raw(port, timeout=timeout)
    try:
        head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(body)}\r\nConnection: close\r\n"
        for key, value in (headers or {}).items():
            head += f"{key}: {value}\r\n"
        try:
            sock.sendall(head.encode() + b"\r\n")
            view = memoryview(body)
            while view:
                sent = sock.send(view[:1 << 16])
                view = view[sent:]
        except (BrokenPipeError, ConnectionResetError):
            pass
        return read_response(sock)
    finally:
        sock.close()


def read_response(sock, first_only=False):
    """Reads one HTTP/1.1 response (Content-Length framed) from `sock`."""
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    except (ConnectionResetError, socket.timeout):
        pass
    if b"\r\n\r\n" not in data:
        return None, {}, data
    head, rest = data.split(b"\r\n\r\n", 1)
    lines = head.decode(errors="replace").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            key, value = line.split(":", 1)
            headers[key.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    try:
        while len(rest) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            rest += chunk
    except (ConnectionResetError, socket.timeout):
        pass
    return status, headers, rest[:length]


class Prober:
    """Polls /healthz every 50 ms on fresh connections while a case runs; keeps the worst latency."""

    def __init__(self, daemon):
        self.daemon = daemon
        self.worst = 0.0
        self.failures = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            ok, seconds = self.daemon.healthz(timeout=5)
            self.samples += 1
            self.worst = max(self.worst, seconds)
            if not ok:
                self.failures += 1
            self._stop.wait(0.05)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(10)


def run_case(daemon, table, title, expected, run, budget, after=None):
    """Runs `run()` -> (got text, ok, note) under a healthz Prober and adds the row.

    The case fails if the daemon died, if `after()` (run when it is alive) returns
    a problem text, or if /healthz was slower than `budget` seconds or failed.
    Stops the script, printing the daemon's log tail and the table, when it died."""
    started = time.monotonic()
    with Prober(daemon) as prober:
        try:
            got, ok, note = run()
        except Exception as error:  # a dropped connection is a failure too
            got, ok, note = f"exception {type(error).__name__}: {error}", False, ""
    elapsed = time.monotonic() - started
    alive = daemon.alive()
    problem = after() if alive and after else None
    extra = f"({elapsed:.1f}s; healthz worst {prober.worst * 1000:.0f} ms over {prober.samples}"
    extra += f", {prober.failures} failed)" if prober.failures else ")"
    if not alive:
        ok, note = False, "DAEMON DIED " + note
    elif problem:
        ok, note = False, problem + " " + note
    elif prober.worst > budget or prober.failures:
        ok, note = False, f"healthz slow/failing (budget {budget * 1000:.0f} ms) " + note
    table.add(title, expected, got, ok, (note + " " + extra).strip())
    if not alive:
        print(open(daemon.log_path, errors="replace").read()[-3000:])
        table.print()
        sys.exit(1)


def finish(daemon, table, work):
    """Adds the final process row, stops the daemon, prints the table; 1 on any failure."""
    rss, fds, threads = proc_stats(daemon.pid)
    table.add("process after all cases", "alive", f"alive, rss {rss // 1024} MiB, {fds} fds, {threads} threads",
              daemon.alive(), "")
    daemon.stop()
    return conclude(table, work)


def conclude(table, work):
    """Prints the table; 1 on any failure (keeping `work`), else 0 (removing it)."""
    table.print()
    if table.failures:
        print(f"logs kept in {work}")
        return 1
    shutil.rmtree(work, ignore_errors=True)
    return 0
