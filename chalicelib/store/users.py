"""People who sign in. An email belongs to one user: a claim item keyed by the email,
written in the same transaction as the user with a does-not-exist condition."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import UpdateError
from pynamodb.expressions.condition import Condition

from chalicelib.store.base import table_meta
from chalicelib.store.model import StoredModel

if TYPE_CHECKING:
    from chalicelib.store.members import MemberRecord
    from chalicelib.store.workspaces import WorkspaceRecord

_EMAIL_CLAIM = "email#"


class UserRecord(StoredModel):
    Meta = table_meta("users")

    user_id = UnicodeAttribute(hash_key=True)
    # User items carry these; email claim items carry only `claimed_by`.
    email = UnicodeAttribute(null=True)
    name = UnicodeAttribute(null=True)
    password_hash = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute(null=True)
    claimed_by = UnicodeAttribute(null=True)
    # Access tokens and sessions carry the generation they were issued in; "sign out
    # everywhere" adds one, and older ones stop working (absent: 0).
    token_generation = NumberAttribute(null=True)
    email_verified_at = UnicodeAttribute(null=True)  # when the current address was proven
    # Sessions ended lately (family id -> epoch seconds): their access tokens, which name
    # the session, are refused until they expire. Entries older than an access token's
    # lifetime are dropped as new ones come.
    ended_sessions: MapAttribute = MapAttribute(null=True)
    # Two-factor sign-in (chalicelib/people/two_factor.py): the TOTP secret sealed by the
    # vault, once confirmed (and one being enrolled); the last time step a code was
    # accepted for (a code is never taken twice); the recovery codes' digests (each
    # removed as it is used).
    two_factor_secret = UnicodeAttribute(null=True)
    two_factor_pending = UnicodeAttribute(null=True)
    two_factor_enabled_at = UnicodeAttribute(null=True)
    two_factor_step = NumberAttribute(null=True)
    recovery_codes = ListAttribute(of=UnicodeAttribute, null=True)

    @property
    def two_factor_enabled(self) -> bool:
        return bool(self.two_factor_enabled_at and self.two_factor_secret)

    @property
    def generation(self) -> int:
        return int(self.token_generation or 0)

    def session_ended(self, session_id: str) -> bool:
        ended = self.ended_sessions.as_dict() if self.ended_sessions is not None else {}
        return session_id in ended


def email_claim(email: str, user_id: str) -> UserRecord:
    """The item that reserves `email` (normalised) for `user_id`."""
    return UserRecord(f"{_EMAIL_CLAIM}{email}", claimed_by=user_id)


def claim_condition() -> Condition:
    return UserRecord.user_id.does_not_exist()


def get_user(user_id: str, consistent: bool = False) -> UserRecord | None:
    """The user (None for an email claim's key); `consistent` when it decides access."""
    if user_id.startswith(_EMAIL_CLAIM):
        return None
    try:
        return UserRecord.get(user_id, consistent_read=consistent)
    except UserRecord.DoesNotExist:
        return None


def get_user_and_member(
    user_id: str, workspace_id: str
) -> tuple[UserRecord | None, MemberRecord | None]:
    """The user and their membership of a workspace, both read consistently in one
    round trip (BatchGetItem)."""
    user, member, _ = get_user_member_workspace(user_id, workspace_id)
    return user, member


def get_user_member_workspace(
    user_id: str, workspace_id: str
) -> tuple[UserRecord | None, MemberRecord | None, WorkspaceRecord | None]:
    """The user, their membership of a workspace and the workspace, read consistently in
    one round trip (BatchGetItem): what the guard needs for a workspace request."""
    from chalicelib.aws import client
    from chalicelib.store.members import MemberRecord
    from chalicelib.store.workspaces import WorkspaceRecord

    if user_id.startswith(_EMAIL_CLAIM):
        return None, None, None
    users, members = UserRecord.Meta.table_name, MemberRecord.Meta.table_name
    workspaces = WorkspaceRecord.Meta.table_name
    requests: dict = {
        users: {"Keys": [{"user_id": {"S": user_id}}], "ConsistentRead": True},
        members: {
            "Keys": [{"workspace_id": {"S": workspace_id}, "user_id": {"S": user_id}}],
            "ConsistentRead": True,
        },
        workspaces: {"Keys": [{"workspace_id": {"S": workspace_id}}], "ConsistentRead": True},
    }
    found: dict[str, list] = {users: [], members: [], workspaces: []}
    for _ in range(5):  # unprocessed keys are rare with three items; retried a few times
        answer = client("dynamodb").batch_get_item(RequestItems=requests)
        for table, items in answer.get("Responses", {}).items():
            found[table].extend(items)
        requests = answer.get("UnprocessedKeys") or {}
        if not requests:
            break
    else:
        raise RuntimeError("DynamoDB left keys unprocessed five times")
    user = UserRecord.from_raw_data(found[users][0]) if found[users] else None
    member = MemberRecord.from_raw_data(found[members][0]) if found[members] else None
    workspace = WorkspaceRecord.from_raw_data(found[workspaces][0]) if found[workspaces] else None
    return user, member, workspace


def next_generation(user_id: str) -> int:
    """Move the user's token generation on (sign out everywhere); the new generation."""
    try:
        record = UserRecord(user_id)
        record.update([UserRecord.token_generation.add(1)], condition=UserRecord.email.exists())
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise LookupError(user_id) from None
        raise
    return record.generation


def set_password(user_id: str, password_hash: str) -> int:
    """A new password, and every session and access token of the old one ended (the
    token generation moves on in the same write); the new generation."""
    record = UserRecord(user_id)
    try:
        record.update(
            [
                UserRecord.password_hash.set(password_hash),
                UserRecord.token_generation.add(1),
            ],
            condition=UserRecord.email.exists(),
        )
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise LookupError(user_id) from None
        raise
    return record.generation


def end_session_tokens(user: UserRecord, session_id: str, now: int, keep_seconds: int) -> None:
    """Refuse the access tokens of `session_id` from now on (the guard reads the user on
    each request anyway); entries older than `keep_seconds` go in the same write."""
    record = UserRecord(user.user_id)
    record.update(
        [UserRecord.ended_sessions.set(UserRecord.ended_sessions | {})],
        condition=UserRecord.email.exists(),
    )
    ended = user.ended_sessions.as_dict() if user.ended_sessions is not None else {}
    stale = [key for key, at in ended.items() if int(at) < now - keep_seconds and key != session_id]
    record.update(
        [UserRecord.ended_sessions[session_id].set(now)]
        + [UserRecord.ended_sessions[key].remove() for key in stale[:50]],
        condition=UserRecord.email.exists(),
    )


def mark_email_verified(user_id: str, email: str, at: str) -> bool:
    """Record that `email` is proven; False when the user's address is another one now."""
    try:
        UserRecord(user_id).update(
            [UserRecord.email_verified_at.set(at)], condition=UserRecord.email == email
        )
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def find_by_email(email: str) -> UserRecord | None:
    """The user holding `email` (normalised), read consistently through its claim."""
    try:
        claim = UserRecord.get(f"{_EMAIL_CLAIM}{email}", consistent_read=True)
    except UserRecord.DoesNotExist:
        return None
    return get_user(claim.claimed_by) if claim.claimed_by else None


def names_of(user_ids: set[str]) -> dict[str, str]:
    """The names of these users (those that exist), read in one batch."""
    wanted = [u for u in user_ids if u and not u.startswith(_EMAIL_CLAIM)]
    names: dict[str, str] = {}
    for record in UserRecord.batch_get(wanted, attributes_to_get=["user_id", "name", "email"]):
        names[record.user_id] = record.name or record.email or record.user_id
    return names
