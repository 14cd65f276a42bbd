"""The digest (issue 23): daily or weekly, at 08:00 in the member's time zone (theirs, or
the workspace's): what was published, what failed, what is coming, headline metrics.

Each member's next digest is one EventBridge Scheduler one-time schedule, armed when the
preferences are saved and re-armed by each invocation for the next morning (computed with
zoneinfo, so a DST change moves nothing: 08:00 is 08:00). A one-time schedule rather than a
cron schedule in the member's zone: the invocation carries the version of the preferences
it was armed for and the morning it is for, so a change of frequency or zone takes effect
by arming a new one and an outdated one is a no-op (a cron schedule would need an update
in place and give no such check); and it is what the posts and the local scheduler
emulator already use. The next one is armed before this one is sent: a failed send loses
one digest, never the chain. Scheduler's retry policy covers failed invocations; a second
invocation for the same morning sends nothing (the morning is recorded).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain.emails import digest_period, next_digest_at
from chalicelib.observability import logger
from chalicelib.store.base import iso

SHOWN = 10  # posts listed per section; the rest counted


def arm_next(
    workspace_id: str, user_id: str, version: int, document: dict[str, Any], after: datetime
) -> datetime | None:
    from chalicelib import scheduling
    from chalicelib.notify.preferences import zone_of

    frequency = str(document.get("digest") or "off")
    when = next_digest_at(after, frequency, zone_of(workspace_id, document))
    if when is None:
        scheduling.disarm_digest(workspace_id, user_id)
        return None
    payload = {
        "workspace_id": workspace_id,
        "user_id": user_id,
        "version": version,
        "due": iso(when),
    }
    scheduling.arm_digest(workspace_id, user_id, when, payload)
    return when


def handle(event: dict[str, Any]) -> dict[str, Any]:
    """A digest schedule's invocation: `{workspace_id, user_id, version, due}`."""
    from chalicelib.notify.preferences import document_of
    from chalicelib.store import email as store
    from chalicelib.store.members import get_member

    workspace_id, user_id = str(event["workspace_id"]), str(event["user_id"])
    version, due = int(event["version"]), str(event["due"])
    item = store.get_preferences(workspace_id, user_id)
    if item is None or int(item.digest_version or 0) != version:
        return {"sent": False, "why": "stale"}  # preferences changed: another is armed
    document = document_of(item)
    frequency = str(document["digest"])
    member = get_member(workspace_id, user_id)
    if member is None or frequency == "off":
        return {"sent": False, "why": "off"}
    due_at = datetime.fromisoformat(due.replace("Z", "+00:00"))
    arm_next(workspace_id, user_id, version, document, after=due_at)
    if item.digest_last_sent == due:
        return {"sent": False, "why": "already sent"}
    email = compose(workspace_id, user_id, frequency, document, due_at)
    from chalicelib.notify import unsubscribe
    from chalicelib.notify.mailer import deliver

    token = unsubscribe.make_token(workspace_id, user_id, "digest")
    sent = deliver(member.email, email, unsubscribe.one_click_url(token))
    store.mark_digest_sent(workspace_id, user_id, version, due)
    logger.info("digest", extra={"workspace_id": workspace_id, "sent": sent, "due": due})
    return {"sent": sent, "due": due}


def compose(
    workspace_id: str, user_id: str, frequency: str, document: dict[str, Any], due: datetime
) -> Any:
    from chalicelib.notify import unsubscribe
    from chalicelib.notify.messages import digest_email
    from chalicelib.notify.preferences import zone_of
    from chalicelib.notify.templates import Row, Section
    from chalicelib.settings import get_settings
    from chalicelib.store.workspaces import get_workspace

    period = digest_period(frequency)
    start, end = due - period, due
    zone = zone_of(workspace_id, document)
    origin = get_settings().frontend_origin.rstrip("/")
    published = _posts(workspace_id, start, end, ["published", "partially_published"])
    failed = _posts(workspace_id, start, end, ["failed", "partially_published"], failed=True)
    coming = _posts(workspace_id, end, end + period, ["scheduled", "pending_approval", "approved"])

    def rows(posts: list[Any], with_time: bool = False) -> list[Row]:
        shown = [
            Row(_line(post, zone, with_time), f"{origin}/posts/{post.post_id}")
            for post in posts[:SHOWN]
        ]
        if len(posts) > SHOWN:
            shown.append(Row(f"and {len(posts) - SHOWN} more", f"{origin}/posts"))
        return shown

    workspace = get_workspace(workspace_id)
    token = unsubscribe.make_token(workspace_id, user_id, "digest")
    return digest_email(
        workspace=workspace.name if workspace else "your workspace",
        frequency=frequency,
        headline=_headline(workspace_id, zone, start, end, len(published), len(failed)),
        sections=[
            Section("Published", rows(published), "Nothing was published."),
            Section("Failed", rows(failed), "Nothing failed."),
            Section("Coming up", rows(coming, with_time=True), "Nothing is scheduled yet."),
        ],
        url=f"{origin}/calendar",
        preferences_url=f"{origin}/settings/notifications",
        unsubscribe_url=unsubscribe.page_url(token),
    )


def _posts(
    workspace_id: str, start: datetime, end: datetime, statuses: list[str], failed: bool = False
) -> list[Any]:
    from chalicelib.store.posts import list_scheduled

    found: list[Any] = []
    start_key = None
    while True:
        page = list_scheduled(
            workspace_id, start, end, statuses=statuses, limit=200, start_key=start_key
        )
        found += [
            p for p in page.items if not failed or any(t.status == "failed" for t in p.targets)
        ]
        if page.last_key is None or len(found) > 1000:
            return found
        start_key = page.last_key


def _line(post: Any, zone: str, with_time: bool) -> str:
    from zoneinfo import ZoneInfo

    text = " ".join(str(post.text or "").split()) or "(no text)"
    text = text if len(text) <= 80 else text[:79] + "…"
    networks = ", ".join(sorted({t.network for t in post.targets}))
    line = f"{text} ({networks})" if networks else text
    if with_time and post.scheduled_at:
        at = datetime.fromisoformat(str(post.scheduled_at).replace("Z", "+00:00"))
        line = f"{at.astimezone(ZoneInfo(zone)):%a %d %b %H:%M}: {line}"
    return line


def _headline(
    workspace_id: str, zone: str, start: datetime, end: datetime, published: int, failed: int
) -> str:
    """The period's figures from the analytics summary (chalicelib/analytics)."""
    from zoneinfo import ZoneInfo

    from chalicelib.analytics.service import Scope, summary
    from chalicelib.domain.analytics import Period

    first = start.astimezone(ZoneInfo(zone)).date()
    last = (end - timedelta(seconds=1)).astimezone(ZoneInfo(zone)).date()
    said = [f"{published} post{'s' if published != 1 else ''} published", f"{failed} failed"]
    try:
        totals = summary(Scope(workspace_id, zone), Period(first, last))["totals"]
    except Exception:  # the figures are a bonus: the digest goes without them
        logger.exception("digest: no analytics summary")
        return ", ".join(said) + "."
    for key, label in (
        ("impressions", "impressions"),
        ("engagements", "engagements"),
        ("followers_change", "new followers"),
    ):
        value = totals.get(key)
        if value is not None:
            said.append(f"{value:,} {label}")
    return ", ".join(said) + "."
