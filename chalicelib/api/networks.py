"""GET /v1/networks: what each supported network can publish, and its limits."""

from __future__ import annotations

from chalicelib.api.routing import Access, ApiBlueprint, RequestContext
from chalicelib.domain.limits import Capability, NetworkLimits
from chalicelib.domain.model import Model

networks = ApiBlueprint(__name__)


class NetworkOut(Model):
    id: str
    name: str
    capabilities: list[Capability]
    limits: NetworkLimits


class NetworkList(Model):
    items: list[NetworkOut]


@networks.endpoint("GET", "/v1/networks", auth=Access.PUBLIC, response=NetworkList)
def list_networks(ctx: RequestContext) -> NetworkList:
    """Each supported network: id, name, capabilities and limits."""
    from chalicelib.networks.registry import all_limits

    return NetworkList(
        items=[
            NetworkOut(
                id=limits.network,
                name=limits.name,
                capabilities=[c for c in Capability if c in limits.capabilities],
                limits=limits,
            )
            for limits in all_limits()
        ]
    )
