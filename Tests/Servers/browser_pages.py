#!/usr/bin/env python3
"""Pages for PolicyWatch's browser tests: text that scripts build, script challenges, scripts that never end.

Binds 127.0.0.1 on a free port, prints `PORT <n>` on stdout, serves until killed (and exits on its own when its
parent goes away). Every text is written for PolicyWatch's tests. Routes:
  /delayed            a privacy policy whose clauses a script inserts 300 ms after load
  /wall               403 and a script challenge (sets a cookie, reloads) without the cookie; the policy with it
  /spin               the policy, then a script that never returns
  /tofile             a script that sends the page to file:///etc/passwd
  /popup              a script that opens a pop-up and starts a download
  /static             the policy as plain HTML
  /banner             the policy under a newsletter banner (for filters), and a script that renames the page
  /doc/<n>            a script-built policy numbered n (for the benchmark)
  /files/<name>       a file of the folder given by --root (PDFs the tests make)
  /hits/<route>       how many requests a route saw
"""
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = None
HITS = {}
LOCK = threading.Lock()

POLICY = """<h1>Example Notes Privacy Policy</h1>
<p>Last updated: March 3, 2025</p>
<h2>What we collect</h2>
<p>We collect the notes you write and the address you sign up with.</p>
<h2>How we use it</h2>
<p>We use your notes to provide the service and never to train models.</p>"""


def page(body, title="Example Notes Privacy Policy", head=""):
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>%s</title>%s</head>"
            "<body>%s</body></html>" % (title, head, body)).encode()


def script_built(number, delay_ms=300):
    clauses = POLICY.replace("Example Notes", "Example Notes %d" % number) if number is not None else POLICY
    return page("<main id=\"policy\"></main><script>setTimeout(function () {"
                "document.getElementById('policy').innerHTML = %r; }, %d);</script>" % (clauses, delay_ms))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body, content_type="text/html; charset=utf-8", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?")[0]
        route = path.split("/")[1] if "/" in path else path
        with LOCK:
            HITS[route] = HITS.get(route, 0) + 1
        if path == "/delayed":
            self.send(200, script_built(None))
        elif path == "/static":
            self.send(200, page(POLICY))
        elif path == "/banner":
            self.send(200, page("<div class=\"banner\">Subscribe to our newsletter today</div>" + POLICY
                                + "<script>document.title = 'scripts ran';</script>"))
        elif path == "/wall":
            if "pw_challenge=passed" in (self.headers.get("Cookie") or ""):
                self.send(200, page(POLICY))
            else:
                body = page("<h1>Just a moment...</h1><p>Checking your browser.</p><script>"
                            "setTimeout(function () { document.cookie = 'pw_challenge=passed; path=/';"
                            " location.reload(); }, 200);</script>", title="Just a moment...")
                self.send(403, body)
        elif path == "/spin":
            self.send(200, page(POLICY + "<script>setTimeout(function () { for (;;) {} }, 50);</script>"))
        elif path == "/tofile":
            self.send(200, page(POLICY + "<script>location.href = 'file:///etc/passwd';</script>"))
        elif path == "/popup":
            self.send(200, page(POLICY + "<script>window.open('/static', '_blank');"
                                "var a = document.createElement('a'); a.href = '/download'; a.download = 'x.bin';"
                                " document.body.appendChild(a); a.click();</script>"))
        elif path == "/download":
            self.send(200, b"\0" * 1024, content_type="application/octet-stream",
                      headers=[("Content-Disposition", "attachment; filename=x.bin")])
        elif path.startswith("/doc/"):
            self.send(200, script_built(int(path[5:]), delay_ms=20))
        elif path.startswith("/files/") and ROOT:
            name = os.path.basename(path[7:])
            try:
                with open(os.path.join(ROOT, name), "rb") as handle:
                    data = handle.read()
            except OSError:
                self.send(404, b"not found", content_type="text/plain")
                return
            kind = "application/pdf" if name.endswith(".pdf") else "text/html; charset=utf-8"
            self.send(200, data, content_type=kind)
        elif path.startswith("/hits/"):
            with LOCK:
                self.send(200, str(HITS.get(path[6:], 0)).encode(), content_type="text/plain")
        else:
            self.send(404, page("<h1>Not found</h1>", title="Not found"))


def watch_parent(parent):
    while True:
        time.sleep(1)
        if os.getppid() != parent:
            os._exit(0)


def main():
    global ROOT
    arguments = sys.argv[1:]
    if "--root" in arguments:
        ROOT = arguments[arguments.index("--root") + 1]
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=watch_parent, args=(os.getppid(),), daemon=True).start()
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
