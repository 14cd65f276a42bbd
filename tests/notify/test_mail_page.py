"""The local Mail page shows an email's HTML part isolated (a sandboxed frame, the
document escaped into srcdoc), its text part with links, and its unsubscribe headers."""

from __future__ import annotations

from chalicelib.notify.mailer import build_mime
from chalicelib.notify.templates import Action, Footer, layout
from local.sandbox.mail import _article, _from_raw


def test_the_mail_page_frames_the_html_part_and_shows_the_text_and_headers(aws):
    email = layout(
        subject="A post did not go out",
        heading="A post did not go out",
        paragraphs=['<script>alert("x")</script> said the network'],
        action=Action("Open in Schedulo", "http://127.0.0.1:8000/posts/p_1"),
        workspace="Bakery",
        footer=Footer(reason="Why", unsubscribe_url="http://127.0.0.1:8000/unsubscribe?token=t"),
    )
    raw = build_mime("ada@example.com", email, "http://127.0.0.1:8000/v1/email/unsubscribe?token=t")
    shown = _article(_from_raw({"raw_data": raw.decode(), "destinations": ["ada@example.com"]}))

    assert "sandbox='allow-popups allow-popups-to-escape-sandbox'" in shown  # no allow-scripts
    srcdoc = shown.split('srcdoc="', 1)[1].split('"></iframe>', 1)[0]
    assert "<" not in srcdoc and "&lt;h1" in srcdoc  # the whole document is an attribute
    assert "&amp;lt;script&amp;gt;" in srcdoc  # the email escaped it, the page again
    assert "List-Unsubscribe: &lt;http://127.0.0.1:8000/v1/email/unsubscribe?token=t&gt;" in shown
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in shown
    assert "<a href='http://127.0.0.1:8000/posts/p_1'>" in shown  # the text part's link
    assert "&lt;script&gt;alert" in shown.split("Text part", 1)[1]
