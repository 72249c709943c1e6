#!/usr/bin/env python3
"""PolicyWatch executable hook: posts the alert to a Slack-style incoming webhook (Slack, Mattermost, Rocket.Chat…).

Configure it as an executable channel, e.g. argv ["/usr/local/share/policywatch/hooks/slack-webhook.py"], with
    SLACK_WEBHOOK_URL   the incoming-webhook URL (required unless --print); it is a secret: keep it in the
                        channel's environment, not in argv (argv is visible in `ps`)
Options:
    --print             write the payload to stdout instead of posting it

PolicyWatch gives the event JSON on stdin and POLICYWATCH_EVENT_ID, POLICYWATCH_SERVICE, POLICYWATCH_DOCUMENT,
POLICYWATCH_SUBJECT, POLICYWATCH_CATEGORIES in the environment. Exit status 0 when the webhook answered 2xx,
1 on an HTTP or network error (PolicyWatch then keeps the alert and retries), 2 on incomplete configuration.
Standard library only.
"""

import json
import os
import sys
import urllib.error
import urllib.request


def payload(event: dict) -> dict:
    service = os.environ.get("POLICYWATCH_SERVICE", "")
    document = os.environ.get("POLICYWATCH_DOCUMENT", "")
    categories = os.environ.get("POLICYWATCH_CATEGORIES", "")
    subject = os.environ.get("POLICYWATCH_SUBJECT") or f"{service} - {document} changed"
    fields = [{"type": "mrkdwn", "text": f"*Service*\n{service}"},
              {"type": "mrkdwn", "text": f"*Document*\n{document}"}]
    if categories:
        fields.append({"type": "mrkdwn", "text": f"*New data-use language*\n{categories}"})
    return {
        "text": subject,  # the notification text and the fallback for clients without blocks
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": subject[:150]}},
            {"type": "section", "fields": fields},
            {"type": "context", "elements": [
                {"type": "mrkdwn", "text": f"PolicyWatch event `{os.environ.get('POLICYWATCH_EVENT_ID', '')}`"}]},
        ],
        "policywatch_event": event,
    }


def main() -> int:
    raw = sys.stdin.buffer.read()
    try:
        event = json.loads(raw)
    except ValueError:
        event = {"raw": raw.decode("utf-8", errors="replace")}
    body = json.dumps(payload(event), ensure_ascii=False).encode("utf-8")
    if "--print" in sys.argv[1:]:
        sys.stdout.write(body.decode("utf-8") + "\n")
        return 0
    url = os.environ.get("SLACK_WEBHOOK_URL", "")
    if not url.startswith(("https://", "http://")):
        print("slack-webhook: set SLACK_WEBHOOK_URL to an http(s) URL", file=sys.stderr)
        return 2
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            response.read()
    except urllib.error.HTTPError as error:
        print(f"slack-webhook: the webhook answered HTTP {error.code}", file=sys.stderr)
        return 1
    except (urllib.error.URLError, OSError) as error:
        print(f"slack-webhook: {getattr(error, 'reason', error)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
