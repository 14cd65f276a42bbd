"""Every route of the app, called by every kind of caller: the status says whether the
guard let them through (API.md: 401 without a token, 404 for a workspace the caller is
not in, 403 for too low a role)."""

from __future__ import annotations

import re

import pytest
from chalice import Chalice

from chalicelib.api.routing import ENDPOINTS, Access, Endpoint
from chalicelib.domain.roles import Role
from chalicelib.errors import ApiError
from tests.support.factories import (
    add_member,
    api_key,
    bearer,
    call,
    make_operator,
    signup,
    unique_email,
)

PASSED = 299  # what the test's stand-in view answers once the guard let a request through


class _PassedGuard(ApiError):
    status, code = PASSED, "passed_guard"


def undeclared_routes(app: Chalice, endpoints: list[Endpoint]) -> list[str]:
    """Routes of `app` that do not declare who may call them (not made with `endpoint`)."""
    declared = {(e.path, e.method) for e in endpoints}
    problems = [
        f"{method} {path}"
        for path, methods in app.routes.items()
        for method in methods
        if (path, method) not in declared
    ]
    for endpoint in endpoints:
        if not isinstance(endpoint.auth, Access | Role):
            problems.append(f"{endpoint.method} {endpoint.path}: auth={endpoint.auth!r}")
        elif isinstance(endpoint.auth, Role) and "{ws}" not in endpoint.path:
            problems.append(f"{endpoint.method} {endpoint.path}: a role needs a {{ws}} path")
    return problems


def test_every_route_declares_who_may_call_it():
    import app

    assert undeclared_routes(app.app, ENDPOINTS) == []


def test_a_route_added_without_a_declared_role_is_caught():
    import app

    probe = Chalice("probe")
    for path, methods in app.app.routes.items():
        for method, entry in methods.items():
            probe.route(path, methods=[method])(entry.view_function)

    @probe.route("/v1/workspaces/{ws}/forgotten", methods=["GET"])
    def forgotten(ws: str) -> dict:
        return {}

    assert undeclared_routes(probe, ENDPOINTS) == ["GET /v1/workspaces/{ws}/forgotten"]


def expected_status(auth: Access | Role, caller: str) -> int:
    if auth is Access.PUBLIC:
        return PASSED
    if caller == "anonymous":
        return 401
    if auth is Access.USER:
        return PASSED
    if auth is Access.PERSON:
        return 403 if caller == "viewer key" else PASSED
    if auth is Access.OPERATOR:
        return PASSED if caller == "operator" else 403
    role = {"viewer key": Role.VIEWER, "operator": None, "outsider": None}.get(caller, caller)
    if role is None:
        return 404
    return PASSED if Role(role).allows(auth) else 403


@pytest.fixture
def callers(client, monkeypatch):
    """Headers of each kind of caller; the workspace is the owner's."""
    from chalicelib.settings import get_settings

    owner = signup(client)
    people = {
        "anonymous": {},
        "owner": owner.headers,
        "outsider": signup(client).headers,
        "operator": make_operator(monkeypatch, signup(client)).headers,
        "viewer key": bearer(api_key(client, owner, role="viewer")),
    }
    for role in ("admin", "editor", "viewer"):
        people[role] = add_member(client, owner, role).headers
    yield owner.workspace_id, people
    monkeypatch.delenv("SCHEDULO_OPERATOR_USER_IDS")
    get_settings.cache_clear()
    get_settings()


def test_every_route_answers_each_caller_by_its_declared_access(client, callers, monkeypatch):
    from chalicelib.auth import guard

    real_authorize = guard.authorize

    def authorize_then_stop(ctx, auth, workspace_id):  # type: ignore[no-untyped-def]
        real_authorize(ctx, auth, workspace_id)
        raise _PassedGuard("passed")

    monkeypatch.setattr(guard, "authorize", authorize_then_stop)
    workspace_id, people = callers
    mismatches = []
    for endpoint in ENDPOINTS:
        path = endpoint.path.replace("{ws}", workspace_id)
        path = re.sub(r"\{[a-z_]+\}", "x_missing", path)
        for caller, headers in people.items():
            sent = {**headers, "Content-Type": (endpoint.content_types or ("application/json",))[0]}
            status = call(client, endpoint.method, path, None, sent).status_code
            wanted = expected_status(endpoint.auth, caller)
            if status != wanted:
                mismatches.append(
                    f"{endpoint.method} {endpoint.path} as {caller}: {status} != {wanted}"
                )
    assert mismatches == []
    assert len(ENDPOINTS) * len(people) > 100  # it did walk the routes


def test_read_routes_answer_each_caller_by_their_declared_access_with_real_views(client, callers):
    """The same walk over GET routes with their real views: a caller the guard admits
    never meets 401 or 403 further on, nor the guard's own 404."""
    from chalicelib.auth.guard import WORKSPACE_NOT_FOUND

    workspace_id, people = callers
    mismatches = []
    for endpoint in (e for e in ENDPOINTS if e.method == "GET"):
        path = endpoint.path.replace("{ws}", workspace_id)
        path = re.sub(r"\{[a-z_]+\}", "x_missing", path)
        for caller, headers in people.items():
            response = call(client, "GET", path, None, headers)
            wanted = expected_status(endpoint.auth, caller)
            error = (response.json or {}).get("error") or {} if response.status_code >= 400 else {}
            guard_said_no = response.status_code in (401, 403) or (
                response.status_code == 404 and error.get("message") == WORKSPACE_NOT_FOUND
            )
            if wanted == PASSED and guard_said_no:
                mismatches.append(f"GET {endpoint.path} as {caller}: {response.status_code}")
            elif wanted != PASSED and response.status_code != wanted:
                mismatches.append(
                    f"GET {endpoint.path} as {caller}: {response.status_code} != {wanted}"
                )
    assert mismatches == []


def test_a_foreign_workspace_answers_404_and_a_low_role_403(client):
    owner, outsider = signup(client), signup(client)
    viewer = add_member(client, owner, "viewer")
    path = f"/v1/workspaces/{owner.workspace_id}/members"
    assert call(client, "GET", path, headers=outsider.headers).status_code == 404
    assert call(client, "GET", path, headers=viewer.headers).status_code == 200
    invite = f"/v1/workspaces/{owner.workspace_id}/invitations"
    body = {"email": unique_email(), "role": "editor"}
    assert call(client, "POST", invite, body, viewer.headers).status_code == 403
    assert call(client, "POST", invite, body, outsider.headers).status_code == 404


def test_the_guard_reads_little_per_request(client, monkeypatch):
    """A user's workspace request: the membership and the user (token generation) in one
    BatchGetItem; a personal route: the user; an API key: the key and its person's
    membership."""
    from botocore.client import BaseClient

    from chalicelib.auth import guard

    owner = signup(client)
    key = bearer(api_key(client, owner, role="viewer"))
    workspace = f"/v1/workspaces/{owner.workspace_id}"
    call(client, "GET", workspace, headers=key)  # its first use is recorded (a write)
    recording: list[list[str]] = []
    real_call, real_authorize = BaseClient._make_api_call, guard.authorize

    def recorded_call(self, operation, params):  # type: ignore[no-untyped-def]
        if recording:
            recording[-1].append(operation)
        return real_call(self, operation, params)

    def recorded_authorize(ctx, auth, workspace_id):  # type: ignore[no-untyped-def]
        recording.append([])
        try:
            real_authorize(ctx, auth, workspace_id)
        finally:
            seen.append(recording.pop())

    seen: list[list[str]] = []
    monkeypatch.setattr(BaseClient, "_make_api_call", recorded_call)
    monkeypatch.setattr(guard, "authorize", recorded_authorize)
    assert call(client, "GET", workspace, headers=owner.headers).status_code == 200
    assert call(client, "GET", "/v1/me", headers=owner.headers).status_code == 200
    assert call(client, "GET", workspace, headers=key).status_code == 200
    assert seen == [["BatchGetItem"], ["GetItem"], ["GetItem", "GetItem"]]
