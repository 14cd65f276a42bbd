"""Short links (link_tracking.shorten): the public redirect and a post's links with their
clicks.

| method and path | result |
|---|---|
| GET /l/{code} | public: 302 to the link the code stands for (one click counted, not for
  the networks' and apps' crawlers drawing the link's card); 404 |
| GET /v1/workspaces/{ws}/posts/{post_id}/short-links | the post's short links and clicks |

A 302, not a 301: browsers keep a 301 and would never ask again, so repeat clicks would
go uncounted; and `Cache-Control: no-store` keeps proxies from answering for us.
"""

from __future__ import annotations

from chalice import Response
from pydantic import Field

from chalicelib.api.routing import Access, ApiBlueprint, RequestContext
from chalicelib.domain.model import Model
from chalicelib.domain.roles import Role
from chalicelib.errors import NotFound

short_links = ApiBlueprint(__name__)


class ShortLinkOut(Model):
    code: str
    url: str = Field(description="the short link as published")
    target_url: str = Field(description="where it leads (with the network's UTM tags)")
    network: str
    clicks: int
    created_at: str = Field(description="when the post went out with it")
    last_clicked_at: str | None


class ShortLinkList(Model):
    items: list[ShortLinkOut]


@short_links.endpoint(
    "GET",
    "/l/{code}",
    auth=Access.PUBLIC,
    status=302,
    errors=(404,),
    tags=("short_links",),
)
def follow_short_link(ctx: RequestContext, code: str) -> Response:
    """Where a short link leads (its click counted)."""
    from chalicelib.posts.short_links import follow

    target = follow(code, ctx.header("user-agent"))
    if target is None:
        raise NotFound("No such short link.", [{"field": "code", "message": "unknown"}])
    return Response(
        body="", status_code=302, headers={"Location": target, "Cache-Control": "no-store"}
    )


@short_links.endpoint(
    "GET",
    "/v1/workspaces/{ws}/posts/{post_id}/short-links",
    auth=Role.VIEWER,
    response=ShortLinkList,
)
def list_short_links(ctx: RequestContext, ws: str, post_id: str) -> ShortLinkList:
    """The post's short links, per network, with their clicks."""
    from chalicelib.settings import get_settings
    from chalicelib.store import posts as post_store
    from chalicelib.store.short_links import links_of_post

    post_store.get_or_404(ws, post_id)
    base = get_settings().short_link_base
    return ShortLinkList(
        items=[
            ShortLinkOut(
                code=item.code,
                url=f"{base}/{item.code}",
                target_url=item.target_url,
                network=item.network,
                clicks=int(item.clicks),
                created_at=item.created_at,
                last_clicked_at=item.last_clicked_at,
            )
            for item in sorted(links_of_post(ws, post_id), key=lambda i: (i.network, i.code))
        ]
    )
