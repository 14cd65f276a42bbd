"""Schemathesis over `/v1/openapi.json` against the local stack: every operation, with a
signed-in owner's bearer token and real ids (workspace, account, post, media, member,
invitation, API key, import), in positive and negative generation modes. No answer may be
a server error, and every answer's status and body must be what the document declares.

The run is bounded and deterministic (`derandomize`, no example database): a few examples
per operation and mode. Operations that end something (deletes, leaving, signing out) run
last, each on ids of its own, so they cannot spoil the cases of the others.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.support.browser import last_accept_link, sign_up_via_api
from tests.support.media_files import image_bytes
from tests.support.stack import StackProcess

pytestmark = [pytest.mark.stack, pytest.mark.fuzz]

EXAMPLES = 20  # per operation and generation mode: about 6,500 cases over 170 operations
# The operations are dealt round-robin to this many tests, each with a stack of its own,
# so the run spreads over the pytest workers instead of holding one for minutes.
SHARDS = 3
CHECKS = ("not_a_server_error", "response_schema_conformance", "status_code_conformance")
# Body fields holding a URL the server fetches.
URL_FIELDS = {"url", "instance_url", "service_url"}


@dataclass
class World:
    """What the cases act on: an owner of a workspace with one of everything."""

    url: str
    aws_url: str
    sandbox_url: str
    headers: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)

    def call(self, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else self.headers
        response = requests.request(
            method, f"{self.url}{path}", json=body, headers=headers, timeout=30
        )
        assert response.status_code < 300, (method, path, response.status_code, response.text)
        return response.json() if response.content else None

    @property
    def ws(self) -> str:
        return self.ids["ws"]

    def adjust(self, case: Any) -> Any:
        """What every case needs before it is sent (see keep_local and use_real_ids)."""
        self.keep_local(case)
        if case.meta is not None and case.meta.generation.mode.is_positive:
            self.use_real_ids(case)
        return case

    def use_real_ids(self, case: Any) -> None:
        """Valid cases name the workspace's own account and media (ids the document
        cannot know), so posts are created and slots found, not only refused."""
        if isinstance(case.query, dict) and "account_id" in case.query:
            case.query["account_id"] = self.ids["account_id"]
        body = case.body if isinstance(case.body, dict) else {}
        for target in body.get("targets") or []:
            if isinstance(target, dict) and "account_id" in target:
                target["account_id"] = self.ids["account_id"]
        if isinstance(body.get("media_ids"), list) and body["media_ids"]:
            body["media_ids"] = [self.ids["media_id"]]

    def keep_local(self, case: Any) -> Any:
        """Point every URL the server would fetch (media import, a Mastodon instance, a
        Bluesky service) at the sandbox, keeping the rest: no case reaches the internet."""
        if isinstance(case.body, dict):
            for name in URL_FIELDS & set(case.body):
                value = case.body[name]
                if isinstance(value, str):
                    try:
                        path = urlsplit(value).path if "://" in value else value
                    except ValueError:  # e.g. "http://[": not a URL at all
                        path = value
                    case.body[name] = f"{self.sandbox_url}/{path.lstrip('/')}"
        return case


def _sign_up(url: str, name: str) -> dict[str, Any]:
    """A verified user (they connect accounts and invite): sign up, follow the link, sign in."""
    user, tokens = sign_up_via_api(url, name)
    return {
        "user": {"id": user.user_id},
        "workspace": {"id": user.workspace_id},
        "access_token": tokens["access_token"],
        "email": user.email,
    }


def _consent(world: World, network: str) -> dict[str, list[str]]:
    """Connect `network` as a browser would; the app's query after the callback."""
    started = requests.post(
        f"{world.url}/v1/workspaces/{world.ws}/accounts/connect",
        json={"network": network, "redirect_to": "/accounts"},
        headers=world.headers,
        timeout=30,
    )
    assert started.status_code == 200, started.text
    cookie = started.headers["Set-Cookie"].split(";", 1)[0]
    approved = requests.get(
        started.json()["authorize_url"],
        params={"sandbox_auto_approve": "1"},
        allow_redirects=False,
        timeout=30,
    )
    assert approved.status_code in (302, 303), approved.text[:300]
    back = requests.get(
        approved.headers["Location"],
        headers={"Cookie": cookie},
        allow_redirects=False,
        timeout=30,
    )
    assert back.status_code == 302, back.text[:300]
    return parse_qs(urlsplit(back.headers["Location"]).query)


def _connect_account(world: World, network: str) -> str:
    query = _consent(world, network)
    assert "connected" in query, query
    return query["connected"][0].split(",")[0]


def _pending(world: World) -> str:
    """A Facebook grant waiting for the user to pick its pages."""
    query = _consent(world, "facebook")
    assert "choose" in query, query
    return query["choose"][0]


def _media(world: World) -> str:
    photo = image_bytes("JPEG", (640, 480))
    started = world.call(
        "POST",
        f"/v1/workspaces/{world.ws}/media",
        {"filename": "photo.jpg", "content_type": "image/jpeg", "size": len(photo)},
    )
    upload = started["upload"]
    sent = requests.post(
        upload["url"],
        data=upload["fields"],
        files={"file": ("photo.jpg", photo, "image/jpeg")},
        timeout=30,
    )
    assert sent.status_code == 204, sent.text
    media_id = started["media"]["id"]
    world.call("POST", f"/v1/workspaces/{world.ws}/media/{media_id}/complete")
    return media_id


def _post(world: World, account_id: str) -> str:
    created = world.call(
        "POST",
        f"/v1/workspaces/{world.ws}/posts",
        {"text": "Schema check", "targets": [{"account_id": account_id}]},
    )
    return created["id"]


def _member(world: World) -> str:
    newcomer = _sign_up(world.url, "Member")
    invited = world.call(
        "POST",
        f"/v1/workspaces/{world.ws}/invitations",
        {"email": newcomer["email"], "role": "editor"},
    )
    token = last_accept_link(world.aws_url, newcomer["email"]).rsplit("/", 1)[-1]
    world.call("POST", f"/v1/invitations/{token}/accept", token=newcomer["access_token"])
    del invited
    return newcomer["user"]["id"]


def _invitation(world: World) -> tuple[str, str]:
    email = f"invitee-{uuid.uuid4().hex[:10]}@example.com"
    invited = world.call(
        "POST", f"/v1/workspaces/{world.ws}/invitations", {"email": email, "role": "viewer"}
    )
    token = last_accept_link(world.aws_url, email).rsplit("/", 1)[-1]
    return invited["id"], token


def _import(world: World, account_id: str) -> str:
    from datetime import UTC, datetime, timedelta

    day = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%d")
    csv_text = f"date,time,accounts,text\n{day},10:00,{account_id},From a CSV\n"
    response = requests.post(
        f"{world.url}/v1/workspaces/{world.ws}/imports",
        data=csv_text.encode(),
        headers={**world.headers, "Content-Type": "text/csv"},
        timeout=30,
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def _webhook(world: World) -> tuple[str, str | None]:
    """An endpoint (at the sandbox, which answers 404) and the delivery of its test event."""
    kinds = world.call("GET", "/v1/webhook-event-types")["items"]
    path = f"/v1/workspaces/{world.ws}/webhooks"
    hook = world.call(
        "POST", path, {"url": f"{world.sandbox_url}/hooks/schema", "events": [kinds[0]["type"]]}
    )["id"]
    world.call("POST", f"{path}/{hook}/test")
    deliveries = world.call("GET", f"{path}/{hook}/deliveries")["items"]
    return hook, (deliveries[0]["id"] if deliveries else None)


def build_world(url: str, aws_url: str, sandbox_url: str) -> World:
    owner = _sign_up(url, "Schema Owner")
    world = World(url, aws_url, sandbox_url, {"Authorization": f"Bearer {owner['access_token']}"})
    world.ids["ws"] = owner["workspace"]["id"]
    account = _connect_account(world, "x")
    world.ids["account_id"] = account
    world.ids["post_id"] = _post(world, account)
    world.ids["media_id"] = _media(world)
    world.ids["user_id"] = _member(world)
    world.ids["invitation_id"], world.ids["token"] = _invitation(world)
    world.ids["key_id"] = world.call(
        "POST", f"/v1/workspaces/{world.ws}/api-keys", {"name": "schema", "role": "viewer"}
    )["id"]
    world.ids["import_id"] = _import(world, account)
    world.ids["pending_id"] = _pending(world)
    world.ids["webhook_id"], delivery = _webhook(world)
    if delivery:
        world.ids["delivery_id"] = delivery
    world.ids["item_id"] = world.call(
        "POST",
        f"/v1/workspaces/{world.ws}/library",
        {"kind": "snippet", "name": "Schema", "text": "A saved caption"},
    )["id"]
    link = world.call(
        "POST",
        f"/v1/workspaces/{world.ws}/posts/{world.ids['post_id']}/review-links",
        {"label": "Schema client"},
    )
    world.ids["link_id"], world.ids["link_token"] = link["id"], link["token"]
    world.ids["network"] = "x"
    world.ids["version"] = "1"  # the post's first saved version (its comments, versions)
    world.ids["comment_id"] = world.call(
        "POST", f"/v1/workspaces/{world.ws}/posts/{world.ids['post_id']}/comments", {"text": "Hi"}
    )["id"]
    return world


# Operations that end what later cases act on run last, in this order.
LAST = (
    "DELETE /v1/workspaces/{ws}/api-keys/{key_id}",
    "DELETE /v1/workspaces/{ws}/invitations/{invitation_id}",
    "POST /v1/invitations/{token}/accept",
    "DELETE /v1/workspaces/{ws}/media/{media_id}",
    "DELETE /v1/workspaces/{ws}/posts/{post_id}/review-links/{link_id}",
    "DELETE /v1/workspaces/{ws}/posts/{post_id}/comments/{comment_id}",
    "DELETE /v1/workspaces/{ws}/posts/{post_id}",
    "DELETE /v1/workspaces/{ws}/accounts/{account_id}",
    "DELETE /v1/workspaces/{ws}/members/{user_id}",
    "DELETE /v1/workspaces/{ws}/webhooks/{webhook_id}",
    "DELETE /v1/workspaces/{ws}/library/{item_id}",
    "POST /v1/auth/logout",
    "POST /v1/workspaces/{ws}/leave",
    "POST /v1/auth/sign-out-everywhere",
)


def _order(label: str) -> tuple[int, str]:
    return (LAST.index(label) + 1 if label in LAST else 0, label)


@dataclass
class Outcome:
    cases: int = 0
    failures: list[str] = field(default_factory=list)
    statuses: dict[str, dict[int, int]] = field(default_factory=dict)  # by operation
    renewed: list[str] = field(default_factory=list)  # operations after a lost session


def run(
    world: World,
    examples: int = EXAMPLES,
    checks: tuple[str, ...] = CHECKS,
    shard: tuple[int, int] = (0, 1),
) -> Outcome:
    """Every operation of the document in `shard` (its index and the number of shards),
    `examples` cases per generation mode. Should an operation end the owner's session (one
    not yet in LAST), the next ones start from a new owner and workspace."""
    import schemathesis
    import schemathesis.checks

    schema = schemathesis.openapi.from_url(f"{world.url}/v1/openapi.json")
    check_functions = [getattr(schemathesis.checks, name) for name in checks]
    index, count = shard
    every = sorted((found.ok() for found in schema.get_all_operations()), key=lambda op: op.label)
    operations = sorted(every[index::count], key=lambda op: _order(op.label))
    outcome = Outcome()
    session = requests.Session()
    for operation in operations:
        if session.get(f"{world.url}/v1/me", headers=world.headers, timeout=30).status_code == 401:
            outcome.renewed.append(operation.label)
            world = build_world(world.url, world.aws_url, world.sandbox_url)
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            _run_operation(operation, mode, world, session, check_functions, examples, outcome)
    return outcome


def _run_operation(
    operation: Any,
    mode: Any,
    world: World,
    session: requests.Session,
    checks: list[Any],
    examples: int,
    outcome: Outcome,
) -> None:
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis.errors import Unsatisfiable

    names = [p.name for p in operation.path_parameters]
    strategy = operation.as_strategy(
        generation_mode=mode,
        path_parameters={name: world.ids[name] for name in names if name in world.ids},
        headers=dict(world.headers),
    ).map(world.adjust)
    seen = outcome.statuses.setdefault(operation.label, {})

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @given(case=strategy)
    def one(case: Any) -> None:
        outcome.cases += 1
        response = case.call_and_validate(session=session, checks=checks, timeout=60)
        seen[response.status_code] = seen.get(response.status_code, 0) + 1

    try:
        one()
    except Unsatisfiable as error:
        # Nothing of this operation can be made invalid (no body, no query) is fine; a
        # document no valid request satisfies is not.
        if mode.is_positive:
            outcome.failures.append(f"{operation.label} [{mode.value}]: {error}")
    except (Exception, BaseExceptionGroup) as error:  # every failure is reported
        outcome.failures.append(f"{operation.label} [{mode.value}]: {error}")


@pytest.mark.parametrize("shard", range(SHARDS))
def test_every_operation_answers_as_the_openapi_document_says(shard: int):
    # A stack of its own: the run throttles sign-ins from 127.0.0.1 and signs out, which
    # would disturb the tests sharing the session's stack.
    with StackProcess() as stack:
        world = build_world(stack.url, stack.aws_url, stack.sandbox_url)
        outcome = run(world, shard=(shard, SHARDS))
    print(f"{outcome.cases} cases over {len(outcome.statuses)} operations")
    assert not outcome.failures, "\n\n".join(outcome.failures)
    untried = [label for label, seen in outcome.statuses.items() if not seen]
    assert not untried, f"operations that sent no case: {untried}"
    # Every operation was reached with the owner's token (a 401 everywhere would pass the
    # checks and prove nothing); the ones ending a session come last.
    unauthorised = [label for label, seen in outcome.statuses.items() if set(seen) == {401}]
    assert not unauthorised, f"only 401s: {unauthorised}; renewed before {outcome.renewed}"
