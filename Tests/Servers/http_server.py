#!/usr/bin/env python3
"""PolicyWatch's test HTTP server: serves every case the fetcher and the checker are tested against.

Binds 127.0.0.1 on the port given (0 = any free port), prints `PORT <n>` on stdout, and serves until killed.
It also exits on its own when its parent process goes away, so a crashed test run leaves nothing behind.
Every handler is bounded in time. Routes:
  /page/<id>?size=N      200, ETag + Last-Modified derived from the id and size; 304 on a matching validator
  /plain                 200 without validators
  /gzip                  200, gzip-encoded HTML
  /gzipbomb              a few KB of gzip inflating to 64 MiB
  /big?size=N            N bytes of uncompressed body
  /trickle               one byte every 0.5 s (for up to 60 s)
  /stall                 headers, then nothing (for up to 60 s)
  /reset                 the connection is reset without an answer
  /flaky/<key>           500 the first time for a key, then 200
  /ratelimited/<key>?after=S   429 with Retry-After: S the first time for a key, then 200
  /status/<code>         that status with a small body
  /redirect/<n>          a chain of n redirects ending at /page/redirected
  /loop                  redirects to itself
  /tofile                302 to file:///etc/passwd
  /latin1                ISO-8859-1 bytes with `charset=iso-8859-1`
  /slow/<id>             200 after 0.3 s; /maxinflight tells the most /slow requests seen at once
  /echo                  the request headers, as text
  /count/<key>           how many requests /flaky|/ratelimited saw for key (for assertions)
  /dir/<prefix>/...      files under the directory given by --root (for serving stores of pages)
"""
import gzip
import hashlib
import os
import socket
import struct
import sys
import threading
import tempfile
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse, parse_qs

ROOT = None
COUNTS = {}
INFLIGHT = [0, 0]  # requests to /slow in flight now, and the most seen at once
LOCK = threading.Lock()
BOMB = None


def bomb():
    """64 MiB of zeros gzipped (about 64 KB), made once per machine and cached in the temp directory."""
    global BOMB
    with LOCK:
        if BOMB is None:
            path = os.path.join(tempfile.gettempdir(), "policywatch-test-gzipbomb-64m.gz")
            if not os.path.exists(path):
                compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
                zeros = b"\0" * (1 << 20)
                data = b"".join(compressor.compress(zeros) for _ in range(64)) + compressor.flush()
                temporary = "%s.%d" % (path, os.getpid())
                with open(temporary, "wb") as handle:
                    handle.write(data)
                os.replace(temporary, path)
            with open(path, "rb") as handle:
                BOMB = handle.read()
        return BOMB


def page_body(name, size):
    paragraph = ("<p>Clause %s: we keep your account data while your account exists.</p>\n" % name).encode()
    head = b"<!doctype html><html><head><meta charset=utf-8><title>Test page</title></head><body><main>\n"
    tail = b"</main></body></html>\n"
    repeats = max(1, (size - len(head) - len(tail)) // len(paragraph) + 1)
    return head + paragraph * repeats + tail


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "PolicyWatchTestServer/1"

    def log_message(self, *args):
        pass

    def send_body(self, status, body, content_type="text/html; charset=utf-8", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def count(self, key):
        with LOCK:
            COUNTS[key] = COUNTS.get(key, 0) + 1
            return COUNTS[key]

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        url = urlparse(self.path)
        query = parse_qs(url.query)
        parts = [p for p in url.path.split("/") if p]
        route = parts[0] if parts else ""
        if route == "page":
            name = parts[1] if len(parts) > 1 else "index"
            size = int(query.get("size", ["2000"])[0])
            etag = '"%s"' % hashlib.sha1(("%s/%d" % (name, size)).encode()).hexdigest()[:16]
            modified = "Mon, 16 Sep 2024 08:00:00 GMT"
            if self.headers.get("If-None-Match") == etag or (
                self.headers.get("If-None-Match") is None and self.headers.get("If-Modified-Since") == modified
            ):
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_body(200, page_body(name, size), headers=[("ETag", etag), ("Last-Modified", modified)])
        elif route == "plain":
            self.send_body(200, page_body("plain", 500))
        elif route == "gzip":
            body = gzip.compress(page_body("gzip", 20000))
            self.send_body(200, body, headers=[("Content-Encoding", "gzip")])
        elif route == "gzipbomb":
            self.send_body(200, bomb(), headers=[("Content-Encoding", "gzip")])
        elif route == "big":
            size = int(query.get("size", [str(30 * 1024 * 1024)])[0])
            self.send_body(200, b"a" * size, content_type="text/plain")
        elif route == "trickle":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            for _ in range(120):
                try:
                    self.wfile.write(b"x")
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(0.5)
        elif route == "stall":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.flush()
            time.sleep(60)
        elif route == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
        elif route == "flaky":
            key = "flaky/" + (parts[1] if len(parts) > 1 else "")
            if self.count(key) == 1:
                self.send_body(500, b"<h1>Internal Server Error</h1>")
            else:
                self.send_body(200, page_body("flaky", 800))
        elif route == "ratelimited":
            key = "ratelimited/" + (parts[1] if len(parts) > 1 else "")
            after = query.get("after", ["1"])[0]
            if self.count(key) == 1:
                self.send_body(429, b"<h1>Too Many Requests</h1>", headers=[("Retry-After", after)])
            else:
                self.send_body(200, page_body("ratelimited", 800))
        elif route == "status":
            code = int(parts[1]) if len(parts) > 1 else 500
            self.count("status/%d" % code)
            self.send_body(code, ("<h1>Status %d</h1>" % code).encode())
        elif route == "redirect":
            remaining = int(parts[1]) if len(parts) > 1 else 1
            target = "/redirect/%d" % (remaining - 1) if remaining > 1 else "/page/redirected"
            self.send_body(302, b"", headers=[("Location", target)])
        elif route == "loop":
            self.send_body(302, b"", headers=[("Location", "/loop")])
        elif route == "tofile":
            self.send_body(302, b"", headers=[("Location", "file:///etc/passwd")])
        elif route == "latin1":
            body = "<html><body><p>Politique de confidentialit\u00e9 : donn\u00e9es conserv\u00e9es</p></body></html>"
            self.send_body(200, body.encode("iso-8859-1"), content_type="text/html; charset=ISO-8859-1")
        elif route == "slow":
            with LOCK:
                INFLIGHT[0] += 1
                INFLIGHT[1] = max(INFLIGHT[1], INFLIGHT[0])
            time.sleep(0.3)
            with LOCK:
                INFLIGHT[0] -= 1
            self.send_body(200, page_body("slow", 300))
        elif route == "maxinflight":
            with LOCK:
                value = INFLIGHT[1]
            self.send_body(200, str(value).encode(), content_type="text/plain")
        elif route == "echo":
            lines = "".join("%s: %s\n" % (k, v) for k, v in self.headers.items())
            self.send_body(200, lines.encode(), content_type="text/plain; charset=utf-8")
        elif route == "count":
            key = "/".join(parts[1:])
            with LOCK:
                value = COUNTS.get(key, 0)
            self.send_body(200, str(value).encode(), content_type="text/plain")
        elif route == "dir" and ROOT is not None:
            relative = os.path.normpath("/".join(parts[1:]))
            path = os.path.join(ROOT, relative)
            if relative.startswith("..") or not os.path.isfile(path):
                self.send_body(404, b"<h1>Not Found</h1>")
            else:
                with open(path, "rb") as handle:
                    self.send_body(200, handle.read())
        else:
            self.send_body(404, b"<h1>Not Found</h1>")


def watch_parent(parent):
    while True:
        if os.getppid() != parent:
            os._exit(0)
        time.sleep(0.5)


def main():
    global ROOT
    port = 0
    arguments = sys.argv[1:]
    if "--root" in arguments:
        ROOT = arguments[arguments.index("--root") + 1]
    if "--port" in arguments:
        port = int(arguments[arguments.index("--port") + 1])
    # --hosts N also listens on 127.0.0.2 … 127.0.0.N (same port), to stand for N sites in benchmarks.
    hosts = int(arguments[arguments.index("--hosts") + 1]) if "--hosts" in arguments else 1
    ThreadingHTTPServer.request_queue_size = 256
    ThreadingHTTPServer.daemon_threads = True
    servers = [ThreadingHTTPServer(("127.0.0.1", port), Handler)]
    port = servers[0].server_address[1]
    for host in range(2, hosts + 1):
        servers.append(ThreadingHTTPServer(("127.0.0.%d" % host, port), Handler))
    threading.Thread(target=watch_parent, args=(os.getppid(),), daemon=True).start()
    bomb()
    for extra in servers[1:]:
        threading.Thread(target=extra.serve_forever, daemon=True).start()
    print("PORT %d" % port, flush=True)
    servers[0].serve_forever()


if __name__ == "__main__":
    main()
