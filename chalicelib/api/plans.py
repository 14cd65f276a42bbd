"""Content plans (issue 24): brand profile, posting rules, monthly briefs, generated plans
and their items. Roles as for posts: any member reads, editors and above write."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.api.plans_models import (
    BrandExtractIn,
    BrandProfile,
    Brief,
    BriefIn,
    ContentPlanCreate,
    ContentPlanList,
    ContentPlanOut,
    ContentPlanQuery,
    PlanApproveIn,
    PlanCaptionOut,
    PlanItemOut,
    PlanItemPatch,
    PlanItemRegenerate,
    PostingRule,
    PostingRules,
)
from chalicelib.api.responses import Reply
from chalicelib.api.routing import ApiBlueprint, RequestContext
from chalicelib.domain.roles import Role

if TYPE_CHECKING:
    from chalicelib.domain.approvals import Reviewer
    from chalicelib.plans.service import PlanView
    from chalicelib.store.content import PlanItemRecord
    from chalicelib.store.posts import PostItem

plans = ApiBlueprint(__name__)

BASE = "/v1/workspaces/{ws}"


# ------------------------------------------------------------------------------ brand


@plans.endpoint("GET", f"{BASE}/brand", auth=Role.VIEWER, response=BrandProfile)
def get_brand(ctx: RequestContext, ws: str) -> BrandProfile | None:
    """The workspace's brand profile (204 until one is saved: the web app asks on every
    visit, and a 404 would be logged as a failure by the browser)."""
    from chalicelib.plans import service

    return service.get_brand(ws)


@plans.endpoint("PUT", f"{BASE}/brand", auth=Role.EDITOR, body=BrandProfile, response=BrandProfile)
def put_brand(ctx: RequestContext, ws: str, body: BrandProfile) -> BrandProfile:
    """Save the brand profile (the one plans are written with)."""
    from chalicelib.plans import service

    return service.put_brand(ws, body, ctx.principal.actor)


@plans.endpoint(
    "POST",
    f"{BASE}/brand/extract",
    auth=Role.EDITOR,
    body=BrandExtractIn,
    response=BrandProfile,
    errors=(402, 422, 429, 502, 503),
)
def extract_brand(ctx: RequestContext, ws: str, body: BrandExtractIn) -> BrandProfile:
    """A brand profile read from the business's website: NOT saved (review it, then PUT
    /brand). 422 naming `url` when the site cannot be read. Spends an AI credit."""
    from chalicelib.admin.beta import AI_PLANS, require_beta
    from chalicelib.plans import service

    require_beta(ws, AI_PLANS)
    return service.extract_brand(ws, body.url)


# ------------------------------------------------------------------------------ rules


@plans.endpoint("GET", f"{BASE}/posting-rules", auth=Role.VIEWER, response=PostingRules)
def get_posting_rules(ctx: RequestContext, ws: str) -> PostingRules:
    """The posting rules: the workspace's (no account_id) and each account's own."""
    from chalicelib.plans import service

    return PostingRules(rules=[PostingRule.model_validate(r) for r in service.get_rules(ws)])


@plans.endpoint(
    "PUT", f"{BASE}/posting-rules", auth=Role.EDITOR, body=PostingRules, response=PostingRules
)
def put_posting_rules(ctx: RequestContext, ws: str, body: PostingRules) -> PostingRules:
    """Replace the posting rules (one per account at most, one for the workspace)."""
    from chalicelib.plans import service

    rules = [rule.model_dump(mode="json") for rule in body.rules]
    service.put_rules(ws, rules, ctx.principal.actor)
    return body


# ----------------------------------------------------------------------------- briefs


@plans.endpoint("GET", f"{BASE}/briefs/{{month}}", auth=Role.VIEWER, response=Brief)
def get_brief(ctx: RequestContext, ws: str, month: str) -> Brief | None:
    """The brief of a month (YYYY-MM); 204 until one is saved."""
    from chalicelib.plans import service

    return service.get_brief(ws, month)


@plans.endpoint("PUT", f"{BASE}/briefs/{{month}}", auth=Role.EDITOR, body=BriefIn, response=Brief)
def put_brief(ctx: RequestContext, ws: str, month: str, body: BriefIn) -> Brief:
    """Save a month's brief: focus, promotion, tone, pillars and target accounts."""
    from chalicelib.plans import service

    fields = body.model_dump(mode="json")
    return service.put_brief(ws, month, fields, ctx.principal.actor)


# ------------------------------------------------------------------------------ plans


@plans.endpoint(
    "POST",
    f"{BASE}/plans",
    auth=Role.EDITOR,
    body=ContentPlanCreate,
    response=ContentPlanOut,
    status=202,
    errors=(402, 429),
)
def create_plan(ctx: RequestContext, ws: str, body: ContentPlanCreate) -> ContentPlanOut | Reply:
    """Generate the month's plan from its brief and the brand profile, in the background:
    202 with `status: generating`; poll GET .../plans/{plan_id} for `progress` (0-100)
    until `ready` (or `failed`, with `error`). Spends AI credits: one for the outline and
    one per item."""
    from chalicelib.admin.beta import AI_PLANS, require_beta
    from chalicelib.api.idempotency import once
    from chalicelib.plans import service

    require_beta(ws, AI_PLANS)  # 403 beta_feature where the deployment keeps plans in beta

    def run() -> ContentPlanOut:
        plan = service.start(ws, body.month, _reviewer(ctx))
        return plan_out(service.PlanView(plan, [], {}))

    # A request sent again with the same Idempotency-Key answers the first plan, paid once.
    return once(ctx, ws, "plans.create", 202, run)


@plans.endpoint(
    "GET", f"{BASE}/plans", auth=Role.VIEWER, query=ContentPlanQuery, response=ContentPlanList
)
def list_plans(ctx: RequestContext, ws: str, query: ContentPlanQuery) -> ContentPlanList:
    """The workspace's plans (of `month` when given), oldest first, with their items."""
    from chalicelib.plans import service

    return ContentPlanList(items=[plan_out(view) for view in service.list_plans(ws, query.month)])


@plans.endpoint("GET", f"{BASE}/plans/{{plan_id}}", auth=Role.VIEWER, response=ContentPlanOut)
def get_plan(ctx: RequestContext, ws: str, plan_id: str) -> ContentPlanOut:
    """One plan: its status, progress and items (each a draft post until approved)."""
    from chalicelib.plans import service

    return plan_out(service.get_plan(ws, plan_id))


@plans.endpoint(
    "PATCH",
    f"{BASE}/plans/{{plan_id}}/items/{{item_id}}",
    auth=Role.EDITOR,
    body=PlanItemPatch,
    response=PlanItemOut,
)
def edit_item(
    ctx: RequestContext, ws: str, plan_id: str, item_id: str, body: PlanItemPatch
) -> PlanItemOut:
    """Edit an item: title, image headline, slot, captions per account (each checked by
    its network's own count: 422 naming `captions[i].text`). Its post follows."""
    from chalicelib.plans import service

    changes = body.model_dump(exclude_unset=True)
    item = service.edit_item(ws, plan_id, item_id, changes, _reviewer(ctx))
    return item_out(item, service.post_of(item))


@plans.endpoint(
    "DELETE",
    f"{BASE}/plans/{{plan_id}}/items/{{item_id}}",
    auth=Role.EDITOR,
)
def delete_item(ctx: RequestContext, ws: str, plan_id: str, item_id: str) -> None:
    """Drop an item from the plan, and its post (cancelled if scheduled; 409 once it is on
    its way or published)."""
    from chalicelib.plans import service

    service.remove_item(ws, plan_id, item_id, ctx.principal.actor)


@plans.endpoint("DELETE", f"{BASE}/plans/{{plan_id}}", auth=Role.EDITOR, errors=(409,))
def delete_plan(ctx: RequestContext, ws: str, plan_id: str) -> None:
    """Delete the plan and its drafts not yet approved (with their images, where no other
    post uses them); approved and scheduled posts stay on the calendar. 409 while it is
    being written."""
    from chalicelib.plans import service

    service.delete_plan(ws, plan_id, ctx.principal.actor)


@plans.endpoint(
    "POST",
    f"{BASE}/plans/{{plan_id}}/items/{{item_id}}/regenerate",
    auth=Role.EDITOR,
    body=PlanItemRegenerate,
    response=PlanItemOut,
    errors=(402, 409, 429, 502, 503),
)
def regenerate_item(
    ctx: RequestContext, ws: str, plan_id: str, item_id: str, body: PlanItemRegenerate
) -> PlanItemOut:
    """Write the item again: `text` (a new idea and its captions: one AI credit) or `image`
    (drawn again with the brand as it is now, in the next template). 409 once its post
    is scheduled or in review."""
    from chalicelib.admin.beta import AI_PLANS, require_beta
    from chalicelib.plans import service

    require_beta(ws, AI_PLANS)
    item = service.regenerate(ws, plan_id, item_id, body.part, _reviewer(ctx))
    return item_out(item, service.post_of(item))


@plans.endpoint(
    "POST",
    f"{BASE}/plans/{{plan_id}}/approve",
    auth=Role.EDITOR,
    body=PlanApproveIn,
    response=ContentPlanOut,
    errors=(409,),
)
def approve_plan(ctx: RequestContext, ws: str, plan_id: str, body: PlanApproveIn) -> ContentPlanOut:
    """Approve items (all drafts when `item_ids` is absent): each post is scheduled on its
    slot (or, where the workspace requires approval of your posts, submitted: `approved`).
    An item that cannot go keeps its draft and says why in `problem`."""
    from chalicelib.plans import service

    return plan_out(service.approve(ws, plan_id, body.item_ids, _reviewer(ctx)))


# ---------------------------------------------------------------------------- outputs


def plan_out(view: PlanView) -> ContentPlanOut:
    plan = view.plan
    return ContentPlanOut(
        plan_id=plan.plan_id,
        month=plan.month,
        status=plan.status,  # type: ignore[arg-type]
        progress=int(plan.progress),
        writer=plan.writer,
        error=plan.error,
        timezone=plan.timezone,
        created_at=plan.created_at,
        items=[item_out(item, view.posts.get(item.post_id or "")) for item in view.items],
    )


def item_out(item: PlanItemRecord, post: PostItem | None) -> PlanItemOut:
    from chalicelib.ai.fit import count_of
    from chalicelib.plans.service import item_status, slot_of

    captions = []
    for caption in item.captions:
        counted = count_of(caption["network"], caption["text"])
        captions.append(
            PlanCaptionOut(
                account_id=caption["account_id"],
                network=caption["network"],
                text=caption["text"],
                hashtags=list(caption.get("hashtags") or []),
                first_comment=caption.get("first_comment") or None,
                count=counted.count,
                limit=counted.limit,
            )
        )
    return PlanItemOut(
        item_id=item.item_id,
        plan_id=item.plan_id,
        month=item.month,
        kind=item.kind,  # type: ignore[arg-type]
        pillar=item.pillar,
        title=item.title,
        angle=item.angle,
        slot=slot_of(item),
        timezone=item.timezone,
        post_id=item.post_id,
        status=item_status(item, post),  # type: ignore[arg-type]
        post_status=str(post.status) if post is not None else None,
        writer=item.writer,
        captions=captions,
        media_id=item.media_id,
        image_template=item.image_template,
        headline=item.headline,
        problem=item.problem,
        version=int(item.version),
    )


def _reviewer(ctx: RequestContext) -> Reviewer:
    from chalicelib.api.approvals import reviewer_of

    return reviewer_of(ctx)
