"""The local Mail page: what the app sent through SES (moto keeps a record of every
message), newest first, so that a verification or reset link can be followed without a
mail server. Each email shows its headers (List-Unsubscribe among them), its HTML part as
a mail client would (in a sandboxed frame: no script, no access to this page, links open
in a new tab) and its text part with its links clickable."""

from __future__ import annotations

import email
import html
import re
from email.message import EmailMessage
from email.policy import default

import requests
from flask import Flask

LINK = re.compile(r"https?://[^\s<>\"]+")
SHOWN_HEADERS = ("List-Unsubscribe", "List-Unsubscribe-Post")


def register_mail_page(app: Flask, aws_url: str) -> None:
    @app.get("/mail")
    def mail():
        data = requests.get(f"{aws_url}/moto-api/data.json", timeout=10).json()
        ses = data.get("ses", {})
        raw = [_from_raw(m) for m in ses.get("RawMessage", [])]
        simple = [_from_simple(m) for m in ses.get("Message", [])]
        return _page(list(reversed(raw)) + list(reversed(simple)))


def _from_raw(message: dict) -> dict:
    parsed = email.message_from_string(message.get("raw_data") or "", policy=default)
    assert isinstance(parsed, EmailMessage)
    text = parsed.get_body(preferencelist=("plain",))
    rich = parsed.get_body(preferencelist=("html",))
    return {
        "subject": str(parsed.get("Subject") or ""),
        "to": ", ".join(dict.fromkeys(message.get("destinations") or [])),
        "from": str(parsed.get("From") or message.get("source") or ""),
        "headers": [(h, str(parsed[h])) for h in SHOWN_HEADERS if parsed[h]],
        "text": str(text.get_content()) if text is not None else "",
        "html": str(rich.get_content()) if rich is not None else None,
    }


def _from_simple(message: dict) -> dict:
    return {
        "subject": message.get("subject") or "",
        "to": ", ".join(message.get("destinations", {}).get("ToAddresses", [])),
        "from": message.get("source") or "",
        "headers": [],
        "text": message.get("body") or "",
        "html": None,
    }


def _article(message: dict) -> str:
    e = html.escape
    text = LINK.sub(
        lambda found: f"<a href='{found.group(0)}'>{found.group(0)}</a>",
        e(message["text"], quote=False),
    )
    headers = "".join(
        f"<br><small>{e(name)}: {e(value)}</small>" for name, value in message["headers"]
    )
    frame = ""
    if message["html"] is not None:
        # The email's own HTML, isolated: an opaque origin, no script, links in a new tab.
        document = message["html"].replace("<head>", "<head><base target='_blank'>", 1)
        frame = (
            "<iframe title='HTML part' sandbox='allow-popups allow-popups-to-escape-sandbox'"
            f' srcdoc="{e(document, quote=True)}"></iframe>'
        )
    return (
        "<article class='mail'>"
        f"<header><strong>{e(message['subject'] or '(no subject)')}</strong>"
        f"<br><small>to {e(message['to'])} · from {e(message['from'])}</small>{headers}</header>"
        f"{frame}<details open><summary>Text part</summary>"
        f"<p class='text'>{text}</p></details></article>"
    )


def _page(messages: list[dict]) -> str:
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Sandbox mail</title>"
        "<style>body{font-family:system-ui;max-width:760px;margin:2rem auto;padding:0 1rem}"
        ".mail{border:1px solid #ddd;border-radius:8px;padding:.75rem;margin:.5rem 0}"
        "iframe{width:100%;height:420px;border:1px solid #eee;border-radius:6px;margin:.5rem 0}"
        ".text{white-space:pre-wrap;overflow-wrap:anywhere}</style></head><body>"
        "<h1>Mail sent by Schedulo</h1><p>Every email the local stack sent, newest first: "
        "the HTML part as a mail client shows it, and the text part.</p>"
        + ("".join(_article(m) for m in messages) or "<p>No email sent yet.</p>")
        + "</body></html>"
    )
