#!/usr/bin/env python3
"""PolicyWatch executable hook: mails the alert through the local sendmail (Postfix, Exim, msmtp, nullmailer…).

Configure it as an executable channel, e.g. argv ["/usr/local/share/policywatch/hooks/sendmail-pipe.py"], with
    POLICYWATCH_MAIL_TO    recipients, comma-separated (required)
    POLICYWATCH_MAIL_FROM  sender address (optional; sendmail's default otherwise)
    SENDMAIL               the sendmail command (default: "/usr/sbin/sendmail -t -i"), split like a shell would
                           but run without one

PolicyWatch gives the event JSON on stdin and POLICYWATCH_EVENT_ID, POLICYWATCH_SERVICE, POLICYWATCH_DOCUMENT,
POLICYWATCH_SUBJECT, POLICYWATCH_CATEGORIES in the environment (single-line: no header injection). The
Message-ID is derived from the event id, so a duplicate delivery can be recognised. Exit status: sendmail's, or
2 when the configuration is incomplete. Standard library only.
"""

import email.policy
import json
import os
import shlex
import socket
import subprocess
import sys
from email.message import EmailMessage
from email.utils import formatdate


def main() -> int:
    recipients = [address.strip() for address in os.environ.get("POLICYWATCH_MAIL_TO", "").split(",")
                  if address.strip()]
    if not recipients:
        print("sendmail-pipe: set POLICYWATCH_MAIL_TO", file=sys.stderr)
        return 2
    raw = sys.stdin.buffer.read()
    try:
        event_text = json.dumps(json.loads(raw), indent=2, ensure_ascii=False)
    except ValueError:
        event_text = raw.decode("utf-8", errors="replace")

    event_id = os.environ.get("POLICYWATCH_EVENT_ID", "unknown")
    service = os.environ.get("POLICYWATCH_SERVICE", "")
    document = os.environ.get("POLICYWATCH_DOCUMENT", "")
    categories = os.environ.get("POLICYWATCH_CATEGORIES", "")
    subject = os.environ.get("POLICYWATCH_SUBJECT") or f"[PolicyWatch] {service} - {document}"

    message = EmailMessage(policy=email.policy.SMTP)
    message["Subject"] = subject
    message["To"] = ", ".join(recipients)
    if os.environ.get("POLICYWATCH_MAIL_FROM"):
        message["From"] = os.environ["POLICYWATCH_MAIL_FROM"]
    message["Date"] = formatdate(localtime=False)
    safe_id = "".join(c if c.isalnum() or c in "-_" else "=%02X" % ord(c) for c in event_id)
    message["Message-ID"] = f"<{safe_id}.policywatch@{socket.getfqdn()}>"
    message["Auto-Submitted"] = "auto-generated"
    lines = [f"Service:    {service}", f"Document:   {document}"]
    if categories:
        lines.append(f"Categories: {categories}")
    lines += ["", "Event:", event_text]
    message.set_content("\n".join(lines) + "\n")

    command = shlex.split(os.environ.get("SENDMAIL", "/usr/sbin/sendmail -t -i"))
    result = subprocess.run(command, input=message.as_bytes(), timeout=60)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
