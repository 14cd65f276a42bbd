"""Who is calling: a signed-in user (JWT) or a workspace API key."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from chalicelib.errors import Forbidden, Unauthorized

if TYPE_CHECKING:
    from chalicelib.store.members import MemberRecord
    from chalicelib.store.users import UserRecord


@dataclass
class Principal:
    user_id: str | None = None
    # Set for users: the token generation their access token was issued in.
    generation: int | None = None
    # ...and the session (refresh-token family) it belongs to, when the token names one.
    session_id: str | None = None
    # Set for API keys: the one workspace the key works in, and its role there.
    key_id: str | None = None
    key_workspace_id: str | None = None
    key_role: str | None = None
    # ...the person behind the key, and when the key expires (None: never).
    key_person: str | None = None
    key_expires_at: str | None = None
    # The caller's membership of the workspace in the path, loaded once by the guard.
    member: MemberRecord | None = None
    _user: UserRecord | None = field(default=None, repr=False)

    @property
    def is_api_key(self) -> bool:
        return self.key_id is not None

    @property
    def actor(self) -> str:
        """How the audit log names the caller."""
        return self.user_id or f"api_key:{self.key_id}"

    @property
    def person(self) -> str | None:
        """The person the request acts for: the user, or the one behind the API key."""
        return self.user_id or self.key_person

    def require_user(self) -> str:
        """The user id; API keys may not do what only a person may (403)."""
        if self.user_id is None:
            raise Forbidden("This needs a signed-in user; API keys cannot do it.")
        return self.user_id

    def user(self) -> UserRecord:
        """The signed-in user's record, read once (consistently: it decides access)."""
        from chalicelib.store.users import get_user

        if self._user is None:
            self.found_user(get_user(self.require_user(), consistent=True))
        assert self._user is not None
        return self._user

    def found_user(self, record: UserRecord | None) -> None:
        """Keep the user's record (read by the guard), once it checks out: the account
        exists, the token is of its current generation (not signed out everywhere) and its
        session was not ended (the user's record lists sessions ended lately)."""
        if record is None:
            raise Unauthorized("The account behind this token no longer exists.")
        if self.generation is not None and self.generation != record.generation:
            raise Unauthorized("This session was signed out; sign in again.")
        if self.session_id is not None and record.session_ended(self.session_id):
            raise Unauthorized("This session was signed out; sign in again.")
        self._user = record
