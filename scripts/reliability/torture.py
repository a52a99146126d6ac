#!/usr/bin/env python3
"""Crash-safety torture: kill -9 the daemon while 8 clients upload, restart it
on the same data dir, and check that what was acknowledged survived intact.

    torture.py CYCLES [--seed S] [--keep]

Each cycle:
  1. start `wasmhost serve` on the same data dir;
  2. 8 clients upload distinct modules: small WAT modules with a random constant
     (export k() -> i64), 1-5 MB binaries with a random data segment (sent in
     throttled 64 KiB pieces, so that kills land mid-upload), and the WASI
     fixtures; some with ?name= (each client moves its own two names);
  3. at a random moment, preferably while a big upload is in flight, SIGKILL the
     daemon, or (every third cycle) SIGTERM it: it must drain and exit 0 within
     its grace period; in every other cycle a SIGHUP (reload) comes earlier,
     with uploads in flight too, and the daemon must keep serving;
  4. restart and check:
     - every module answered 201/200 is listed, GET /v1/modules/{id} works, and
       DATA/modules/{id}.wasm hashes to its id (byte-identical);
     - every listed module describes, and is either acknowledged or one of the
       uploads that were in flight at the kill (found by hash or by its constant);
     - every stored file is listed (nothing unlisted/half-written), no .tmp-*
       file survives the restart, nothing was quarantined;
     - each name points at the module last acknowledged for it, or at one that
       was in flight for it; deleted modules stay deleted;
  5. delete the big modules (and old small ones) so the store stays small.
Exit status 1 on any violation.
"""

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rellib  # noqa: E402
from rellib import Daemon  # noqa: E402

CLIENTS = 8
FIXTURES = os.path.join(rellib.REPO, "Tests", "Fixtures", "wasi")


def small_wat(constant):
    return (f'(module (func (export "k") (result i64) (i64.const {constant}))'
            f' (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))').encode()


class Upload:
    """One upload attempt and what became of it."""

    def __init__(self, client, kind, body, name, expected_id=None, constant=None):
        self.client = client
        self.kind = kind          # "wat", "big", "wasi"
        self.body_len = len(body)
        self.name = name
        self.expected_id = expected_id  # known for binaries
        self.constant = constant        # for WAT: identifies the module
        self.status = None
        self.id = expected_id if kind != "wat" else None
        self.error = None

    @property
    def acked(self):
        return self.status in (200, 201)


def send_upload(port, body, name, throttle, stop):
    """Throttled raw upload. Returns (status or None, response body)."""
    path = "/v1/modules" + (f"?name={name}" if name else "")
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    try:
        sock.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(body)}\r\n"
                     f"Connection: close\r\n\r\n".encode())
        view = memoryview(body)
        while view:
            sent = sock.send(view[:65536])
            view = view[sent:]
            if throttle and view:
                time.sleep(throttle)
        status, _, data = rellib.read_response(sock)
        return status, data
    finally:
        sock.close()


class Torture:
    def __init__(self, cycles, seed, keep):
        self.cycles = cycles
        self.rng = random.Random(seed)
        self.keep = keep
        self.work = rellib.temp_dir("wasmhost-torture-")
        self.data = os.path.join(self.work, "data")
        self.log = os.path.join(self.work, "daemon.log")
        self.fixtures = {}
        for file in sorted(os.listdir(FIXTURES)):
            if file.endswith(".wasm"):
                with open(os.path.join(FIXTURES, file), "rb") as handle:
                    raw = handle.read()
                self.fixtures[rellib.sha256(raw)] = raw
        # The model of what must be on disk.
        self.present = {}        # id -> {"kind", "size", "constant"} (acknowledged, or found after a restart)
        self.deleted = set()     # ids deleted with a 204 (must stay gone)
        self.names = {}          # name -> {"id": confirmed id or None, "pending": [(id or None, constant)]}
        self.violations = []
        self.stats = {"uploads": 0, "acked": 0, "inflight_at_kill": 0, "big_inflight_at_kill": 0,
                      "inflight_survived": 0, "tmp_files_after_kill": 0, "kills": 0, "deleted": 0,
                      "restart_seconds_max": 0.0, "bytes_acked": 0, "terms": 0, "hups": 0,
                      "inflight_at_hup": 0}
        self.lock = threading.Lock()
        self.grace = 3
        self.env = {"WASMHOST_LOG_LEVEL": "notice", "WASMHOST_SHUTDOWN_GRACE_SECONDS": str(self.grace)}

    def violation(self, cycle, text):
        message = f"cycle {cycle}: {text}"
        self.violations.append(message)
        print("  VIOLATION " + message, flush=True)

    # ------------------------------------------------------------ clients

    def client(self, index, port, stop, results, inflight):
        rng = random.Random(self.rng.random())
        while not stop.is_set():
            roll = rng.random()
            name = None
            if roll < 0.45:
                constant = rng.randrange(1, 1 << 62)
                body = small_wat(constant)
                upload = Upload(index, "wat", body, None, constant=constant)
                if rng.random() < 0.35:
                    name = f"t{index}-{rng.choice('ab')}"
                throttle = 0
            elif roll < 0.80:
                size = rng.randrange(1 << 20, 5 << 20)
                body = rellib.data_module(os.urandom(4096) * (size // 4096), result=rng.randrange(1 << 30))
                upload = Upload(index, "big", body, None, expected_id=rellib.sha256(body))
                if rng.random() < 0.2:
                    name = f"t{index}-{rng.choice('ab')}"
                throttle = 0.004
            else:
                fid = rng.choice(sorted(self.fixtures))
                body = self.fixtures[fid]
                upload = Upload(index, "wasi", body, None, expected_id=fid)
                if rng.random() < 0.3:
                    name = f"t{index}-{rng.choice('ab')}"
                throttle = 0
            upload.name = name
            with self.lock:
                inflight[index] = upload
            try:
                status, data = send_upload(port, body, name, throttle, stop)
                upload.status = status
                if status in (200, 201):
                    try:
                        answer = json.loads(data)
                        upload.id = answer["id"]
                        if upload.expected_id and upload.id != upload.expected_id:
                            upload.error = f"answered id {upload.id} for bytes hashing to {upload.expected_id}"
                    except (ValueError, KeyError):
                        pass  # the status line came, the body was cut by the kill
                elif status == 503 and rellib.problem_code(data) == "not_ready":
                    pass  # refused while draining after SIGTERM: not acknowledged, nothing stored
                elif status is not None and status >= 500:
                    upload.error = f"answered {status}: {data[:200]!r}"
            except OSError as error:
                upload.error = None
                upload.status = None
                upload.exception = str(error)
            with self.lock:
                inflight[index] = None
                results.append(upload)
                self.stats["uploads"] += 1

    # ------------------------------------------------------------ one cycle

    def files(self, folder):
        path = os.path.join(self.data, folder)
        return sorted(os.listdir(path)) if os.path.isdir(path) else []

    def constant_of(self, daemon, ref):
        try:
            status, _, data = daemon.request("POST", f"/v1/modules/{ref}/invoke/k", body=b"{}", timeout=30)
            if status == 200:
                return json.loads(data)["results"][0]
        except (OSError, ValueError, KeyError, IndexError):
            pass
        return None

    def run_cycle(self, cycle):
        started = time.monotonic()
        daemon = Daemon(self.data, log_path=self.log, env=self.env).start()
        self.stats["restart_seconds_max"] = max(self.stats["restart_seconds_max"], time.monotonic() - started)
        self.verify(cycle, daemon)
        self.cleanup(cycle, daemon)

        stop = threading.Event()
        results, inflight = [], [None] * CLIENTS
        threads = [threading.Thread(target=self.client, args=(index, daemon.port, stop, results, inflight), daemon=True)
                   for index in range(CLIENTS)]
        for thread in threads:
            thread.start()
        # Kill at a random moment, preferably while a big upload is in flight.
        chaos_started = time.monotonic()
        earliest = self.rng.uniform(0.3, 2.0)
        latest = earliest + 2.5
        # Every third cycle ends with SIGTERM, every other one has a SIGHUP first: even
        # the 5-cycle short run sends both, each with uploads in flight.
        ending = signal.SIGTERM if cycle % 3 == 2 else signal.SIGKILL
        hup_at = self.rng.uniform(0.1, earliest) if cycle % 2 == 1 else None
        while time.monotonic() - chaos_started < latest:
            elapsed = time.monotonic() - chaos_started
            with self.lock:
                big = any(u is not None and u.kind == "big" for u in inflight)
                busy = sum(1 for u in inflight if u is not None)
            if hup_at is not None and elapsed >= hup_at:
                os.kill(daemon.pid, signal.SIGHUP)
                self.stats["hups"] += 1
                self.stats["inflight_at_hup"] += busy
                hup_at = None
            if elapsed >= earliest and (big or self.rng.random() < 0.05):
                break
            time.sleep(0.01)
        with self.lock:
            at_kill = [u for u in inflight if u is not None]
        if not daemon.alive():
            self.violation(cycle, f"the daemon died by itself (exit {daemon.proc.returncode}); see {self.log}")
        if ending == signal.SIGKILL:
            os.kill(daemon.pid, signal.SIGKILL)
            daemon.kill9()
            self.stats["kills"] += 1
        else:
            os.kill(daemon.pid, signal.SIGTERM)
            try:
                code = daemon.proc.wait(timeout=self.grace + 15)
            except Exception:  # noqa: BLE001 - a hang is the violation
                code = "no exit"
            daemon.kill9()
            self.stats["terms"] += 1
            if code != 0:
                self.violation(cycle, f"SIGTERM with {len(at_kill)} upload(s) in flight: exit {code} (want 0); see {self.log}")
        stop.set()
        for thread in threads:
            thread.join(60)
        self.stats["inflight_at_kill"] += len(at_kill)
        self.stats["big_inflight_at_kill"] += sum(1 for u in at_kill if u.kind == "big")
        tmp = [f for f in self.files("modules") + self.files("names") if f.startswith(".tmp-")]
        self.stats["tmp_files_after_kill"] += len(tmp)

        # Fold this cycle's outcomes into the model.
        for upload in results:
            if upload.error:
                self.violation(cycle, f"client {upload.client} {upload.kind} upload: {upload.error}")
            if upload.acked:
                self.stats["acked"] += 1
                self.stats["acked_" + upload.kind] = self.stats.get("acked_" + upload.kind, 0) + 1
                self.stats["bytes_acked"] += upload.body_len
                key = upload.id
                if key is None:
                    # Acknowledged, but the kill cut the body: find it by its constant after restart.
                    self.pending_ack.append(upload)
                else:
                    self.present[key] = {"kind": upload.kind, "size": None, "constant": upload.constant}
                    self.deleted.discard(key)
                if upload.name:
                    self.names[upload.name] = {"id": key, "pending": [] if key else [(None, upload.constant)]}
            elif upload.status is None:
                # Unknown fate (the kill came first): may or may not be stored.
                self.unknown.append(upload)
                if upload.name:
                    entry = self.names.setdefault(upload.name, {"id": None, "pending": []})
                    entry["pending"].append((upload.id, upload.constant))
            else:
                pass  # refused (4xx): nothing to find

    # ------------------------------------------------------------ checks after a restart

    def verify(self, cycle, daemon):
        status, _, data = daemon.request("GET", "/v1/modules", timeout=120)
        if status != 200:
            self.violation(cycle, f"GET /v1/modules answered {status}")
            return
        listed = {m["id"]: m for m in json.loads(data)["modules"]}
        stored = {f[:-5] for f in self.files("modules") if f.endswith(".wasm")}
        tmp = [f for f in self.files("modules") + self.files("names") if f.startswith(".tmp-")]
        if tmp:
            self.violation(cycle, f"{len(tmp)} temp file(s) survived the restart: {tmp[:3]}")
        quarantined = self.files("quarantine")
        if quarantined:
            self.violation(cycle, f"{len(quarantined)} file(s) quarantined at start-up: {quarantined[:3]}")
        for missing in sorted(stored - set(listed)):
            self.violation(cycle, f"module file {missing[:16]}.. is on disk but not listed (undescribable?)")
        # Every listed module: describes, file hashes to its id.
        for module_id, description in listed.items():
            path = os.path.join(self.data, "modules", module_id + ".wasm")
            try:
                with open(path, "rb") as handle:
                    digest = hashlib.sha256(handle.read()).hexdigest()
            except OSError:
                digest = None
            if digest != module_id:
                self.violation(cycle, f"listed module {module_id[:16]}.. file hashes to {str(digest)[:16]}")
            status, _, body = daemon.request("GET", f"/v1/modules/{module_id}", timeout=60)
            if status != 200:
                self.violation(cycle, f"GET /v1/modules/{module_id[:16]}.. answered {status}")
        # Acknowledged modules are all there, byte-identical.
        for module_id, facts in self.present.items():
            if module_id not in listed:
                self.violation(cycle, f"acknowledged {facts['kind']} module {module_id[:16]}.. is not listed")
        for module_id in self.deleted & set(listed):
            self.violation(cycle, f"deleted module {module_id[:16]}.. came back")
        # Acknowledged uploads whose id the kill hid: find them by constant.
        constants = {}
        unexplained = [i for i in listed if i not in self.present]
        for module_id in unexplained:
            if any(e["name"] == "k" for e in listed[module_id].get("exports", [])):
                constants[module_id] = self.constant_of(daemon, module_id)
        for upload in self.pending_ack:
            match = [i for i, c in constants.items() if c == upload.constant]
            if not match:
                self.violation(cycle, f"acknowledged WAT upload (constant {upload.constant}) is not listed")
            else:
                self.present[match[0]] = {"kind": "wat", "size": None, "constant": upload.constant}
        self.pending_ack = []
        # Listed but never acknowledged: must be an upload that was in flight at a kill.
        inflight_ids = {u.id for u in self.unknown if u.id}
        inflight_constants = {u.constant for u in self.unknown if u.constant is not None}
        for module_id in [i for i in listed if i not in self.present]:
            if module_id in inflight_ids or module_id in self.fixtures or constants.get(module_id) in inflight_constants:
                self.present[module_id] = {"kind": "inflight", "size": None, "constant": constants.get(module_id)}
                self.stats["inflight_survived"] += 1
            else:
                self.violation(cycle, f"listed module {module_id[:16]}.. was never uploaded in this run")
        self.unknown = []
        # Names.
        listed_names = {n: i for i, m in listed.items() for n in m.get("names", [])}
        for name, entry in self.names.items():
            allowed_ids = {entry["id"]} | {i for i, _ in entry["pending"] if i}
            allowed_constants = {c for _, c in entry["pending"] if c is not None}
            target = listed_names.get(name)
            if target is None:
                # An upload in flight can move a name, never remove it.
                if entry["id"] is not None:
                    self.violation(cycle, f"name {name} (acknowledged for {entry['id'][:16]}..) is gone")
                entry["pending"] = []
                continue
            if target in allowed_ids or (constants.get(target) in allowed_constants) \
                    or (self.constant_of(daemon, target) in allowed_constants):
                entry["id"], entry["pending"] = target, []
            else:
                self.violation(cycle, f"name {name} points at {target[:16]}.., which was never acknowledged for it")
        for name in listed_names:
            if name not in self.names:
                self.violation(cycle, f"name {name} was never used in this run")
        # Spot-check a few acknowledged WAT modules by invoking them.
        wat = [(i, f["constant"]) for i, f in self.present.items() if f["kind"] == "wat" and f["constant"]]
        for module_id, constant in self.rng.sample(wat, min(4, len(wat))):
            got = self.constant_of(daemon, module_id)
            if got != constant:
                self.violation(cycle, f"module {module_id[:16]}..: k() = {got}, uploaded with {constant}")

    def cleanup(self, cycle, daemon):
        """Deletes big modules and the oldest small ones (with their names)."""
        doomed = [i for i, f in self.present.items() if f["kind"] in ("big", "inflight") and i not in self.fixtures]
        small = [i for i, f in self.present.items() if f["kind"] == "wat"]
        doomed += small[:max(0, len(small) - 150)]
        for module_id in doomed:
            status, _, _ = daemon.request("DELETE", f"/v1/modules/{module_id}", timeout=60)
            if status == 204:
                self.deleted.add(module_id)
                self.present.pop(module_id, None)
                self.stats["deleted"] += 1
                for name, entry in self.names.items():
                    if entry["id"] == module_id:
                        entry["id"] = None
            else:
                self.violation(cycle, f"DELETE {module_id[:16]}.. answered {status}")

    def run(self):
        self.pending_ack, self.unknown = [], []
        print(f"torture: {self.cycles} cycles, {CLIENTS} clients, data {self.data}", flush=True)
        started = time.monotonic()
        for cycle in range(1, self.cycles + 1):
            before = len(self.violations)
            self.run_cycle(cycle)
            print(f"cycle {cycle}/{self.cycles}: {len(self.present)} modules on record, "
                  f"{self.stats['acked']} acked so far, {self.stats['inflight_at_kill']} in flight at kills, "
                  f"{self.stats['tmp_files_after_kill']} temp files left by kills"
                  + ("" if len(self.violations) == before else f", {len(self.violations) - before} VIOLATION(S)"),
                  flush=True)
        # A last restart to check the last cycle's kill.
        daemon = Daemon(self.data, log_path=self.log, env=self.env).start()
        self.verify(self.cycles + 1, daemon)
        daemon.stop()
        elapsed = time.monotonic() - started
        s = self.stats
        print(f"\ntorture summary: {self.cycles} cycles in {elapsed:.0f}s; {s['kills']} kill -9, "
              f"{s['terms']} SIGTERM (exit 0 each), {s['hups']} SIGHUP ({s['inflight_at_hup']} uploads in flight); "
              f"{s['uploads']} uploads, {s['acked']} acknowledged ({s.get('acked_wat', 0)} WAT, {s.get('acked_big', 0)} big, "
              f"{s.get('acked_wasi', 0)} WASI; {s['bytes_acked'] / 1e6:.0f} MB); "
              f"{s['inflight_at_kill']} in flight at a kill ({s['big_inflight_at_kill']} big), "
              f"{s['inflight_survived']} of those found stored after restart; "
              f"{s['tmp_files_after_kill']} temp files left by kills (all removed at restart: "
              f"{'yes' if not any('temp file' in v for v in self.violations) else 'NO'}); "
              f"{s['deleted']} deletes; slowest restart {s['restart_seconds_max']:.1f}s")
        print(f"torture: {len(self.violations)} violation(s)")
        for violation in self.violations[:50]:
            print("  " + violation)
        ok = not self.violations
        if ok and not self.keep:
            shutil.rmtree(self.work, ignore_errors=True)
        else:
            print(f"data and log kept in {self.work}")
        return 0 if ok else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cycles", type=int, nargs="?", default=5)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the data dir")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else int(time.time())
    print(f"torture seed {seed}")
    return Torture(args.cycles, seed, args.keep).run()


if __name__ == "__main__":
    sys.exit(main())
