"""Health and the OpenAPI document."""

from __future__ import annotations

from chalicelib.api.responses import Reply
from chalicelib.api.routing import Access, ApiBlueprint, RequestContext
from chalicelib.domain.model import Model

meta = ApiBlueprint(__name__)


class DependencyCheck(Model):
    name: str
    ok: bool
    detail: str = ""


class Health(Model):
    status: str
    checks: list[DependencyCheck]


@meta.endpoint("GET", "/v1/health", auth=Access.PUBLIC, response=Health, statuses=(503,))
def health(ctx: RequestContext) -> Reply:
    """Whether the API can reach DynamoDB and S3."""
    from chalicelib.health import run_checks

    checks = [DependencyCheck(name=n, ok=ok, detail=d) for n, ok, d in run_checks()]
    status = "ok" if all(c.ok for c in checks) else "degraded"
    return Reply(Health(status=status, checks=checks), 200 if status == "ok" else 503)


@meta.endpoint("GET", "/v1/openapi.json", auth=Access.PUBLIC)
def openapi(ctx: RequestContext) -> Reply:
    """The OpenAPI 3.1 document of this API, generated from the endpoints' models."""
    from chalicelib.api.openapi import build_document

    return Reply(build_document(), 200)
