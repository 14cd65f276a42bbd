"""Every email Schedulo sends, in one layout: an HTML part and a plain-text part saying the
same, the workspace concerned named at the top, one button to the thing concerned (its URL
also written out), and a footer saying why the email came and how to stop it.

Nothing here sends or reads anything: a template takes what it shows and answers an
`Email`. Every value shown in the HTML part is escaped here, whoever wrote it (a post's
text, a workspace's or member's name, a network's error message).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

BRAND = "Schedulo"
_URL = re.compile(r"https?://[^\s<>\"']+")
_ACCENT = "#4f46e5"


@dataclass(frozen=True)
class Action:
    label: str
    url: str


@dataclass(frozen=True)
class Row:
    text: str
    url: str | None = None


@dataclass(frozen=True)
class Section:
    """A titled list (the digest's "Published", "Failed", "Coming up", ...)."""

    title: str
    rows: Sequence[Row]
    empty: str = "Nothing."


@dataclass(frozen=True)
class Email:
    subject: str
    text: str
    html: str
    # The notification category (domain/emails.py) an unsubscribe link turns off; None
    # for account emails, which are not subscribed to.
    category: str | None = None
    # An email the person just asked for (verification, reset, change of address): still
    # sent to an address suppressed after a complaint (never after a bounce).
    requested: bool = False
    links: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Footer:
    """Why the email came, and the links to change that (absent for account emails)."""

    reason: str
    preferences_url: str | None = None
    unsubscribe_url: str | None = None
    unsubscribe_label: str = "Unsubscribe"


def layout(
    *,
    subject: str,
    heading: str,
    paragraphs: Sequence[str],
    footer: Footer,
    workspace: str | None = None,
    action: Action | None = None,
    sections: Sequence[Section] = (),
    category: str | None = None,
    requested: bool = False,
    after_action: Sequence[str] = (),
) -> Email:
    """The one layout. `paragraphs` are plain text (URLs in them become links in HTML)."""
    place = f"{BRAND} · {workspace}" if workspace else BRAND
    return Email(
        subject=subject,
        text=_text(place, heading, paragraphs, action, after_action, sections, footer),
        html=_html(place, heading, paragraphs, action, after_action, sections, footer, subject),
        category=category,
        requested=requested,
        links={"action": action.url} if action else {},
    )


def _text(
    place: str,
    heading: str,
    paragraphs: Sequence[str],
    action: Action | None,
    after_action: Sequence[str],
    sections: Sequence[Section],
    footer: Footer,
) -> str:
    parts = [place, "", heading, ""]
    for paragraph in paragraphs:
        parts += [paragraph, ""]
    if action:
        parts += [f"{action.label}:", action.url, ""]
    for paragraph in after_action:
        parts += [paragraph, ""]
    for section in sections:
        parts.append(section.title)
        if not section.rows:
            parts.append(f"  {section.empty}")
        for row in section.rows:
            parts.append(f"- {row.text}")
            if row.url:
                parts.append(f"  {row.url}")
        parts.append("")
    parts += ["--", footer.reason]
    if footer.preferences_url:
        parts.append(f"Notification settings: {footer.preferences_url}")
    if footer.unsubscribe_url:
        parts.append(f"{footer.unsubscribe_label}: {footer.unsubscribe_url}")
    return "\n".join(parts) + "\n"


def _linkify(text: str) -> str:
    """Escaped text with its URLs as links, its line breaks kept."""
    out, last = [], 0
    for found in _URL.finditer(text):
        out.append(html.escape(text[last : found.start()]))
        url = html.escape(found.group(0))
        out.append(f'<a href="{url}" style="color:{_ACCENT}">{url}</a>')
        last = found.end()
    out.append(html.escape(text[last:]))
    return "".join(out).replace("\n", "<br>")


def _html(
    place: str,
    heading: str,
    paragraphs: Sequence[str],
    action: Action | None,
    after_action: Sequence[str],
    sections: Sequence[Section],
    footer: Footer,
    subject: str,
) -> str:
    e = html.escape
    body = [f'<p style="margin:0 0 16px">{_linkify(p)}</p>' for p in paragraphs]
    if action:
        url = e(action.url)
        body.append(
            f'<p style="margin:24px 0"><a href="{url}" style="background:{_ACCENT};'
            "color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;"
            f'display:inline-block;font-weight:600">{e(action.label)}</a></p>'
            '<p style="margin:0 0 16px;font-size:13px;color:#555">Or open this address: '
            f'<a href="{url}" style="color:{_ACCENT};word-break:break-all">{url}</a></p>'
        )
    body += [f'<p style="margin:0 0 16px">{_linkify(p)}</p>' for p in after_action]
    for section in sections:
        items = (
            "".join(
                '<li style="margin:0 0 6px">'
                + (
                    f'<a href="{e(r.url)}" style="color:{_ACCENT}">{e(r.text)}</a>'
                    if r.url
                    else e(r.text)
                )
                + "</li>"
                for r in section.rows
            )
            or f'<li style="color:#777">{e(section.empty)}</li>'
        )
        body.append(
            f'<h2 style="font-size:16px;margin:24px 0 8px">{e(section.title)}</h2>'
            f'<ul style="margin:0;padding-left:20px">{items}</ul>'
        )
    links = []
    if footer.preferences_url:
        links.append(
            f'<a href="{e(footer.preferences_url)}" style="color:#555">Notification settings</a>'
        )
    if footer.unsubscribe_url:
        links.append(
            f'<a href="{e(footer.unsubscribe_url)}" style="color:#555">'
            f"{e(footer.unsubscribe_label)}</a>"
        )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{e(subject)}</title></head>"
        '<body style="margin:0;background:#f4f4f7;font-family:-apple-system,Segoe UI,Roboto,'
        'Helvetica,Arial,sans-serif;color:#1f2328">'
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0">'
        '<tr><td align="center" style="padding:24px 12px">'
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" '
        'style="max-width:600px;background:#ffffff;border-radius:8px">'
        f'<tr><td style="padding:16px 24px;border-bottom:1px solid #eee;font-weight:600;'
        f'color:{_ACCENT}">{e(place)}</td></tr>'
        f'<tr><td style="padding:24px;font-size:15px;line-height:1.5">'
        f'<h1 style="font-size:20px;margin:0 0 16px">{e(heading)}</h1>{"".join(body)}</td></tr>'
        '<tr><td style="padding:16px 24px;border-top:1px solid #eee;font-size:12px;'
        f'color:#555">{e(footer.reason)}'
        + (f"<br>{' · '.join(links)}" if links else "")
        + "</td></tr></table></td></tr></table></body></html>"
    )
