"""Beta features: a deployment names the features it keeps in beta
(`SCHEDULO_BETA_FEATURES`); such a feature is off for every workspace until an operator
turns the workspace's flag of that name on in the console (PUT
/v1/admin/workspaces/{ws}/feature-flags). A feature not listed is simply on.

Plan features (chalicelib/billing/entitlements.py) are a separate gate: an operator's flag
named as a plan feature grants it too; both gates apply where both are asked.
"""

from __future__ import annotations

from collections.abc import Mapping

from chalicelib.errors import Forbidden

AI_PLANS = "ai_plans"
# What people are told a beta feature is called.
NAMES = {AI_PLANS: "AI content plans"}


class BetaFeatureOff(Forbidden):
    code = "beta_feature"


def beta_enabled(workspace_id: str, feature: str, flags: Mapping[str, bool] | None = None) -> bool:
    """Whether the workspace may use `feature` (read its flags only when it is beta)."""
    from chalicelib.settings import get_settings

    if feature not in get_settings().beta_features:
        return True
    if flags is None:
        from chalicelib.store.workspaces import get_workspace

        workspace = get_workspace(workspace_id)
        flags = dict(workspace.feature_flags or {}) if workspace is not None else {}
    return bool(flags.get(feature))


def require_beta(workspace_id: str, feature: str) -> None:
    """403 `beta_feature` naming the feature, unless the workspace may use it."""
    if beta_enabled(workspace_id, feature):
        return
    name = NAMES.get(feature, feature)
    raise BetaFeatureOff(
        f"{name} are in beta and not turned on for this workspace yet: ask support to "
        "turn them on.",
        [{"field": feature, "feature": feature, "message": "beta, not turned on"}],
    )
