"""Proving an address by a link sent to it: verifying the email of an account, and
resetting a forgotten password, and moving an account to a new address (the link goes to
the new address; the address changes only when it is followed, and counts as verified
then). Changing a known password is here too: like a reset, it ends every other session.

A link carries a random 256-bit secret; only its digest is stored, it is spent at most
once and expires (a verification after 3 days, a reset after 30 minutes, a change of
address after 24 hours). Asking for a
reset answers the same whether or not the address has an account.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

from pynamodb.exceptions import TransactWriteError

from chalicelib.auth.passwords import hash_password, verify_password
from chalicelib.auth.secrets import digest, new_secret
from chalicelib.errors import Conflict, RateLimited, Unauthorized, ValidationFailed
from chalicelib.people import security, throttle
from chalicelib.people.mail import send_email
from chalicelib.settings import get_settings
from chalicelib.store import email_links, rate_limits
from chalicelib.store.audit import audit_event, record_events
from chalicelib.store.base import iso, utcnow
from chalicelib.store.members import MemberRecord, memberships_of
from chalicelib.store.transactions import failed_conditions, transaction
from chalicelib.store.users import (
    UserRecord,
    claim_condition,
    email_claim,
    find_by_email,
    get_user,
    mark_email_verified,
    set_password,
)

VERIFY = "verify_email"
RESET = "reset_password"
CHANGE = "change_email"
LIFETIMES = {VERIFY: timedelta(days=3), RESET: timedelta(minutes=30), CHANGE: timedelta(hours=24)}
PAGES = {VERIFY: "verify-email", RESET: "reset-password", CHANGE: "confirm-email"}
HOUR = 3600
# Emails a user or an address may ask for in an hour.
MAX_VERIFICATIONS_PER_USER = 5
MAX_RESETS_PER_EMAIL = 3
MAX_RESETS_PER_ADDRESS = 20
MAX_EMAIL_CHANGES_PER_USER = 5
EMAIL_TAKEN = "An account with this email already exists."
# More memberships than this are updated after the transaction moving the address.
MEMBERS_IN_TRANSACTION = 90
BAD_LINK = "This link is not valid any more: it was used or has expired. Ask for a new one."


def send_verification(user: UserRecord) -> None:
    """Email the user a link proving their address (429 past a few an hour)."""
    taken = rate_limits.take([(f"verify:{user.user_id}", MAX_VERIFICATIONS_PER_USER)], HOUR)
    if not taken.ok:
        raise RateLimited(
            f"A link was sent a few times already. Try again in {taken.retry_after} seconds.",
            taken.retry_after,
        )
    _send(user, VERIFY)


MAX_SIGNUP_NOTICES_PER_EMAIL = 3


def tell_owner_of_signup(user: UserRecord) -> None:
    """Someone tried to sign up with an address that has an account: its owner hears of
    it (a few times an hour at most; past that, quietly nothing, as the answer must not
    tell)."""
    taken = rate_limits.take(
        [(f"signup-notice:{throttle.email_key(user.email or '')}", MAX_SIGNUP_NOTICES_PER_EMAIL)],
        HOUR,
    )
    if not taken.ok:
        return
    origin = get_settings().frontend_origin.rstrip("/")
    name = user.name or "there"
    send_email(
        user.email or "",
        "Someone tried to sign up to Schedulo with your email",
        f"Hi {name},\n\nSomeone (we hope you) tried to create a Schedulo account with "
        f"{user.email}, which already has one. Nothing changed.\n\nSign in: "
        f"{origin}/login?email={quote(user.email or '')}\n\nForgot your password? Reset it: "
        f"{origin}/forgot-password?email={quote(user.email or '')}\n\nIf it was not you, "
        "you can ignore this email.",
        {"sign_in": f"{origin}/login"},
    )


def confirm_verification(token: str) -> UserRecord:
    link = _spend(token, VERIFY)
    if not mark_email_verified(link.owner, link.sent_to, iso(utcnow())):
        raise ValidationFailed(BAD_LINK, [{"field": "token", "message": "for another address"}])
    _audit(link.owner, "user.email_verified")
    user = get_user(link.owner, consistent=True)
    assert user is not None  # its address was just marked
    return user


def request_reset(email: str, address: str | None) -> None:
    """Email a reset link if the address has an account; the same answer either way."""
    where = address or throttle.UNKNOWN_ADDRESS
    taken = rate_limits.take([(f"reset-ip:{where}", MAX_RESETS_PER_ADDRESS)], HOUR)
    if not taken.ok:
        raise RateLimited(
            f"Too many reset requests. Try again in {taken.retry_after} seconds.",
            taken.retry_after,
        )
    user = find_by_email(email)
    if user is None:
        return
    per_email = rate_limits.take(
        [(f"reset-email:{throttle.email_key(email)}", MAX_RESETS_PER_EMAIL)], HOUR
    )
    if per_email.ok:  # past it, quietly nothing: the answer must not tell
        _send(user, RESET)


def reset_password(token: str, password: str) -> None:
    """The new password, every session ended; the link proves the address too."""
    link = _spend(token, RESET)
    try:
        set_password(link.owner, hash_password(password))
    except LookupError:
        raise ValidationFailed(BAD_LINK, [{"field": "token", "message": "not valid"}]) from None
    mark_email_verified(link.owner, link.sent_to, iso(utcnow()))
    _audit(link.owner, "user.password_reset")
    user = get_user(link.owner, consistent=True)
    if user is not None:
        security.tell(
            user,
            "security.password_changed",
            "Your password was reset",
            f"The password of your Schedulo account {user.email} was reset through the "
            "emailed link, and every session was ended. If this was not you, reset it "
            "again now: someone can read your email.",
        )


def change_password(user: UserRecord, current: str, new: str, address: str | None) -> int:
    """Check the current password (counted as a sign-in attempt), set the new one and end
    every session; the new token generation, for the caller's fresh session."""
    attempt = throttle.begin_sign_in(user.email or "", address)
    if not verify_password(user.password_hash, current):
        raise ValidationFailed(
            "The current password is not right.",
            [{"field": "current_password", "message": "is not your current password"}],
        )
    throttle.sign_in_succeeded(attempt)
    try:
        generation = set_password(user.user_id, hash_password(new))
    except LookupError:
        raise Unauthorized("The account behind this token no longer exists.") from None
    _audit(user.user_id, "user.password_changed")
    security.tell(
        user,
        "security.password_changed",
        "Your password was changed",
        f"The password of your Schedulo account {user.email} was changed, and every other "
        f"session was ended. {security.IF_NOT_YOU}",
    )
    return generation


def request_email_change(
    user: UserRecord, new_email: str, password: str, address: str | None
) -> None:
    """Email a link to `new_email` that moves the account there, and a notice to the
    current address. The password is checked (counted as a sign-in attempt); 409 naming
    `new_email` when another account has it."""
    attempt = throttle.begin_sign_in(user.email or "", address)
    if not verify_password(user.password_hash, password):
        raise ValidationFailed(
            "The password is not right.",
            [{"field": "password", "message": "is not your current password"}],
        )
    throttle.sign_in_succeeded(attempt)
    if new_email == user.email:
        raise ValidationFailed(
            "That is already your email.",
            [{"field": "new_email", "message": "is your current email"}],
        )
    if find_by_email(new_email) is not None:
        raise Conflict(EMAIL_TAKEN, [{"field": "new_email", "message": "already registered"}])
    taken = rate_limits.take([(f"email-change:{user.user_id}", MAX_EMAIL_CHANGES_PER_USER)], HOUR)
    if not taken.ok:
        raise RateLimited(
            f"A link was sent a few times already. Try again in {taken.retry_after} seconds.",
            taken.retry_after,
        )
    _send(user, CHANGE, to=new_email)
    security.tell(
        user,
        "security.email_change_requested",
        "Your Schedulo email is being changed",
        f"Someone signed in to your account asked to move it from {user.email} to "
        f"{new_email}. It moves only when the link sent to {new_email} is followed, within "
        "24 hours. If this was not you, change your password now and sign out everywhere "
        "(Settings, Your account): your email stays as it is.",
    )


def confirm_email_change(token: str) -> UserRecord:
    """Spend a change-of-address link: in one transaction the account's email moves to
    the new address (verified now), the new address is claimed and the old one freed.
    422 naming `token` for a used, expired or outdated link; 409 naming `new_email` when
    another account took the address meanwhile."""
    now = utcnow()
    secret_digest = digest(token) if token else ""
    link = email_links.find_link(secret_digest, CHANGE, int(now.timestamp())) if token else None
    user = get_user(link.owner, consistent=True) if link else None
    if link is None or user is None or not user.email:
        raise ValidationFailed(BAD_LINK, [{"field": "token", "message": "used or expired"}])
    old, new, at = user.email, link.sent_to, iso(now)
    members = memberships_of(user.user_id)
    inside, after = members[:MEMBERS_IN_TRANSACTION], members[MEMBERS_IN_TRANSACTION:]
    try:
        # pynamodb sends deletes, then puts, then updates: the reasons come in that order.
        with transaction() as write:
            write.delete(  # 0: the link, spent
                email_links.EmailLinkRecord(email_links.link_key(secret_digest)),
                condition=email_links.EmailLinkRecord.user_id.exists(),
            )
            write.delete(  # 1: the old address, freed
                UserRecord(email_claim(old, user.user_id).user_id),
                condition=UserRecord.claimed_by == user.user_id,
            )
            write.save(email_claim(new, user.user_id), condition=claim_condition())  # 2
            write.update(  # 3: the user, still at the address the link was asked from
                UserRecord(user.user_id),
                [UserRecord.email.set(new), UserRecord.email_verified_at.set(at)],
                condition=UserRecord.email == old,
            )
            for member in inside:
                write.update(
                    MemberRecord(member.workspace_id, member.user_id),
                    [MemberRecord.email.set(new)],
                    condition=MemberRecord.user_id.exists(),
                )
    except TransactWriteError as error:
        failed = failed_conditions(error)
        if failed[2:3] == [True]:
            raise Conflict(
                EMAIL_TAKEN, [{"field": "new_email", "message": "already registered"}]
            ) from None
        if any(failed[:4]):
            raise ValidationFailed(
                BAD_LINK, [{"field": "token", "message": "used, or for an earlier address"}]
            ) from None
        raise
    for member in after:
        member.update([MemberRecord.email.set(new)])
    _audit(user.user_id, "user.email_changed")
    changed = get_user(user.user_id, consistent=True)
    assert changed is not None  # it was just written
    security.tell(
        changed,
        "security.email_changed",
        "Your Schedulo email was changed",
        f"Your Schedulo account moved from {old} to {new}: you sign in as {new} from now "
        f"on. If this was not you, write to support from {old} at once.",
        also_to=old,
    )
    return changed


def _send(user: UserRecord, purpose: str, to: str | None = None) -> None:
    secret = new_secret()
    expires = utcnow() + LIFETIMES[purpose]
    email = to or user.email or ""
    email_links.save_link(digest(secret), purpose, user.user_id, email, int(expires.timestamp()))
    link = f"{get_settings().frontend_origin.rstrip('/')}/{PAGES[purpose]}?token={secret}"
    name = user.name or "there"
    if purpose == CHANGE:
        subject = "Confirm your new email for Schedulo"
        text = (
            f"Hi {name},\n\nTo sign in to Schedulo as {email} from now on (instead of "
            f"{user.email}), confirm it:\n\n{link}\n\nThe link works once, for 24 hours. "
            "If you did not ask for this, ignore this email: nothing changes."
        )
    elif purpose == VERIFY:
        subject = "Confirm your email for Schedulo"
        text = (
            f"Hi {name},\n\nConfirm that {email} is yours to finish setting up Schedulo:\n\n"
            f"{link}\n\nThe link works once, for 3 days. If you did not sign up, ignore this email."
        )
    else:
        subject = "Reset your Schedulo password"
        text = (
            f"Hi {name},\n\nSomeone (we hope you) asked to reset the password of {email}:\n\n"
            f"{link}\n\nThe link works once, for 30 minutes, and signs you out everywhere. "
            "If you did not ask, ignore this email: your password stays as it is."
        )
    send_email(email, subject, text, {purpose: link})


def _spend(token: str, purpose: str) -> email_links.EmailLinkRecord:
    now = int(utcnow().timestamp())
    link = email_links.spend_link(digest(token), purpose, now) if token else None
    if link is None:
        raise ValidationFailed(BAD_LINK, [{"field": "token", "message": "used or expired"}])
    return link


def _audit(user_id: str, action: str) -> None:
    record_events(
        [audit_event(m.workspace_id, action, actor=user_id) for m in memberships_of(user_id)]
    )
