"""One-click unsubscribe (RFC 8058, issue 23): each email of a category carries
`List-Unsubscribe: <https://...>` and `List-Unsubscribe-Post: List-Unsubscribe=One-Click`;
the mail client's POST there, without sign-in, turns that category off for that member in
that workspace; a GET leads to the web app's confirmation page and changes nothing."""

from __future__ import annotations

import base64
import json
import re
from urllib.parse import urlsplit

from chalicelib.notify import notify
from tests.support.factories import add_member, call, signup
from tests.support.mail import sent_mime, text_part

PATH = "/v1/workspaces/{}/notification-preferences"


def _failure_emails(email: str) -> list:  # type: ignore[type-arg]
    return [m for m in sent_mime(email) if "did not go out" in str(m["Subject"])]


def _one_click(client, url: str, body: bytes = b"List-Unsubscribe=One-Click"):  # type: ignore[no-untyped-def]
    parts = urlsplit(url)
    return client.http.request(
        "POST",
        f"{parts.path}?{parts.query}",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=body,
    )


def test_the_one_click_post_turns_the_category_off_for_that_member_only(client):
    owner = signup(client)
    admin = add_member(client, owner, "admin")
    notify(owner.workspace_id, "post.failed", "A post did not go out", "why", "/posts/p_1")
    (message,) = _failure_emails(owner.email)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.fullmatch(r"<(.+)>", message["List-Unsubscribe"]).group(1)
    assert "/v1/email/unsubscribe?token=" in url

    opened = client.http.request("GET", f"{urlsplit(url).path}?{urlsplit(url).query}")
    assert opened.status_code == 303
    assert "/unsubscribe?token=" in opened.headers["Location"]
    got = call(client, "GET", PATH.format(owner.workspace_id), headers=owner.headers)
    assert got.json["immediate"]["failures"] is True  # a GET changes nothing

    done = _one_click(client, url)  # no Authorization header
    assert done.status_code == 200, done.body
    got = call(client, "GET", PATH.format(owner.workspace_id), headers=owner.headers)
    assert got.json["immediate"] == {
        "failures": False,
        "connections": True,
        "approvals": True,
        "security": True,
    }
    assert _one_click(client, url).status_code == 200  # again: still off, no error

    notify(owner.workspace_id, "post.failed", "A post did not go out", "again", "/posts/p_2")
    assert len(_failure_emails(owner.email)) == 1
    assert len(_failure_emails(admin.email)) == 2  # the admin's own choice stands


def test_the_footer_link_opens_the_confirmation_and_details_say_what_it_stops(client):
    owner = signup(client)
    notify(owner.workspace_id, "account.expiring", "Bakery's access expires soon", "x", "/accounts")
    (message,) = [m for m in sent_mime(owner.email) if "expires soon" in str(m["Subject"])]
    page = re.search(r"https?://\S+/unsubscribe\?token=(\S+)", text_part(message))
    details = call(client, "GET", f"/v1/email/unsubscribe/details?token={page.group(1)}")
    assert details.status_code == 200, details.body
    assert details.json == {
        "category": "connections",
        "workspace": "Test User's workspace",
        "email": owner.email,
        "subscribed": True,
    }


def test_forged_or_altered_tokens_change_nothing(client):
    owner = signup(client)
    notify(owner.workspace_id, "post.failed", "A post did not go out", "why", "/posts/p_1")
    (message,) = _failure_emails(owner.email)
    url = re.fullmatch(r"<(.+)>", message["List-Unsubscribe"]).group(1)
    token = url.split("token=", 1)[1]
    payload, signature = token.split(".")
    other = signup(client)
    forged_payload = (
        base64.urlsafe_b64encode(
            json.dumps({"w": other.workspace_id, "u": other.user_id, "c": "failures"}).encode()
        )
        .rstrip(b"=")
        .decode()
    )
    for bad in (f"{forged_payload}.{signature}", f"{payload}.{signature[:-2]}xx", "x", "", "é.é"):
        refused = _one_click(client, url.replace(token, bad))
        assert refused.status_code in (404, 422), (bad, refused.body)
    for user in (owner, other):
        got = call(client, "GET", PATH.format(user.workspace_id), headers=user.headers)
        assert got.json["immediate"]["failures"] is True


def test_security_emails_carry_no_unsubscribe_header(client):
    owner = signup(client)
    notify(owner.workspace_id, "security.new_sign_in", "A new sign-in", "from", "/settings/account")
    (message,) = [m for m in sent_mime(owner.email) if "A new sign-in" in str(m["Subject"])]
    assert message["List-Unsubscribe"] is None
    assert "cannot be turned off" in text_part(message)


def test_unsubscribing_from_the_digest_disarms_it(client):
    from chalicelib.aws import client as aws_client
    from chalicelib.notify.unsubscribe import make_token, one_click_url
    from chalicelib.settings import get_settings

    owner = signup(client)
    call(client, "PUT", PATH.format(owner.workspace_id), {"digest": "daily"}, owner.headers)
    scheduler = aws_client("scheduler")
    group = get_settings().schedule_group

    def armed() -> int:
        return len(scheduler.list_schedules(GroupName=group, NamePrefix="digest-")["Schedules"])

    assert armed() == 1
    url = one_click_url(make_token(owner.workspace_id, owner.user_id, "digest"))
    assert _one_click(client, url).status_code == 200
    assert armed() == 0
    got = call(client, "GET", PATH.format(owner.workspace_id), headers=owner.headers)
    assert got.json["digest"] == "off"
