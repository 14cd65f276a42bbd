"""Sign-up, sign-in, refresh-token rotation and sign-out; the user's sessions (one per
sign-in: its device, address and last use), and ending one of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pynamodb.exceptions import TransactWriteError, UpdateError

from chalicelib.auth.passwords import hash_password, verify_password
from chalicelib.auth.secrets import digest, matches, new_secret, split_token
from chalicelib.auth.tokens import ACCESS_TOKEN_SECONDS, issue_access_token
from chalicelib.domain.devices import describe_device
from chalicelib.domain.ids import new_id
from chalicelib.domain.roles import Role
from chalicelib.errors import Conflict, NotFound, Unauthorized
from chalicelib.observability import logger
from chalicelib.people import throttle
from chalicelib.store import sessions
from chalicelib.store.audit import audit_event, record_events
from chalicelib.store.base import iso, utcnow
from chalicelib.store.members import MemberRecord, memberships_of
from chalicelib.store.transactions import failed_conditions, transaction
from chalicelib.store.users import (
    UserRecord,
    claim_condition,
    email_claim,
    end_session_tokens,
    find_by_email,
    get_user,
    next_generation,
)
from chalicelib.store.workspaces import WorkspaceRecord

BAD_CREDENTIALS = "Email or password is incorrect."
REFRESH_REUSE_GRACE_SECONDS = 20


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int = ACCESS_TOKEN_SECONDS


def signup(
    email: str,
    password: str,
    name: str,
    timezone: str,
    address: str | None = None,
    user_agent: str | None = None,
) -> tuple[UserRecord, WorkspaceRecord, TokenPair] | None:
    """A new user, owner of a new personal workspace, signed in and emailed a link that
    verifies the address; or, when the address has an account, None and an email to its
    owner instead (the account is untouched). Attempts are counted per source `address`
    first (throttle.py; 429 past the limit)."""
    from chalicelib.people.email_links import send_verification, tell_owner_of_signup
    from chalicelib.settings import get_settings

    throttle.count_sign_up(address, get_settings().signups_per_address)
    password_hash = hash_password(password)  # on both paths: they take as long
    try:
        user, workspace = create_account(email, name, timezone, password_hash)
    except Conflict:
        existing = find_by_email(email)
        if existing is not None:
            tell_owner_of_signup(existing)
        return None
    send_verification(user)
    session = start_session(
        user.user_id, user.generation, device=describe_device(user_agent), address=address
    )
    return user, workspace, session


def create_account(
    email: str,
    name: str,
    timezone: str,
    password_hash: str | None,
    verified_at: str | None = None,
    claims: tuple[str, ...] = (),
) -> tuple[UserRecord, WorkspaceRecord]:
    """A new user (with a password, or none when another provider proves who they are),
    owner of a new personal workspace, in one transaction; `claims` are further keys
    (an OpenID subject) reserved for the user with the email. 409 naming `email` when
    the address has an account."""
    now = iso(utcnow())
    user_id, workspace_id = new_id("u"), new_id("w")
    user = UserRecord(
        user_id,
        email=email,
        name=name,
        password_hash=password_hash,
        created_at=now,
        email_verified_at=verified_at,
    )
    workspace = WorkspaceRecord(
        workspace_id,
        name=f"{name}'s workspace",
        timezone=timezone,
        created_at=now,
        created_by=user_id,
        owner_count=1,
    )
    member = MemberRecord(
        workspace_id, user_id, role=Role.OWNER.value, email=email, name=name, joined_at=now
    )
    from chalicelib.billing.entitlements import trial_item

    trial = trial_item(workspace_id, utcnow())
    try:
        with transaction() as write:
            write.save(email_claim(email, user_id), condition=claim_condition())
            for key in claims:
                write.save(UserRecord(key, claimed_by=user_id), condition=claim_condition())
            write.save(user)
            write.save(workspace)
            write.save(member)
            write.save(audit_event(workspace_id, "user.signed_up", actor=user_id))
            if trial is not None:  # the plan's trial, no card asked
                write.save(trial)
    except TransactWriteError as error:
        if any(failed_conditions(error)[: 1 + len(claims)]):
            raise Conflict(
                "An account with this email already exists; sign in instead.",
                [{"field": "email", "message": "already registered"}],
            ) from None
        raise
    return user, workspace


def login(
    email: str, password: str, address: str | None, user_agent: str | None = None
) -> tuple[UserRecord, TokenPair | None]:
    """Sign in; every attempt is counted first (throttle.py), and given back on success.
    No tokens (None) for a user with two-factor sign-in on: a code must follow."""
    attempt = throttle.begin_sign_in(email, address)
    user = find_by_email(email)
    if not verify_password(user.password_hash if user else None, password) or user is None:
        raise Unauthorized(BAD_CREDENTIALS)
    throttle.sign_in_succeeded(attempt)
    if user.two_factor_enabled:
        return user, None
    return user, signed_in(user, address, user_agent)


def signed_in(user: UserRecord, address: str | None, user_agent: str | None) -> TokenPair:
    """A new session for a user who proved who they are (audited in each workspace)."""
    from chalicelib.people import security

    record_events(
        [
            audit_event(m.workspace_id, "user.signed_in", actor=user.user_id)
            for m in memberships_of(user.user_id)
        ]
    )
    device = describe_device(user_agent)
    security.new_device_sign_in(user, device, address)
    return start_session(user.user_id, user.generation, device=device, address=address)


def start_session(
    user_id: str,
    generation: int,
    family_id: str | None = None,
    device: str | None = None,
    address: str | None = None,
) -> TokenPair:
    """An access token and the next refresh token of a (new) family, both of the user's
    token `generation`; a new family records the `device` and source `address`."""
    token_id, secret = new_id("r"), new_secret()
    token = sessions.new_token(token_id, family_id or new_id("f"), user_id, digest(secret))
    if family_id is None:
        with transaction() as write:
            write.save(sessions.new_family(token.family_id, user_id, generation, device, address))
            write.save(token)
    else:
        token.save()
    access = issue_access_token(user_id, generation, session_id=token.family_id)
    return TokenPair(access, f"{token_id}.{secret}")


def _find_token(refresh_token: str) -> sessions.SessionRecord | None:
    parts = split_token(refresh_token, 2)
    token = sessions.get_session(parts[0]) if parts else None
    if parts is None or token is None or token.kind != "token" or not token.secret_hash:
        return None
    if not matches(parts[1], token.secret_hash) or token.ttl < utcnow():
        return None
    return token


def refresh(refresh_token: str, address: str | None = None) -> TokenPair:
    """Spend a refresh token for a new pair; a token spent twice ends its whole family.
    The session notes its last use (and `address`)."""
    token = _find_token(refresh_token)
    family = sessions.get_session(token.family_id) if token and token.family_id else None
    user = get_user(token.user_id, consistent=True) if token else None
    if (
        token is None
        or family is None
        or family.revoked_at
        or user is None
        or int(family.generation or 0) != user.generation
    ):
        raise Unauthorized("The refresh token is not valid; sign in again.")
    if not sessions.spend_token(token):
        if not _reused_within_grace(token):
            # A spent token came back later: it was stolen, or copied. Nobody can tell
            # which holder is genuine, so the whole session ends.
            sessions.revoke_family(family.session_id)
            logger.warning(
                "refresh token reused; session revoked", extra={"user_id": token.user_id}
            )
            raise Unauthorized("This refresh token was already used, so its session was ended.")
        logger.info("refresh token reused within the grace", extra={"user_id": token.user_id})
    sessions.touch_family(family, address)
    return start_session(token.user_id, user.generation, family.session_id)


def _reused_within_grace(token: sessions.SessionRecord) -> bool:
    """A client racing itself (a page reloaded while its refresh was in flight, two tabs)
    sends the token it has just spent again within seconds; the session goes on for it.
    A replay after that is treated as theft."""
    if not token.used_at:
        return True  # spent between our read and our write: the race itself
    spent_at = datetime.fromisoformat(token.used_at)
    return utcnow() - spent_at <= timedelta(seconds=REFRESH_REUSE_GRACE_SECONDS)


def logout(refresh_token: str) -> None:
    """End the session (the token's family); unknown tokens are ignored."""
    token = _find_token(refresh_token)
    if token and token.family_id:
        sessions.revoke_family(token.family_id)


def sign_out_everywhere(user: UserRecord) -> None:
    """End every session of the user and every access token issued to them so far: the
    user's token generation moves on, and tokens and sessions of an older one are
    refused (the guard compares on each request, refresh on each refresh)."""
    try:
        next_generation(user.user_id)
    except LookupError:
        raise Unauthorized("The account behind this token no longer exists.") from None
    record_events(
        [
            audit_event(m.workspace_id, "user.signed_out_everywhere", actor=user.user_id)
            for m in memberships_of(user.user_id)
        ]
    )
    from chalicelib.people import security

    security.tell(
        user,
        "security.signed_out_everywhere",
        "You were signed out everywhere",
        f"Every session of your Schedulo account {user.email} was ended, on every device. "
        f"{security.IF_NOT_YOU}",
    )


SESSION_NOT_FOUND = "Session not found."


def live_sessions(user: UserRecord) -> list[sessions.SessionRecord]:
    """The user's sessions that can still refresh: not ended, not expired, of the user's
    current token generation; most recently used first."""
    now = utcnow()
    live = [
        family
        for family in sessions.families_of(user.user_id)
        if family.kind == "family"
        and family.user_id == user.user_id
        and not family.revoked_at
        and int(family.generation or 0) == user.generation
        and family.ttl > now
    ]
    return sorted(live, key=lambda f: f.last_used_at or f.created_at, reverse=True)


def end_session(user: UserRecord, session_id: str) -> None:
    """End one of the user's sessions: its refresh token stops working, and so do the
    access tokens issued for it (the guard refuses them until they expire). 404 for a
    session that is not the user's, or not live."""
    family = sessions.get_session(session_id) if session_id.startswith("f_") else None
    if (
        family is None
        or family.kind != "family"
        or family.user_id != user.user_id
        or family.revoked_at
        or int(family.generation or 0) != user.generation
    ):
        raise NotFound(SESSION_NOT_FOUND)
    _end(user, session_id)
    record_events(
        [
            audit_event(m.workspace_id, "user.session_ended", actor=user.user_id)
            for m in memberships_of(user.user_id)
        ]
    )


def end_other_sessions(user: UserRecord, keep: str | None) -> int:
    """End every live session of the user but `keep` (the caller's); how many ended."""
    others = [f.session_id for f in live_sessions(user) if f.session_id != keep]
    for session_id in others:
        _end(user, session_id)
    if others:
        record_events(
            [
                audit_event(m.workspace_id, "user.other_sessions_ended", actor=user.user_id)
                for m in memberships_of(user.user_id)
            ]
        )
    return len(others)


def _end(user: UserRecord, session_id: str) -> None:
    sessions.revoke_family(session_id)
    try:
        end_session_tokens(user, session_id, int(utcnow().timestamp()), ACCESS_TOKEN_SECONDS + 60)
    except UpdateError:
        raise Unauthorized("The account behind this token no longer exists.") from None
