"""Every email in one layout (issue 23): an HTML part and a text part saying the same,
the workspace named, a link to the thing concerned, no unescaped user text in the HTML.
The emails are made the way users make them (the API) and read as SES received them."""

from __future__ import annotations

import html
import re

import pytest

from tests.support.factories import call, invite, signup, unique_email
from tests.support.mail import html_part, sent_mime, text_part

HOSTILE = '<img src=x onerror="alert(1)">&amp; "Bob\'s" shop'
RESET_LINK = re.compile(r"https?://\S+/reset-password\?token=[\w-]+")
VERIFY_LINK = re.compile(r"https?://\S+/verify-email\?token=[\w-]+")


def _last(to: str, subject_part: str):  # type: ignore[no-untyped-def]
    found = [m for m in sent_mime(to) if subject_part in str(m["Subject"])]
    assert found, (
        f"no email to {to} about {subject_part!r}: {[str(m['Subject']) for m in sent_mime(to)]}"
    )
    return found[-1]


def _assert_layout(message, link: str, workspace: str | None = None) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """Both parts, the link in each (in HTML as an attribute, escaped), the workspace
    named in each (escaped in HTML); returns (text, html)."""
    assert message.get_content_type() == "multipart/alternative"
    text, rich = text_part(message), html_part(message)
    assert link in text
    assert f'href="{link}"' in rich.replace("&amp;", "&")
    if workspace is not None:  # at the top of both parts
        assert text.startswith(f"Schedulo · {workspace}\n")
        assert f">Schedulo · {html.escape(workspace)}</td>" in rich
    return text, rich


def _no_raw_markup(rich: str) -> None:
    assert "<img" not in rich and 'onerror="alert' not in rich
    assert "<script" not in rich


def test_verification_reset_and_change_of_address_come_in_the_layout(client):
    user = signup(client, verified=False)
    verification = _last(user.email, "Confirm your email")
    link = VERIFY_LINK.search(text_part(verification)).group(0)
    text, rich = _assert_layout(verification, link)
    assert "Confirm your email" in rich and "works once, for 3 days" in rich
    assert f"Schedulo account of {user.email}" in text  # why it came

    assert call(client, "POST", "/v1/auth/password-reset", {"email": user.email}).status_code == 202
    reset = _last(user.email, "Reset your Schedulo password")
    link = RESET_LINK.search(text_part(reset)).group(0)
    _assert_layout(reset, link)
    assert "List-Unsubscribe" not in reset  # an account email is not subscribed to


def test_an_invitation_names_the_workspace_escaped_and_links_to_the_acceptance(client):
    owner = signup(client)
    renamed = call(
        client, "PATCH", f"/v1/workspaces/{owner.workspace_id}", {"name": HOSTILE}, owner.headers
    )
    assert renamed.status_code == 200, renamed.body
    guest = unique_email("guest")
    invite(client, owner, guest)
    message = _last(guest, "invited you")
    link = re.search(r"https?://\S+/invitations/\S+", text_part(message)).group(0)
    text, rich = _assert_layout(message, link, workspace=HOSTILE)
    assert HOSTILE in text  # the text part says it as written
    _no_raw_markup(rich)
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;amp;" in rich
    assert "Accept the invitation" in rich


@pytest.mark.parametrize(
    ("kind", "link", "unsubscribable"),
    [
        ("post.failed", "/posts/p_1", True),
        ("account.needs_reconnect", "/accounts", True),
        ("account.expiring", "/accounts", True),
        ("post.approval_requested", "/approvals", True),
        ("security.new_sign_in", "/settings/account", False),
        ("billing.payment_failed", "/settings/billing", False),
    ],
)
def test_each_notification_kind_names_the_workspace_and_links_to_its_subject(
    client, kind, link, unsubscribable
):
    from chalicelib.notify import notify

    owner = signup(client)
    call(client, "PATCH", f"/v1/workspaces/{owner.workspace_id}", {"name": HOSTILE}, owner.headers)
    notify(owner.workspace_id, kind, "Something <b>happened</b>", f"Said by {HOSTILE}", link)
    message = _last(owner.email, "Something <b>happened</b>")
    text, rich = _assert_layout(message, _origin() + link, workspace=HOSTILE)
    assert HOSTILE in text and "Something <b>happened</b>" in text
    _no_raw_markup(rich)
    assert "<b>happened" not in rich and "Something &lt;b&gt;happened&lt;/b&gt;" in rich
    assert "&lt;img" in rich  # the workspace's name and the message, escaped
    assert "/settings/notifications" in text  # where to change what comes
    assert ("List-Unsubscribe" in message) is unsubscribable
    if unsubscribable:
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert re.search(r"/unsubscribe\?token=", text)


def _origin() -> str:
    from chalicelib.settings import get_settings

    return get_settings().frontend_origin.rstrip("/")
