#!/usr/bin/env python3
"""Hostile HTTP: malformed, slow and oversized requests against a real daemon.

    hostile_http.py [--short|--long] [--connections N]

Every case must end in a 4xx answer or a closed connection, never a crash, a
500 or a stuck worker, and GET /healthz must stay fast while it runs (a prober
measures it on fresh connections every 50 ms). The daemon runs with
WASMHOST_HTTP_REQUEST_TIMEOUT_SECONDS=5, so a request still trickling in after
5 s must be cut off. Prints a table; exits 1 on any failure.
"""

import argparse
import errno
import json
import os
import selectors
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rellib  # noqa: E402
from rellib import Daemon, Prober, Table, problem_code  # noqa: E402

REQUEST_TIMEOUT = 5
ADD_WAT = b'(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))'
HEALTHZ_BUDGET = 0.5


def wait_closed(sock, limit):
    """Reads until the server closes; returns (seconds until close or None, bytes read)."""
    started = time.monotonic()
    data = b""
    sock.settimeout(0.2)
    while time.monotonic() - started < limit:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            continue
        except (ConnectionResetError, BrokenPipeError):
            return time.monotonic() - started, data
        if not chunk:
            return time.monotonic() - started, data
        data += chunk
    return None, data


def status_of(data):
    try:
        return int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else None
    except (IndexError, ValueError):
        return None


def trickle(port, head, pieces, interval, limit):
    """Sends `head`, then each byte of `pieces` every `interval` seconds until the
    server closes or answers. Returns (seconds until cut, answer bytes)."""
    sock = rellib.connect_raw(port)
    started = time.monotonic()
    try:
        sock.sendall(head)
        sock.settimeout(interval)
        for byte in pieces:
            if time.monotonic() - started > limit:
                return None, b""
            try:
                sock.send(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                return time.monotonic() - started, b""
            try:
                chunk = sock.recv(65536)
                if not chunk:
                    return time.monotonic() - started, b""
                # An answer: read it to the end.
                rest_time, rest = wait_closed(sock, 5)
                return time.monotonic() - started, chunk + rest
            except socket.timeout:
                pass
            except ConnectionResetError:
                return time.monotonic() - started, b""
        return None, b""
    finally:
        sock.close()


def send_and_read(port, payload, limit=15, half_close=False):
    """Sends raw bytes, reads everything until close or `limit`. (seconds, data)"""
    sock = rellib.connect_raw(port)
    try:
        try:
            sock.sendall(payload)
            if half_close:
                sock.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass
        return wait_closed(sock, limit)
    finally:
        sock.close()


def responses(data):
    """Splits concatenated HTTP/1.1 responses (Content-Length framed) into (status, body)."""
    out = []
    while data.startswith(b"HTTP/"):
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode(errors="replace").split("\r\n")
        length = 0
        for line in lines[1:]:
            if line.lower().startswith("content-length:"):
                length = int(line.split(":", 1)[1])
        out.append((int(lines[0].split()[1]), rest[:length]))
        data = rest[length:]
    return out


def request_bytes(method, path, body=b"", headers=None, length=None):
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    for key, value in (headers or {}).items():
        head += f"{key}: {value}\r\n"
    if length is not None or body:
        head += f"Content-Length: {len(body) if length is None else length}\r\n"
    return head.encode() + b"\r\n" + body


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--short", action="store_true")
    parser.add_argument("--long", action="store_true")
    parser.add_argument("--connections", type=int, default=10000)
    args = parser.parse_args()

    work = rellib.temp_dir("wasmhost-http-")
    env = {"WASMHOST_HTTP_REQUEST_TIMEOUT_SECONDS": str(REQUEST_TIMEOUT), "WASMHOST_LIMITS_MAX_CONCURRENT": "2"}
    daemon = Daemon(os.path.join(work, "data"), env=env, log_path=os.path.join(work, "daemon.log")).start()
    print(f"daemon pid {daemon.pid} on 127.0.0.1:{daemon.port} (request timeout {REQUEST_TIMEOUT} s), data {work}")
    status, _, body = daemon.request("POST", "/v1/modules?name=calc",
                                     body=open(os.path.join(rellib.REPO, "examples/modules/add.wat"), "rb").read())
    assert status in (200, 201), body
    port = daemon.port
    table = Table("hostile HTTP", "hostile_http")

    def worker_ok():
        """A real invocation still goes through (no worker stuck)."""
        try:
            status, _, data = rellib.request(port, "POST", "/v1/modules/calc/invoke/add", body=b'{"args":[2,3]}', timeout=10)
            return status == 200 and json.loads(data).get("results") == [5]
        except OSError:
            return False

    def case(title, expected, run, healthz_budget=HEALTHZ_BUDGET):
        def stuck():
            return None if worker_ok() else "invoke add failed after the case (stuck worker?)"
        rellib.run_case(daemon, table, title, expected, run, healthz_budget, after=stuck)

    def case_group(cases):
        """Runs slow cases (each waits for the request timeout) at the same time."""
        results = {}
        def run_one(title, run):
            try:
                results[title] = run()
            except Exception as error:
                results[title] = (f"exception {type(error).__name__}: {error}", False, "")
        started = time.monotonic()
        with Prober(daemon) as prober:
            threads = [threading.Thread(target=run_one, args=(title, run)) for title, _, run in cases]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(60)
        elapsed = time.monotonic() - started
        alive = daemon.alive()
        working = alive and worker_ok()
        for title, expected, _ in cases:
            got, ok, note = results.get(title, ("no result", False, ""))
            if not alive:
                ok, note = False, "DAEMON DIED " + note
            elif not working:
                ok, note = False, "invoke add failed after the case (stuck worker?) " + note
            elif prober.worst > HEALTHZ_BUDGET or prober.failures:
                ok, note = False, "healthz slow/failing " + note
            extra = f"(group of {len(cases)} in {elapsed:.1f}s; healthz worst {prober.worst * 1000:.0f} ms/{prober.samples})"
            table.add(title, expected, got, ok, (note + " " + extra).strip())
        if not alive:
            table.print()
            sys.exit(1)

    cut_window = (REQUEST_TIMEOUT - 0.5, REQUEST_TIMEOUT + 2.0)
    # How long to wait for an answer that should come at once (longer in long mode).
    patience = 60 if args.long else 8

    # 1. slowloris: headers trickled one byte a second
    def slowloris():
        head = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        took, data = trickle(port, head, b"X-Slow: " + b"a" * 60, 1.0, 20)
        ok = took is not None and cut_window[0] <= took <= cut_window[1] and (not data or 400 <= (status_of(data) or 400) < 500)
        return f"cut after {took:.1f}s" if took else "never cut (20 s)", ok, f"answer={status_of(data)}"

    # 2. body trickled
    def body_trickle():
        head = request_bytes("POST", "/v1/modules/calc/invoke/add", length=200)
        took, data = trickle(port, head, b'{"args":[1,2]' + b" " * 187, 1.0, 20)
        code = status_of(data)
        ok = took is not None and cut_window[0] <= took <= cut_window[1] and (code is None or 400 <= code < 500)
        return f"cut after {took:.1f}s" if took else "never cut (20 s)", ok, f"answer={code}"

    # 3. a megabyte of headers
    def big_headers():
        lines = b"".join(b"X-Filler-%06d: %s\r\n" % (index, b"h" * 100) for index in range(9000))
        payload = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n" + lines + b"\r\n"
        took, data = send_and_read(port, payload, limit=15)
        code = status_of(data)
        ok = took is not None and (code is None or 400 <= code < 500)
        return f"{code or 'closed'} after {took:.1f}s" if took is not None else "hung", ok, f"{len(payload)} header bytes"
    case("1 MB of headers", "431/413/400 or closed", big_headers)

    # 4. Content-Length longer than the body: the client closes, or waits
    def lying_long_close():
        payload = request_bytes("POST", "/v1/modules/calc/invoke/add", body=b'{"args":[1,2]}', length=100)
        took, data = send_and_read(port, payload, limit=15, half_close=True)
        code = status_of(data)
        ok = took is not None and (code is None or 400 <= code < 500)
        return f"{code or 'closed'} after {took:.1f}s" if took is not None else "hung", ok, "client half-closes"
    case("Content-Length 100, 14 sent, then close", "closed or 4xx", lying_long_close)

    def lying_long_wait():
        payload = request_bytes("POST", "/v1/modules/calc/invoke/add", body=b'{"args":[1,2]}', length=100)
        took, data = send_and_read(port, payload, limit=20)
        code = status_of(data)
        ok = took is not None and took <= cut_window[1] and (code is None or 400 <= code < 500)
        return f"{code or 'closed'} after {took:.1f}s" if took is not None else "never cut (20 s)", ok, "client waits"

    # 5. Content-Length shorter than the body: the rest is the next request
    def lying_short():
        body = b'{"args":[1,2]}'
        first = request_bytes("POST", "/v1/modules/calc/invoke/add", body=body)
        second = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        took, data = send_and_read(port, first + second, limit=15)
        answers = responses(data)
        statuses = [status for status, _ in answers]
        ok = statuses == [200, 200] and json.loads(answers[0][1]).get("results") == [3] and b"ok" in answers[1][1]
        return f"answers {statuses}", ok, "invoke, then healthz on the same connection"
    case("Content-Length shorter: rest is next request", "[200 add=3, 200 healthz]", lying_short)

    # 6. invalid chunked encoding
    def bad_chunked(body, label):
        def run():
            head = (b"POST /v1/modules/calc/invoke/add HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    b"Transfer-Encoding: chunked\r\n\r\n")
            took, data = send_and_read(port, head + body, limit=15)
            code = status_of(data)
            ok = took is not None and (code is None or 400 <= code < 500) and took <= cut_window[1]
            return f"{code or 'closed'} after {took:.1f}s" if took is not None else "hung", ok, label
        return run
    case("chunked: size 'zz'", "400 or closed", bad_chunked(b"zz\r\n{}\r\n0\r\n\r\n", "non-hex size"))
    case_group([
        ("slowloris headers 1 byte/s", f"cut in ~{REQUEST_TIMEOUT}-{REQUEST_TIMEOUT + 1} s", slowloris),
        ("body trickled 1 byte/s", f"cut in ~{REQUEST_TIMEOUT}-{REQUEST_TIMEOUT + 1} s", body_trickle),
        ("Content-Length 100, 14 sent, then wait", f"cut by {REQUEST_TIMEOUT} s timeout", lying_long_wait),
        ("chunked: size ffffffffffffffff", "400/413 or closed", bad_chunked(b"ffffffffffffffff\r\n{}\r\n0\r\n\r\n", "huge size")),
    ])
    case("chunked: no CRLF after data", "400 or closed", bad_chunked(b"2\r\n{}XX0\r\n\r\n", "missing CRLF"))
    case("chunked + Content-Length", "400", lambda: (lambda r: (f"{r[0]}", r[0] == 400, "smuggling guard"))(
        rellib.raw_request(port, "POST", "/v1/modules/calc/invoke/add", b"{}", {"Transfer-Encoding": "chunked"})))

    # 7. bad percent-encoding in the path
    def percent(path, allowed=(400, 404)):
        def run():
            took, data = send_and_read(port, request_bytes("GET", path, headers={"Connection": "close"}), limit=10)
            code = status_of(data)
            body = data.partition(b"\r\n\r\n")[2]
            ok = code in allowed
            return f"{code} {problem_code(body)}", ok, path
        return run
    case("bad percent-encoding %zz", "400/404", percent("/v1/modules/%zz"))
    case("truncated percent-encoding %", "400/404", percent("/v1/modules/abc%"))
    case("percent-encoded invalid UTF-8 %c3%28", "400/404", percent("/v1/modules/%c3%28"))
    case("percent-encoded NUL %00", "400/404", percent("/v1/modules/a%00b"))
    case("bad percent-encoding in export", "400/404", percent("/v1/modules/calc/invoke/%zz", (400, 404, 405)))

    # 8. path traversal as {ref}
    def traversal():
        results = []
        for method, path in [("GET", "/v1/modules/..%2f..%2fetc%2fpasswd"),
                             ("DELETE", "/v1/modules/..%2f..%2fetc%2fpasswd"),
                             ("POST", "/v1/modules/..%2f..%2fetc%2fpasswd/invoke/add"),
                             ("POST", "/v1/modules/calc/invoke/..%2f..%2fetc%2fpasswd"),
                             ("GET", "/v1/modules/../../etc/passwd"),
                             ("POST", "/v1/modules?name=..%2f..%2fetc%2fpasswd")]:
            body = b"{}" if method == "POST" else b""
            status, _, data = rellib.raw_request(port, method, path, body)
            results.append((status, problem_code(data), b"root:" in data))
        ok = all(400 <= status < 500 and not leaked for status, _, leaked in results) and os.path.exists("/etc/passwd")
        return " ".join(f"{s}/{c}" for s, c, _ in results), ok, "no /etc/passwd content"
    case("..%2f..%2fetc%2fpasswd as {ref}/{export}/name", "404/400 each", traversal)

    # 9. JSON bodies
    def json_case(body, want_status, want_code, limit=30):
        def run():
            started = time.monotonic()
            status, _, data = rellib.raw_request(port, "POST", "/v1/modules/calc/invoke/add", body, timeout=limit)
            took = time.monotonic() - started
            code = problem_code(data)
            return f"{status} {code} in {took:.2f}s", status == want_status and code == want_code, f"{len(body)} bytes"
        return run
    case("non-UTF-8 JSON", "400 bad_request", json_case(b'{"args":[1,2],"input":"\xff\xfe"}', 400, "bad_request"))
    case("lone surrogate escape", "400 bad_request", json_case(b'{"args":[1,2],"input":"\\ud800"}', 400, "bad_request"))
    case("100,000 nested arrays", "400 bad_request", json_case(b'{"args":' + b"[" * 100000 + b"]" * 100000 + b"}", 400, "bad_request"))
    case("100,000 nested objects", "400 bad_request", json_case(b'{"a":' * 100000 + b"1" + b"}" * 100000, 400, "bad_request"))
    case("10 MB number (8 MiB limit)", "413 too_large", json_case(b'{"args":[' + b"1" * 10_000_000 + b',1]}', 413, "too_large"))

    def huge_numbers():
        """Numbers of 10 MB of digits on a daemon whose invoke limit lets them in."""
        big = Daemon(os.path.join(work, "data-big"), env=dict(env, WASMHOST_LIMITS_MAX_REQUEST_BYTES=str(32 << 20)),
                     log_path=os.path.join(work, "daemon-big.log")).start()
        try:
            big.request("POST", "/v1/modules?name=calc", body=ADD_WAT)
            results = []
            for label, number in (("digits", b"1" * 10_000_000), ("-digits", b"-" + b"9" * 10_000_000),
                                  ("1e999..", b"1e" + b"9" * 10_000_000), ("0.000..1", b"0." + b"0" * 10_000_000 + b"1")):
                started = time.monotonic()
                try:
                    status, _, data = rellib.raw_request(big.port, "POST", "/v1/modules/calc/invoke/add",
                                                         b'{"args":[' + number + b",1]}", timeout=patience)
                except OSError:
                    status, data = None, b""
                results.append((label, status, problem_code(data), time.monotonic() - started))
            ok = all(s == 400 and c == "bad_args" and t < 10 for _, s, c, t in results) and big.alive()
            return " ".join(f"{l}:{s}/{c}/{t:.1f}s" for l, s, c, t in results), ok, "no answer = still parsing"
        finally:
            big.kill9()  # a worker may still be busy with the number; no grace period
    case("10 MB numbers, 32 MiB invoke limit", "400 bad_args each, < 10 s", huge_numbers)

    def zeros_default_limit():
        """0.000...1 with 4 MB of zeros fits the default 8 MiB limit; while two are parsed,
        does an ordinary invocation still run?"""
        other = Daemon(os.path.join(work, "data-zeros"), env=env, log_path=os.path.join(work, "daemon-zeros.log")).start()
        try:
            other.request("POST", "/v1/modules?name=calc", body=ADD_WAT)
            body = b'{"args":[0.' + b"0" * 4_000_000 + b"1,1]}"
            answers = []
            def send():
                started = time.monotonic()
                try:
                    status, _, data = rellib.raw_request(other.port, "POST", "/v1/modules/calc/invoke/add", body, timeout=patience)
                except OSError:
                    status, data = None, b""
                answers.append((status, problem_code(data), time.monotonic() - started))
            threads = [threading.Thread(target=send) for _ in range(2)]
            for thread in threads:
                thread.start()
            time.sleep(1)
            started = time.monotonic()
            try:
                status, _, data = rellib.request(other.port, "POST", "/v1/modules/calc/invoke/add", body=b'{"args":[2,3]}', timeout=10)
            except OSError:
                status = None
            add_time = time.monotonic() - started
            for thread in threads:
                thread.join(patience + 5)
            ok = status == 200 and all(s == 400 for s, _, _ in answers)
            got = f"add {status} in {add_time:.1f}s; zeros: " + " ".join(f"{s}/{c}/{t:.1f}s" for s, c, t in answers)
            return got, ok, f"{len(body)} bytes each, 2 workers"
        finally:
            other.kill9()
    case("2 x 0.000..1 (4 MB zeros, default limits)", "400 bad_args fast; add still 200", zeros_default_limit)

    # 10. many connections at once
    def open_many(count):
        selector = selectors.DefaultSelector()
        socks, refused = {}, 0
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setblocking(False)
            if sock.connect_ex(("127.0.0.1", port)) not in (0, errno.EINPROGRESS):
                refused += 1
                sock.close()
                continue
            socks[sock.fileno()] = sock
        return selector, socks, refused

    def flood_requests():
        """Every connection sends GET /healthz: each must be answered or closed."""
        count = min(args.connections, rellib.raise_nofile(args.connections + 1000) - 200)
        started = time.monotonic()
        selector, socks, refused = open_many(count)
        state = {}
        for fd, sock in socks.items():
            state[fd] = None
            selector.register(sock, selectors.EVENT_WRITE)
        outcome = {"answered": 0, "closed": 0, "reset": 0}
        request = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        drained_at = None
        while socks and time.monotonic() - started < 60:
            for key, _ in selector.select(timeout=0.5):
                sock, fd = key.fileobj, key.fd
                if state[fd] is None:
                    try:
                        if sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                            raise OSError("connect failed")
                        sock.send(request)
                        state[fd] = b""
                        selector.modify(sock, selectors.EVENT_READ)
                        continue
                    except OSError:
                        chunk = None
                else:
                    try:
                        chunk = sock.recv(4096)
                    except OSError:
                        chunk = None
                    if chunk:
                        state[fd] += chunk
                        continue
                if chunk is None:
                    outcome["reset"] += 1
                elif state[fd].startswith(b"HTTP/1.1 200"):
                    outcome["answered"] += 1
                else:
                    outcome["closed"] += 1
                selector.unregister(sock)
                sock.close()
                del socks[fd]
            if not socks:
                drained_at = time.monotonic() - started
        hanging = len(socks)
        for sock in socks.values():
            sock.close()
        selector.close()
        got = (f"{count}: {outcome['answered']} answered, {outcome['closed']} closed, {outcome['reset']} reset, "
               f"{refused} refused, {hanging} unresolved after 60 s")
        note = f"all resolved in {drained_at:.1f}s" if drained_at else ""
        return got, hanging == 0 and daemon.alive(), note
    case(f"{args.connections} connections, each GET /healthz", "each answered or closed", flood_requests, healthz_budget=5)

    def flood_idle():
        """Connections that send nothing: past http.max_connections the daemon should
        close the excess, and /healthz on a new connection should still answer."""
        count = min(args.connections, rellib.raise_nofile(args.connections + 1000) - 200)
        selector, socks, refused = open_many(count)
        selector.close()
        started = time.monotonic()
        horizon = REQUEST_TIMEOUT * (4 if args.long else 2) + 2
        samples = []  # (sent at, ok, seconds)
        stop = threading.Event()
        def probe():
            while not stop.is_set():
                sent = time.monotonic() - started
                ok, seconds = daemon.healthz(timeout=horizon)
                samples.append((sent, ok, seconds))
                stop.wait(0.2)
        prober = threading.Thread(target=probe, daemon=True)
        prober.start()
        closed_at = {}
        while time.monotonic() - started < horizon:
            for fd, sock in socks.items():
                if fd in closed_at:
                    continue
                try:
                    if sock.recv(1) == b"":
                        closed_at[fd] = time.monotonic() - started
                except BlockingIOError:
                    pass
                except OSError:
                    closed_at[fd] = time.monotonic() - started
            time.sleep(0.25)
        stop.set()
        prober.join(horizon + 5)
        for sock in socks.values():
            sock.close()
        open_count = count - len(closed_at)
        worst = max((seconds for _, _, seconds in samples), default=horizon)
        failed = sum(1 for _, ok, _ in samples if not ok)
        first_ok = min((sent + seconds for sent, ok, seconds in samples if ok), default=None)
        within = sum(1 for t in closed_at.values() if t <= 2)
        got = (f"healthz worst {worst:.1f}s, {failed}/{len(samples)} failed, first answer at "
               f"{'%.1fs' % first_ok if first_ok is not None else 'never'}; of {count} idle: {within} closed within 2 s, "
               f"{len(closed_at)} by {horizon} s, {open_count} never accepted or closed")
        ok = worst < 2 and failed == 0 and open_count == 0
        return got, ok, "excess connections wait in the kernel backlog, unanswered" if open_count else ""
    case(f"{args.connections} idle connections", "healthz < 2 s; excess closed", flood_idle, healthz_budget=60)

    return rellib.finish(daemon, table, work)

if __name__ == "__main__":
    sys.exit(main())
