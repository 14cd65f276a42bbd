"""Beta features: a deployment that keeps AI content plans in beta
(SCHEDULO_BETA_FEATURES=ai_plans) refuses them to a workspace until an operator turns
its `ai_plans` flag on in the console; then the same requests reach the feature."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.support.factories import call, make_operator, signup


@pytest.fixture
def plans_in_beta(monkeypatch):
    from chalicelib.settings import get_settings

    monkeypatch.setenv("SCHEDULO_BETA_FEATURES", "ai_plans")
    get_settings.cache_clear()


def _next_month() -> str:
    first = (datetime.now(UTC).date().replace(day=1) + timedelta(days=32)).replace(day=1)
    return first.strftime("%Y-%m")


def _field(answer) -> str:
    return answer.json["error"]["details"][0]["field"]


def test_an_operator_turns_a_beta_feature_on_for_one_workspace(client, monkeypatch, plans_in_beta):
    operator = make_operator(monkeypatch, signup(client))
    owner, other = signup(client), signup(client)
    base = f"/v1/workspaces/{owner.workspace_id}"
    month = _next_month()
    asks = (("plans", {"month": month}), ("brand/extract", {"url": "not a url"}))

    for path, body in asks:
        refused = call(client, "POST", f"{base}/{path}", body, owner.headers)
        assert refused.status_code == 403, refused.json
        assert refused.json["error"]["code"] == "beta_feature"
        assert "AI content plans are in beta" in refused.json["error"]["message"]
        assert _field(refused) == "ai_plans"

    seen = call(client, "GET", f"/v1/admin/workspaces/{owner.workspace_id}", None, operator.headers)
    assert seen.json["beta_features"] == ["ai_plans"] and seen.json["feature_flags"] == {}
    flags = call(
        client,
        "PUT",
        f"/v1/admin/workspaces/{owner.workspace_id}/feature-flags",
        {"flags": {"ai_plans": True}},
        operator.headers,
    )
    assert flags.status_code == 200, flags.json

    # The feature itself answers now: no brief for the month yet, an address that is none.
    plan, extract = (call(client, "POST", f"{base}/{p}", b, owner.headers) for p, b in asks)
    assert plan.status_code == 422 and _field(plan) == "month", plan.json
    assert extract.status_code == 422 and _field(extract) == "url", extract.json
    # Another workspace of the same deployment still has it off.
    theirs = call(
        client,
        "POST",
        f"/v1/workspaces/{other.workspace_id}/plans",
        {"month": month},
        other.headers,
    )
    assert theirs.status_code == 403 and theirs.json["error"]["code"] == "beta_feature"


def test_a_feature_the_deployment_does_not_keep_in_beta_needs_no_flag(client):
    owner = signup(client)
    answer = call(
        client,
        "POST",
        f"/v1/workspaces/{owner.workspace_id}/brand/extract",
        {"url": "not a url"},
        owner.headers,
    )
    assert answer.status_code == 422 and _field(answer) == "url", answer.json
