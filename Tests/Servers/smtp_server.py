#!/usr/bin/env python3
"""A real SMTP server for PolicyWatch's tests (aiosmtpd; Debian's python3-aiosmtpd).

Binds 127.0.0.1 on a free port, prints the port on stdout, and writes every accepted message to
CAPTURE_DIR/NNN.json (written to a temporary name, then renamed) before answering 250, so a client that got
its 250 can read the file at once. The JSON holds the envelope, the raw message and the message as Python's
email parser sees it (decoded headers, each part's type, charset, transfer encoding and decoded content).

Exits when its parent process dies (checked every 0.2 s) or on SIGTERM.

Options:
  --capture-dir DIR        where messages go (required)
  --auth USER:PASSWORD     offer AUTH (PLAIN/LOGIN) and require it; allowed without TLS
  --tls-cert F --tls-key F offer STARTTLS with this certificate
  --require-starttls       refuse MAIL before STARTTLS
  --implicit-tls           TLS from the first byte (smtps) instead of STARTTLS
  --reject ADDRESS         answer RCPT TO:<ADDRESS> with 550 (repeatable)
  --delay-data SECONDS     wait this long before answering the end of DATA (a slow server)
"""

import argparse
import asyncio
import email
import email.policy
import json
import logging
import os
import signal
import ssl
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def parse_message(raw: bytes) -> dict:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    parts = []
    for part in message.walk():
        if part.is_multipart():
            continue
        parts.append({
            "content_type": part.get_content_type(),
            "charset": part.get_content_charset(),
            "transfer_encoding": part.get("Content-Transfer-Encoding"),
            "content": part.get_content(),
        })
    return {
        "headers": [[name, str(value)] for name, value in message.items()],
        "subject": str(message["Subject"]),
        "content_type": message.get_content_type(),
        "defects": [type(defect).__name__ for defect in message.defects],
        "parts": parts,
    }


class Handler:
    def __init__(self, capture_dir: str, reject: set, delay: float):
        self.capture_dir = capture_dir
        self.reject = reject
        self.delay = delay
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.reject:
            return f"550 5.1.1 <{address}>: Recipient address rejected: no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        self.count += 1
        raw = envelope.original_content or envelope.content
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "tls": server.transport.get_extra_info("ssl_object") is not None,
            "authenticated": bool(session.authenticated),
            "login": session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None,
            "raw": raw.decode("latin-1"),
            **parse_message(raw),
        }
        path = os.path.join(self.capture_dir, f"{self.count:03d}.json")
        with open(path + ".tmp", "w", encoding="utf-8") as handle:
            json.dump(record, handle, indent=1)
        os.rename(path + ".tmp", path)
        return "250 2.0.0 Message accepted for delivery"


def make_authenticator(user: str, password: str):
    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user \
            and auth_data.password.decode() == password
        # handled=False: aiosmtpd then answers a failure with 535 itself (handled=True would leave it unanswered).
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)
    return authenticator


async def main() -> None:
    # A parent's thread may have blocked signals, and the mask survives exec: unblock them so SIGTERM works.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    parser = argparse.ArgumentParser()
    parser.add_argument("--capture-dir", required=True)
    parser.add_argument("--auth")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--require-starttls", action="store_true")
    parser.add_argument("--implicit-tls", action="store_true")
    parser.add_argument("--reject", action="append", default=[])
    parser.add_argument("--delay-data", type=float, default=0)
    args = parser.parse_args()
    # aiosmtpd warns about AUTH without TLS (wanted here) and logs each failed TLS handshake (tested on purpose).
    warnings.filterwarnings("ignore")
    logging.getLogger("mail.log").setLevel(logging.CRITICAL)

    context = None
    if args.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls_cert, args.tls_key)

    handler = Handler(args.capture_dir, {address.lower() for address in args.reject}, args.delay_data)
    options = {"hostname": "smtp.test", "ident": "PolicyWatch test SMTP"}
    if args.auth:
        user, password = args.auth.split(":", 1)
        options.update(authenticator=make_authenticator(user, password), auth_required=True,
                       auth_require_tls=False)
    if context and not args.implicit_tls:
        options.update(tls_context=context, require_starttls=args.require_starttls)

    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(handler, **options), "127.0.0.1", 0,
                                      ssl=context if args.implicit_tls else None)
    print(server.sockets[0].getsockname()[1], flush=True)

    parent = os.getppid()
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    while not stop.is_set() and os.getppid() == parent:
        try:
            await asyncio.wait_for(stop.wait(), 0.2)
        except asyncio.TimeoutError:
            pass
    server.close()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
