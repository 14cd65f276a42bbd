"""Small factories for API tests: people, their tokens and their workspaces.

Examples::

    owner = signup(client)  # a user and their personal workspace (owner)
    editor = add_member(client, owner, "editor")  # a second user in owner's workspace
    viewer = signup(client, role="viewer")  # a viewer of a new owner's workspace
    call(client, "GET", f"/v1/workspaces/{owner.workspace_id}/members", headers=editor.headers)
    key = api_key(client, owner, role="editor")  # "sk_...": headers=bearer(key)
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from typing import Any

from chalice.test import Client

PASSWORD = "correct horse battery staple"
VERIFY_LINK = re.compile(r"https?://\S+/verify-email\?token=(\S+)")


@dataclass(frozen=True)
class SignedUp:
    """A signed-in user: `headers` carry their bearer token; `workspace_id` is their
    personal workspace (or, from `add_member`, the workspace they were added to)."""

    user_id: str
    email: str
    password: str
    workspace_id: str
    access_token: str
    refresh_token: str
    role: str = "owner"

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}", "Content-Type": "application/json"}


def call(
    client: Client,
    method: str,
    path: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
) -> Any:
    """A JSON request; returns the Chalice test response (`.status_code`, `.json`)."""
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    data = json.dumps(body) if body is not None else ""
    response = client.http.request(method, path, headers=all_headers, body=data.encode())
    is_json = "json" in response.headers.get("Content-Type", "application/json")
    response.json = json.loads(response.body) if response.body and is_json else None
    return response


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"


def signup(
    client: Client,
    email: str | None = None,
    role: str = "owner",
    name: str = "Test User",
    password: str = PASSWORD,
    verified: bool = True,
) -> SignedUp:
    """A new user with a personal workspace where they are owner; with another `role`,
    a user with that role in a new owner's workspace (`workspace_id`). The address is
    verified through the emailed link (unverified users cannot invite or connect
    accounts), unless `verified=False`."""
    if role != "owner":
        return add_member(client, signup(client), role, email=email, verified=verified)
    email = (email or unique_email()).strip().lower()
    response = call(
        client, "POST", "/v1/auth/signup", {"email": email, "password": password, "name": name}
    )
    assert response.status_code == 201, response.body
    if verified:
        verify_email(client, email)
    body = response.json
    return SignedUp(
        user_id=body["user"]["id"],
        email=email,
        password=password,
        workspace_id=body["workspace"]["id"],
        access_token=body["access_token"],
        refresh_token=body["refresh_token"],
    )


def invite(client: Client, owner: SignedUp, email: str, role: str = "editor") -> dict[str, Any]:
    """Invite `email` to `owner`'s workspace; returns the invitation."""
    response = call(
        client,
        "POST",
        f"/v1/workspaces/{owner.workspace_id}/invitations",
        {"email": email, "role": role},
        owner.headers,
    )
    assert response.status_code == 201, response.body
    return response.json


def verify_email(client: Client, email: str) -> None:
    """Follow the last verification link emailed to `email`."""
    from tests.support.mail import last_link

    token = last_link(email, VERIFY_LINK).group(1)
    confirmed = call(client, "POST", "/v1/auth/email-verification/confirm", {"token": token})
    assert confirmed.status_code == 200, confirmed.body


def add_member(
    client: Client, owner: SignedUp, role: str, email: str | None = None, verified: bool = True
) -> SignedUp:
    """A new user who joins `owner`'s workspace with `role` (through an invitation).

    The returned user's `workspace_id` is the owner's workspace."""
    from tests.support.mail import accept_link_token

    newcomer = signup(client, email=email, verified=verified)
    invite(client, owner, newcomer.email, role)
    token = accept_link_token(newcomer.email)
    accepted = call(client, "POST", f"/v1/invitations/{token}/accept", None, newcomer.headers)
    assert accepted.status_code == 200, accepted.body
    return SignedUp(
        user_id=newcomer.user_id,
        email=newcomer.email,
        password=newcomer.password,
        workspace_id=owner.workspace_id,
        access_token=newcomer.access_token,
        refresh_token=newcomer.refresh_token,
        role=role,
    )


def new_owner(email: str | None = None, name: str = "Test User") -> SignedUp:
    """`signup` without its request and e-mail: a new verified user, owner of a new
    personal workspace, signed in, made by the app's own account and session code (as
    `join` makes its members), for tests whose subject is not signing up. Needs the app's
    AWS (the `client` fixture)."""
    user, workspace_id, tokens = _account(email, name)
    return SignedUp(
        user_id=user.user_id,
        email=user.email,
        password=PASSWORD,
        workspace_id=workspace_id,
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
    )


def _account(email: str | None, name: str) -> tuple[Any, str, Any]:
    """(the user, their personal workspace's id, their tokens), verified and signed in."""
    from chalicelib.auth.passwords import hash_password
    from chalicelib.people import identity
    from chalicelib.store.base import iso, utcnow

    email = (email or unique_email()).strip().lower()
    user, workspace = identity.create_account(
        email, name, "UTC", hash_password(PASSWORD), verified_at=iso(utcnow())
    )
    return user, workspace.workspace_id, identity.start_session(user.user_id, user.generation)


def join(owner: SignedUp, role: str, email: str | None = None, name: str = "Test User") -> SignedUp:
    """`add_member` without its mail: a new verified user who joins `owner`'s workspace
    with `role`, made by the app's own code (the account as sign-up makes it, with its
    personal workspace; a session; an invitation from the owner, accepted), for tests whose
    subject is not signing up or inviting. It leaves the same users, members, seats and
    invitation as `add_member`, less what only the e-mails leave: the verification link,
    the sign-up and e-mail counters, and the `invitation.sent` and `user.email_verified`
    audit events. Needs the app's AWS (the `client` fixture)."""
    from chalicelib.auth.principal import Principal
    from chalicelib.domain.roles import Role
    from chalicelib.people import invitations
    from chalicelib.store.workspaces import get_workspace

    user, _, tokens = _account(email, name)
    workspace = get_workspace(owner.workspace_id)
    assert workspace is not None, owner
    _, token = invitations.issue(
        workspace, Principal(user_id=owner.user_id), Role(owner.role), user.email, Role(role)
    )
    invitations.accept(token, Principal(user_id=user.user_id, generation=user.generation))
    return SignedUp(
        user_id=user.user_id,
        email=user.email,
        password=PASSWORD,
        workspace_id=owner.workspace_id,
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        role=role,
    )


def api_key(client: Client, owner: SignedUp, role: str = "editor", name: str = "test key") -> str:
    """A new API key (`sk_...`) of `owner`'s workspace."""
    response = call(
        client,
        "POST",
        f"/v1/workspaces/{owner.workspace_id}/api-keys",
        {"name": name, "role": role},
        owner.headers,
    )
    assert response.status_code == 201, response.body
    return response.json["secret"]


def make_operator(monkeypatch: Any, user: SignedUp) -> SignedUp:
    """Name `user` an operator (SCHEDULO_OPERATOR_USER_IDS) and re-read the settings."""
    from chalicelib.settings import get_settings

    monkeypatch.setenv("SCHEDULO_OPERATOR_USER_IDS", user.user_id)
    get_settings.cache_clear()
    get_settings()
    return user


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
