"""Per-plan features through the API: on a plan without one, the paths that use it answer
402 `plan_feature` naming the feature and the plan that has it; the plan that has it, an
operator's flag, or a deployment without billing turns it on. `GET .../billing` lists
what the workspace may use."""

from __future__ import annotations

import pytest

from chalicelib.settings import get_settings
from tests.billing.test_limits import on_plan
from tests.support.clock import ahead, wall
from tests.support.factories import add_member, api_key, bearer, call, make_operator, signup
from tests.support.posting import an_account


def without(response, feature: str, needed: str) -> dict:
    assert response.status_code == 402, response.body
    error = response.json["error"]
    assert error["code"] == "plan_feature"
    [detail] = error["details"]
    assert (detail["feature"], detail["plan"], detail["required_plan"]) == (
        feature,
        "free",
        needed,
    )
    return error


def features(client, user) -> list[str]:
    got = call(client, "GET", f"/v1/workspaces/{user.workspace_id}/billing", None, user.headers)
    assert got.status_code == 200, got.body
    return got.json["features"]


def operator_turns_on(client, monkeypatch, workspace_id: str, **flags: bool) -> None:
    operator = make_operator(monkeypatch, signup(client))
    answer = call(
        client,
        "PUT",
        f"/v1/admin/workspaces/{workspace_id}/feature-flags",
        {"flags": flags},
        operator.headers,
    )
    assert answer.status_code == 200, answer.body


# ---------------------------------------------------------------------------- approvals

STEPS = {"mode": "steps", "required_below": None, "steps": [{"roles": ["owner"]}]}


def test_approvals_need_business(client, billing_on):
    owner = signup(client)
    ws = owner.workspace_id
    path = f"/v1/workspaces/{ws}/approval-policy"
    error = without(call(client, "PUT", path, STEPS, owner.headers), "approvals", "business")
    assert "Business" in error["message"] and "approvals" in error["message"]
    # Turning approvals off always works.
    assert call(client, "PUT", path, {"mode": "off"}, owner.headers).status_code == 200

    on_plan(ws, "business")
    assert call(client, "PUT", path, STEPS, owner.headers).status_code == 200
    editor = add_member(client, owner, "editor")
    account = an_account(ws, "mastodon")
    body = {
        "text": "For review",
        "targets": [{"account_id": account}],
        "when": {"at": wall(ahead(5)), "timezone": "UTC"},
    }
    held = call(client, "POST", f"/v1/workspaces/{ws}/posts", body, editor.headers)
    assert held.status_code == 201 and held.json["status"] == "pending_approval"

    # Back on Free the policy is kept but not in force: posts go out as written, and
    # submitting for approval is refused.
    on_plan(ws, "free")
    free = call(client, "POST", f"/v1/workspaces/{ws}/posts", body, editor.headers)
    assert free.status_code == 201 and free.json["status"] == "scheduled"
    draft = call(
        client, "POST", f"/v1/workspaces/{ws}/posts", {**body, "when": None}, editor.headers
    )
    submitted = call(
        client, "POST", f"/v1/workspaces/{ws}/posts/{draft.json['id']}/submit", {}, editor.headers
    )
    without(submitted, "approvals", "business")
    kept = call(client, "GET", path, None, owner.headers)
    assert kept.json["policy"]["mode"] == "steps"
    assert "approvals" not in features(client, owner)


# ----------------------------------------------------------------------------- API keys


def test_api_keys_need_pro_to_be_created_and_used(client, billing_on):
    owner = signup(client)
    ws = owner.workspace_id
    path = f"/v1/workspaces/{ws}/api-keys"
    refused = call(client, "POST", path, {"name": "CI", "role": "editor"}, owner.headers)
    without(refused, "api_keys", "pro")
    assert "api_keys" not in features(client, owner)

    on_plan(ws, "pro")
    secret = api_key(client, owner)
    assert (
        call(client, "GET", f"/v1/workspaces/{ws}/posts", None, bearer(secret)).status_code == 200
    )
    assert "api_keys" in features(client, owner)

    # Downgraded: the key is kept (listed, revocable) but answers 402 until an upgrade.
    on_plan(ws, "free")
    used = call(client, "GET", f"/v1/workspaces/{ws}/posts", None, bearer(secret))
    without(used, "api_keys", "pro")
    assert len(call(client, "GET", path, None, owner.headers).json["items"]) == 1


# ---------------------------------------------------------------------- outgoing webhooks


def test_outgoing_webhooks_need_business_and_stay_silent_without(client, billing_on, monkeypatch):
    from chalicelib.webhooks import service

    owner = signup(client)
    ws = owner.workspace_id
    body = {"url": "https://hooks.example.com/schedulo", "events": ["post.published"]}
    monkeypatch.setattr(service, "check_url", lambda url, field="url": url)  # no DNS here
    path = f"/v1/workspaces/{ws}/webhooks"
    without(call(client, "POST", path, body, owner.headers), "outgoing_webhooks", "business")

    on_plan(ws, "business")
    created = call(client, "POST", path, body, owner.headers)
    assert created.status_code == 201, created.body
    hook = created.json["id"]
    assert call(client, "POST", f"{path}/{hook}/test", None, owner.headers).status_code == 202

    on_plan(ws, "pro")  # Pro has no webhooks: the endpoint stays, nothing is sent
    without_pro = call(client, "POST", f"{path}/{hook}/test", None, owner.headers)
    assert without_pro.status_code == 402
    assert without_pro.json["error"]["details"][0]["required_plan"] == "business"
    sent: list = []
    monkeypatch.setattr(service, "enqueue", lambda *args: sent.append(args) or [])
    assert service.emit_event(ws, "post.published", {}) == 0
    assert sent == []
    assert call(client, "GET", path, None, owner.headers).json["items"][0]["id"] == hook


# ------------------------------------------------------------------- client review links


def test_client_review_links_need_business(client, billing_on):
    owner = signup(client)
    ws = owner.workspace_id
    account = an_account(ws, "mastodon")
    post = call(
        client,
        "POST",
        f"/v1/workspaces/{ws}/posts",
        {"text": "Client look", "targets": [{"account_id": account}]},
        owner.headers,
    )
    links = f"/v1/workspaces/{ws}/posts/{post.json['id']}/review-links"
    without(call(client, "POST", links, {}, owner.headers), "client_review_links", "business")
    on_plan(ws, "business")
    assert call(client, "POST", links, {}, owner.headers).status_code == 201


# ---------------------------------------------------------------------- analytics export


def test_analytics_exports_need_pro(client, billing_on):
    owner = signup(client)
    ws = owner.workspace_id
    base = f"/v1/workspaces/{ws}/analytics"
    csv = call(client, "GET", f"{base}/export.csv", None, owner.headers)
    without(csv, "analytics_export", "pro")
    pdf = call(
        client,
        "GET",
        f"{base}/export.pdf",
        None,
        {**owner.headers, "Accept": "application/pdf"},
    )
    without(pdf, "analytics_export", "pro")
    on_plan(ws, "pro")
    assert call(client, "GET", f"{base}/export.csv", None, owner.headers).status_code == 200


# ------------------------------------------------------------------------ AI, overrides


def test_ai_credits_need_the_assistant_and_an_operator_can_turn_it_on(
    client, billing_on, monkeypatch
):
    from chalicelib.billing import entitlements
    from chalicelib.billing.plans import Feature, Meter
    from chalicelib.errors import ApiError

    owner = signup(client)
    ws = owner.workspace_id
    with pytest.raises(ApiError) as refused:
        entitlements.take(ws, Meter.AI_CREDITS_PER_MONTH, 1)
    assert (refused.value.status, refused.value.code) == (402, "plan_feature")
    assert refused.value.details[0]["required_plan"] == "pro"
    assert not entitlements.has_feature(ws, Feature.AI_ASSISTANT)

    # An operator's flag turns the assistant on, with the credits of the plan that has it.
    operator_turns_on(client, monkeypatch, ws, ai_assistant=True, api_keys=True)
    entitlements.take(ws, Meter.AI_CREDITS_PER_MONTH, 100)
    with pytest.raises(ApiError) as spent:
        entitlements.take(ws, Meter.AI_CREDITS_PER_MONTH, 1)
    assert (spent.value.code, spent.value.details[0]["limit"]) == ("plan_limit", 100)
    listed = features(client, owner)
    assert {"ai_assistant", "api_keys"} <= set(listed) and "approvals" not in listed
    assert api_key(client, owner).startswith("sk_")


def test_without_billing_every_feature_is_on(client, monkeypatch):
    from chalicelib.billing.plans import Feature

    monkeypatch.delenv("SCHEDULO_STRIPE_SECRET_KEY", raising=False)
    get_settings.cache_clear()
    owner = signup(client)
    ws = owner.workspace_id
    assert features(client, owner) == sorted(f.value for f in Feature)
    assert api_key(client, owner).startswith("sk_")
    path = f"/v1/workspaces/{ws}/approval-policy"
    assert call(client, "PUT", path, STEPS, owner.headers).status_code == 200
    base = f"/v1/workspaces/{ws}/analytics"
    assert call(client, "GET", f"{base}/export.csv", None, owner.headers).status_code == 200
