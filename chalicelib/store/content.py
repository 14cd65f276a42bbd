"""Content plans (issue 24): the `content` table. Every call takes the workspace id.

One partition per workspace, the sort key saying what an item is:

| item_key | model | what |
|---|---|---|
| `brand` | Document | the brand profile (BrandProfile as JSON) |
| `rules` | Document | the posting rules (`{"rules": [...]}`) |
| `brief#<YYYY-MM>` | Document | one month's brief (Brief as JSON) |
| `plan#<plan_id>` | PlanRecord | a generated plan: month, status, progress, writer |
| `item#<plan_id>#<item_id>` | PlanItemRecord | one item: its idea, slot, captions, image, post |

Profiles, rules and briefs are small documents edited whole; plans and items are updated
field by field while a plan is generated and edited, items with a version (optimistic
locking: a stale edit is refused rather than lost).
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, PutError

from chalicelib.store.base import iso, table_meta, utcnow
from chalicelib.store.model import StoredModel

BRAND = "brand"
RULES = "rules"


def brief_key(month: str) -> str:
    return f"brief#{month}"


def plan_key(plan_id: str) -> str:
    return f"plan#{plan_id}"


def item_key(plan_id: str, item_id: str) -> str:
    return f"item#{plan_id}#{item_id}"


class Stale(Exception):
    """The record changed since the version the caller read."""


class Document(StoredModel):
    """A small document edited whole: the brand profile, the rules, a brief."""

    Meta = table_meta("content")

    workspace_id = UnicodeAttribute(hash_key=True)
    item_key = UnicodeAttribute(range_key=True)
    data = JSONAttribute(default=dict)
    updated_by = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute()


class PlanRecord(StoredModel):
    Meta = table_meta("content")

    workspace_id = UnicodeAttribute(hash_key=True)
    item_key = UnicodeAttribute(range_key=True)
    plan_id = UnicodeAttribute()
    month = UnicodeAttribute()
    status = UnicodeAttribute(default="generating")  # generating, ready, failed
    progress = NumberAttribute(default=0)  # 0..100
    total = NumberAttribute(default=0)  # items planned
    done = NumberAttribute(default=0)  # items written
    writer = UnicodeAttribute(null=True)
    error = UnicodeAttribute(null=True)
    # What generation started from: the brief, the profile, the slots (UTC) and the zone.
    brief = JSONAttribute(default=dict)
    profile = JSONAttribute(default=dict)
    slots = JSONAttribute(default=list)
    timezone = UnicodeAttribute(default="UTC")
    # Who asked for it, with their role ({actor, role, user_id}): drafts are theirs.
    requested_by = JSONAttribute(default=dict)
    input_tokens = NumberAttribute(default=0)
    output_tokens = NumberAttribute(default=0)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()


class PlanItemRecord(StoredModel):
    Meta = table_meta("content")

    workspace_id = UnicodeAttribute(hash_key=True)
    item_key = UnicodeAttribute(range_key=True)
    plan_id = UnicodeAttribute()
    item_id = UnicodeAttribute()
    month = UnicodeAttribute()  # the brief's month
    position = NumberAttribute(default=0)
    kind = UnicodeAttribute(default="post")
    pillar = UnicodeAttribute(default="")
    title = UnicodeAttribute(default="")
    angle = UnicodeAttribute(default="")
    image_template = UnicodeAttribute(default="tip")
    headline = UnicodeAttribute(default="")
    slot = UnicodeAttribute()  # UTC ISO
    timezone = UnicodeAttribute(default="UTC")
    # [{account_id, network, text, hashtags, first_comment}]
    captions = JSONAttribute(default=list)
    account_ids = JSONAttribute(default=list)
    media_id = UnicodeAttribute(null=True)
    post_id = UnicodeAttribute(null=True)
    status = UnicodeAttribute(default="draft")  # draft, approved, scheduled
    writer = UnicodeAttribute(null=True)
    problem = UnicodeAttribute(null=True)  # why it could not be scheduled, in words
    version = NumberAttribute(default=1)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()


# ------------------------------------------------------------------------------ documents


def get_document(workspace_id: str, key: str) -> Document | None:
    try:
        return Document.get(workspace_id, key, consistent_read=True)
    except DoesNotExist:
        return None


def put_document(workspace_id: str, key: str, data: dict[str, Any], actor: str | None) -> Document:
    record = Document(workspace_id, key, data=data, updated_by=actor, updated_at=iso(utcnow()))
    record.save()
    return record


# ---------------------------------------------------------------------------------- plans


def create_plan(plan: PlanRecord) -> PlanRecord:
    plan.item_key = plan_key(plan.plan_id)
    plan.created_at = plan.updated_at = iso(utcnow())
    plan.save(condition=PlanRecord.item_key.does_not_exist())
    return plan


def get_plan(workspace_id: str, plan_id: str) -> PlanRecord | None:
    try:
        return PlanRecord.get(workspace_id, plan_key(plan_id), consistent_read=True)
    except DoesNotExist:
        return None


def list_plans(workspace_id: str, month: str | None = None) -> list[PlanRecord]:
    """The workspace's plans, oldest first (plan ids sort by creation), of `month` if given."""
    condition = PlanRecord.month == month if month else None
    return list(
        PlanRecord.query(
            workspace_id,
            PlanRecord.item_key.startswith("plan#"),
            filter_condition=condition,
            consistent_read=True,
        )
    )


def update_plan(plan: PlanRecord, **changes: Any) -> None:
    actions = [getattr(PlanRecord, name).set(value) for name, value in changes.items()]
    actions.append(PlanRecord.updated_at.set(iso(utcnow())))
    plan.update(actions=actions)


def add_done(plan: PlanRecord, tokens_in: int, tokens_out: int, items: int = 1) -> int:
    """`items` more written, and the tokens they took (atomic: items are written side by
    side). The new count of items written."""
    plan.update(
        actions=[
            PlanRecord.done.add(items),
            PlanRecord.input_tokens.add(tokens_in),
            PlanRecord.output_tokens.add(tokens_out),
            PlanRecord.updated_at.set(iso(utcnow())),
        ]
    )
    return int(plan.done)


# ---------------------------------------------------------------------------------- items


def put_item(item: PlanItemRecord) -> PlanItemRecord:
    item.item_key = item_key(item.plan_id, item.item_id)
    item.created_at = item.updated_at = iso(utcnow())
    item.save(condition=PlanItemRecord.item_key.does_not_exist())
    return item


def get_item(workspace_id: str, plan_id: str, item_id: str) -> PlanItemRecord | None:
    try:
        return PlanItemRecord.get(workspace_id, item_key(plan_id, item_id), consistent_read=True)
    except DoesNotExist:
        return None


def list_items(workspace_id: str, plan_id: str) -> list[PlanItemRecord]:
    """A plan's items in the order they were planned."""
    found = PlanItemRecord.query(
        workspace_id,
        PlanItemRecord.item_key.startswith(f"item#{plan_id}#"),
        consistent_read=True,
    )
    return sorted(found, key=lambda item: (int(item.position), item.item_id))


def save_item(item: PlanItemRecord, read_version: int) -> PlanItemRecord:
    """Write `item` whole, its version bumped, if it is still at `read_version`."""
    item.version = read_version + 1
    item.updated_at = iso(utcnow())
    try:
        item.save(condition=PlanItemRecord.version == read_version)
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise Stale from None
        raise
    return item


def delete_item(workspace_id: str, plan_id: str, item_id: str) -> None:
    PlanItemRecord(workspace_id, item_key(plan_id, item_id)).delete()


def delete_plan(workspace_id: str, plan_id: str) -> None:
    """The plan's record and what is left of its items."""
    for item in list_items(workspace_id, plan_id):
        delete_item(workspace_id, plan_id, item.item_id)
    PlanRecord(workspace_id, plan_key(plan_id)).delete()
