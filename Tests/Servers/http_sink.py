#!/usr/bin/env python3
"""A tiny HTTP server for PolicyWatch's webhook tests (standard library only).

Binds 127.0.0.1 on a free port, prints the port on stdout, and answers every POST. Each request it receives is
written to CAPTURE_DIR/NNN.json (method, path, headers, body as text, the status answered), before answering.

Exits when its parent process dies (checked every 0.2 s) or on SIGTERM.

Options:
  --capture-dir DIR   where requests go (required)
  --fail N            answer the first N requests with 500 (default 0)
  --status CODE       answer the other requests with CODE (default 200)
  --retry-after SECS  add "Retry-After: SECS" to the 500 answers
"""

import argparse
import json
import os
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer


def main() -> None:
    # A parent's thread may have blocked signals, and the mask survives exec: unblock them so SIGTERM works.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    parser = argparse.ArgumentParser()
    parser.add_argument("--capture-dir", required=True)
    parser.add_argument("--fail", type=int, default=0)
    parser.add_argument("--status", type=int, default=200)
    parser.add_argument("--retry-after")
    args = parser.parse_args()
    state = {"count": 0}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *arguments):  # keep test output clean
            pass

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            with lock:
                state["count"] += 1
                number = state["count"]
            status = 500 if number <= args.fail else args.status
            record = {
                "method": self.command,
                "path": self.path,
                "headers": [[name, value] for name, value in self.headers.items()],
                "body": body.decode("utf-8", errors="replace"),
                "status": status,
            }
            path = os.path.join(args.capture_dir, f"{number:03d}.json")
            with open(path + ".tmp", "w", encoding="utf-8") as handle:
                json.dump(record, handle, indent=1)
            os.rename(path + ".tmp", path)
            answer = b'{"ok": %s}\n' % (b"true" if status < 300 else b"false")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            if status == 500 and args.retry_after:
                self.send_header("Retry-After", args.retry_after)
            self.end_headers()
            self.wfile.write(answer)

    server = HTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)

    parent = os.getppid()

    def watch_parent():
        while os.getppid() == parent:
            threading.Event().wait(0.2)
        os._exit(0)

    threading.Thread(target=watch_parent, daemon=True).start()
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    server.serve_forever()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
