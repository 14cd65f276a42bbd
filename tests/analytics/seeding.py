"""Metrics rows written straight to the analytics store, as the collector leaves them, for
the analytics API tests (times computed from the clock: tests/support/clock.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from chalicelib.domain.ids import new_id
from chalicelib.store import metrics


def local_noon(days_ago: int, zone: str = "UTC") -> datetime:
    """Noon in `zone`, `days_ago` days before today there, as a UTC instant."""
    tz = ZoneInfo(zone)
    day = datetime.now(tz).date() - timedelta(days=days_ago)
    return datetime(day.year, day.month, day.day, 12, tzinfo=tz).astimezone(UTC)


def a_target(
    workspace_id: str,
    account_id: str,
    network: str,
    published_at: datetime,
    latest: dict[str, int],
    *,
    post_id: str | None = None,
    excerpt: str = "Hello",
    media_id: str | None = None,
    snapshots: int = 2,
    collected_after: timedelta = timedelta(days=2),
) -> metrics.TargetMetricsRow:
    """A published target with `latest` as its newest snapshot (and earlier, smaller ones)."""
    collected = published_at + collected_after
    history = [
        (
            published_at + collected_after * (i + 1) / snapshots,
            {k: v * (i + 1) // snapshots for k, v in latest.items()},
        )
        for i in range(snapshots)
    ]
    row = metrics.TargetMetricsRow(
        workspace_id=workspace_id,
        post_id=post_id or new_id("p"),
        target_id=new_id("t"),
        account_id=account_id,
        network=network,
        external_id=new_id("ext"),
        url=f"https://{network}.example/{new_id('s')}",
        excerpt=excerpt,
        media_id=media_id,
        published_at=published_at,
        latest=dict(latest),
        snapshots=history,
        collected_at=collected,
        state="done",
    )
    metrics.put_target_row(row)
    return row


def a_follower_day(
    workspace_id: str, account_id: str, network: str, day: date, followers: int | None
) -> None:
    metrics.put_account_day(
        metrics.AccountDayRow(workspace_id, account_id, network, day, followers, {})
    )


def days_ago(days: int, zone: str = "UTC") -> date:
    return datetime.now(ZoneInfo(zone)).date() - timedelta(days=days)
