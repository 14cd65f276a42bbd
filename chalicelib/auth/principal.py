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
    # Set for API keys: the one workspace the key works in, and its role there.
    key_id: str | None = None
    key_workspace_id: str | None = None
    key_role: str | None = None
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

    def require_user(self) -> str:
        """The user id; API keys may not do what only a person may (403)."""
        if self.user_id is None:
            raise Forbidden("This needs a signed-in user; API keys cannot do it.")
        return self.user_id

    def user(self) -> UserRecord:
        """The signed-in user's record, read once."""
        from chalicelib.store.users import get_user

        if self._user is None:
            record = get_user(self.require_user())
            if record is None:
                raise Unauthorized("The account behind this token no longer exists.")
            self._user = record
        return self._user
