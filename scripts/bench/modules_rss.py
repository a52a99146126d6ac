#!/usr/bin/env python3
"""Uploads COUNT distinct small modules (add plus a different constant each) and
invokes each once, over one keep-alive connection. usage: modules_rss.py PORT COUNT
Prints "uploaded=N invoked=N seconds=S" and exits non-zero on any unexpected answer.
"""
import http.client
import json
import sys
import time

PORT, COUNT = int(sys.argv[1]), int(sys.argv[2])
connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)


def send(method, path, body):
    connection.request(method, path, body=body, headers={"Content-Type": "application/octet-stream"})
    response = connection.getresponse()
    return response.status, response.read()


start = time.perf_counter()
ids = []
for k in range(COUNT):
    wat = (f'(module (func (export "add") (param i32 i32) (result i32) '
           f'local.get 0 local.get 1 i32.add i32.const {k + 1000} i32.add))')
    status, body = send("POST", "/v1/modules", wat.encode())
    if status not in (200, 201):
        sys.exit(f"upload {k}: {status} {body[:200]!r}")
    ids.append(json.loads(body)["id"])
uploaded = time.perf_counter()
for k, module_id in enumerate(ids):
    status, body = send("POST", f"/v1/modules/{module_id}/invoke/add", b'{"args":[1,2]}')
    if status != 200 or json.loads(body)["results"] != [3 + k + 1000]:
        sys.exit(f"invoke {k}: {status} {body[:200]!r}")
done = time.perf_counter()
print(f"uploaded={len(ids)} invoked={len(ids)} upload_seconds={uploaded - start:.2f} invoke_seconds={done - uploaded:.2f}")
