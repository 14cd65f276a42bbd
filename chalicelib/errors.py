"""The API's one error format, raised from a small exception hierarchy.

Every error leaves the API as
`{"error": {"code", "message", "details", "request_id"}}`; see `api/responses.py`.

>>> raise NotFound("post not found")
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error the client can act on: an HTTP status, a stable code and a message."""

    status: int = 500
    code: str = "internal_error"

    def __init__(
        self,
        message: str,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []
        self.headers = headers or {}


class BadRequest(ApiError):
    status, code = 400, "validation_error"


class ValidationFailed(ApiError):
    """The body parsed but its content is wrong; `details` names each field."""

    status, code = 422, "validation_error"


class Unauthorized(ApiError):
    status, code = 401, "unauthorized"


class PlanLimit(ApiError):
    status, code = 402, "plan_limit"


class Forbidden(ApiError):
    status, code = 403, "forbidden"


class NotFound(ApiError):
    status, code = 404, "not_found"


class MethodNotAllowed(ApiError):
    status, code = 405, "method_not_allowed"


class Conflict(ApiError):
    status, code = 409, "conflict"


class PayloadTooLarge(ApiError):
    status, code = 413, "payload_too_large"


class UnsupportedMediaType(ApiError):
    status, code = 415, "unsupported_media_type"


class Locked(ApiError):
    """The workspace is suspended by the deployment's operators."""

    status, code = 423, "workspace_suspended"


class RateLimited(ApiError):
    status, code = 429, "rate_limited"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, headers={"Retry-After": str(max(1, int(retry_after)))})
        self.retry_after = retry_after


def field_problem(field: str, message: str) -> dict[str, str]:
    return {"field": field, "message": message}


def invalid(field: str, message: str, status: int = 422) -> ApiError:
    """A validation error about one field."""
    cls = ValidationFailed if status == 422 else BadRequest
    return cls(f"{field}: {message}", [field_problem(field, message)])
