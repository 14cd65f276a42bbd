"""Security events of an account (issue 23): a sign-in from a new device, the password
changed, a change of address asked for or made, two-factor turned on or off, a recovery
code used, every session ended. Each is told at once, whatever the person chose: a
notification only they see in each of their workspaces, and an email in the one layout
(category `security`, no unsubscribe link) to the account's address (and, for a change
of address, to the old one too).

Telling is best effort: an email or table outage is logged and never undoes or fails
what the person just did."""

from __future__ import annotations

from chalicelib.observability import logger
from chalicelib.store.users import UserRecord

LINK = "/settings/account"
IF_NOT_YOU = (
    "If this was not you, reset your password now and sign out everywhere (Settings, Your account)."
)


def tell(
    user: UserRecord,
    kind: str,
    title: str,
    message: str,
    also_to: str | None = None,
) -> None:
    """Tell `user` of security event `kind` (`security.*`) in-app and by email; `also_to`
    is another address that gets the email too (the old one when the address moved)."""
    try:
        _record(user.user_id, kind, title, message)
    except Exception:
        logger.exception("security notification failed", extra={"kind": kind})
    for address in dict.fromkeys(a for a in (user.email, also_to) if a):
        try:
            _email(address, kind, title, message)
        except Exception:
            logger.exception("security email failed", extra={"kind": kind})


def _record(user_id: str, kind: str, title: str, message: str) -> None:
    from chalicelib.store import notifications
    from chalicelib.store.members import memberships_of

    for member in memberships_of(user_id):
        notifications.create(
            member.workspace_id, kind, title, message, LINK, None, recipient=user_id
        )


def _email(to: str, kind: str, title: str, message: str) -> None:
    from chalicelib.notify.mailer import deliver
    from chalicelib.notify.messages import security_email
    from chalicelib.settings import get_settings

    origin = get_settings().frontend_origin.rstrip("/")
    deliver(to, security_email(to=to, title=title, message=message, url=f"{origin}{LINK}"))


def new_device_sign_in(user: UserRecord, device: str, address: str | None) -> None:
    """Tell the user of a sign-in from a device none of their sessions had (the first
    sign-in of an account is not news)."""
    from chalicelib.store import sessions

    seen = {f.device for f in sessions.families_of(user.user_id) if f.kind == "family"}
    if not seen or device in seen:
        return
    where = f" (address {address})" if address else ""
    tell(
        user,
        "security.new_device",
        "New sign-in to your account",
        f"Your Schedulo account {user.email} was just signed in to from a device it had "
        f"not been used on: {device}{where}. {IF_NOT_YOU}",
    )
