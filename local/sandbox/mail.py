"""The local Mail page: what the app sent through SES (moto keeps a record of every
message), newest first, with its links clickable, so that a verification or reset link
can be followed without a mail server."""

from __future__ import annotations

import html
import re

import requests
from flask import Flask

LINK = re.compile(r"https?://[^\s<>\"]+")


def register_mail_page(app: Flask, aws_url: str) -> None:
    @app.get("/mail")
    def mail():
        data = requests.get(f"{aws_url}/moto-api/data.json", timeout=10).json()
        messages = data.get("ses", {}).get("Message", [])
        return _page(list(reversed(messages)))


def _page(messages: list[dict]) -> str:
    rows = []
    for message in messages:
        to = ", ".join(message.get("destinations", {}).get("ToAddresses", []))
        body = LINK.sub(
            lambda found: f"<a href='{found.group(0)}'>{found.group(0)}</a>",
            html.escape(message.get("body") or "", quote=False),
        )
        rows.append(
            "<article class='mail'>"
            f"<header><strong>{html.escape(message.get('subject') or '(no subject)')}</strong>"
            f"<br><small>to {html.escape(to)} · from {html.escape(message.get('source') or '')}"
            "</small></header>"
            f"<p>{body}</p></article>"
        )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Sandbox mail</title>"
        "<style>body{font-family:system-ui;max-width:760px;margin:2rem auto;padding:0 1rem}"
        ".mail{border:1px solid #ddd;border-radius:8px;padding:.75rem;margin:.5rem 0}"
        "p{white-space:pre-wrap;overflow-wrap:anywhere}</style></head><body>"
        "<h1>Mail sent by Schedulo</h1><p>Every email the local stack sent, newest first.</p>"
        + ("".join(rows) or "<p>No email sent yet.</p>")
        + "</body></html>"
    )
