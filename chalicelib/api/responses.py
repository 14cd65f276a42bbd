"""Turning results and errors into Chalice responses in the API's one format."""

from __future__ import annotations

import json
from typing import Any

from chalice import Response
from pydantic import BaseModel, ValidationError

from chalicelib.errors import ApiError, BadRequest, ValidationFailed, field_problem
from chalicelib.observability import request_id_var

JSON = {"Content-Type": "application/json"}


class Reply:
    """A result with a status or headers other than the endpoint's defaults."""

    def __init__(
        self,
        body: BaseModel | dict[str, Any] | None = None,
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.body = body
        self.status = status
        self.headers = headers or {}


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    if isinstance(body, BaseModel):
        text = body.model_dump_json()
    elif body is None:
        text = ""
    else:
        text = json.dumps(body, default=str)
    return Response(body=text, status_code=status, headers={**JSON, **(headers or {})})


def error_body(code: str, message: str, details: list[dict[str, Any]] | None = None) -> dict:
    return {
        "error": {
            "code": code,
            "message": message,
            "details": details or [],
            "request_id": request_id_var.get(),
        }
    }


def error_response(error: ApiError) -> Response:
    body = error_body(error.code, error.message, error.details)
    return json_response(body, error.status, error.headers)


def field_path(loc: tuple[Any, ...]) -> str:
    """`("targets", 0, "text")` becomes `targets[0].text`."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "body"


def validation_error(error: ValidationError, prefix: str = "") -> ApiError:
    """A pydantic error as a 400 (unparseable JSON) or 422 naming every field."""
    from chalicelib.api.wording import plain, sentence

    problems = error.errors(include_url=False, include_context=True)
    if any(p["type"] == "json_invalid" for p in problems):
        reason = problems[0]["msg"]
        return BadRequest(f"The body is not valid JSON: {reason}", [field_problem("body", reason)])
    details = []
    for problem in problems:
        loc = tuple(p for p in problem["loc"] if p not in ("function-after", "function-before"))
        name = field_path(loc)
        details.append(field_problem(f"{prefix}{name}" if prefix else name, plain(problem)))
    # Plain sentences naming each field ("Password: use at least 10 characters"); the
    # details keep the fields' own names.
    summary = "; ".join(sentence(d["field"], d["message"]) for d in details[:3])
    more = len(details) - 3
    return ValidationFailed(f"{summary}{f' (and {more} more)' if more > 0 else ''}.", details)
