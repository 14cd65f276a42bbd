"""Request and response bodies of the caller's sessions and change of email (API.md)."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from chalicelib.domain import model
from chalicelib.domain.emails import EmailAddress


class Model(model.Model):
    # Validators are built on first use, not at `import app`: cold starts stay short.
    model_config = ConfigDict(defer_build=True)


class SessionOut(Model):
    id: str
    device: str = Field(description='the browser and system that signed in ("Chrome on macOS")')
    address: str | None = Field(None, description="the network address it was last used from")
    created_at: str = Field(description="when it signed in")
    last_used_at: str = Field(description="when it last refreshed its access (to the minute)")
    current: bool = Field(False, description="the session of the token making this request")


class SessionList(Model):
    items: list[SessionOut]


class SessionsEnded(Model):
    ended: int = Field(description="how many sessions were signed out")


class EmailChangeIn(Model):
    new_email: EmailAddress
    password: str = Field(min_length=1, max_length=256, description="the current password")


class EmailChangeConfirmIn(Model):
    token: str = Field(min_length=1, max_length=200, description="the `token` of the emailed link")
