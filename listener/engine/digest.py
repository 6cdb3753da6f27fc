"""Daily email digests: an email channel with ``digest: true`` gets no per-incident mail; instead,
once a day at ``digest_hour`` (in ``digest_timezone``, default 08:00 UTC), one message listing the
incidents of the rules that route to it during the 24 hours before, and each brand's volume.

Queued into the same outbox as incident mail, so it is sent with the same retries. Exactly one per
channel and day: the idempotency key is ``digest-{channel id}-{local date}`` (unique), so several
workers, restarts or a worker that was down at the hour (it catches up on its next tick, for the
latest day only) never send a day twice. A channel never gets a digest for a day that ended before
it was created.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from alerts.notifiers.email import DIGEST_HOUR
from listener.storage.mentions import MentionFilter
from listener.storage.models import AlertRule, Brand, Channel, Incident, Notification
from listener.storage.outbox import queue_once
from listener.storage.stats import counts_by_brand

log = logging.getLogger(__name__)

DEFAULT_HOUR = DIGEST_HOUR  # the email notifier's Config default
SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Period:
    """The day a digest covers: ``[start, end)`` in UTC, named by the local date it is sent on."""

    day: date
    start: datetime
    end: datetime


def is_digest(channel: Channel) -> bool:
    """True when ``channel`` takes a daily digest instead of one message per incident change."""
    return channel.type == "email" and (channel.config or {}).get("digest") is True


def zone(config: dict[str, Any]) -> ZoneInfo:
    """The channel's digest time zone (raises ``ValueError`` for an unknown name)."""
    name = str(config.get("digest_timezone") or "UTC")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def latest_period(config: dict[str, Any], now: datetime) -> Period:
    """The most recent digest period that has ended at ``now`` (local midnight-safe across DST)."""
    tz = zone(config)
    hour = int(config.get("digest_hour", DEFAULT_HOUR))
    local = now.astimezone(tz)
    day = local.date() if local.hour >= hour else local.date() - timedelta(days=1)
    end = datetime(day.year, day.month, day.day, hour, tzinfo=tz)
    before = day - timedelta(days=1)
    start = datetime(before.year, before.month, before.day, hour, tzinfo=tz)
    return Period(day, start.astimezone(now.tzinfo), end.astimezone(now.tzinfo))


def key(channel: Channel, period: Period) -> str:
    """The idempotency key of one channel's digest for one day."""
    return f"digest-{channel.id}-{period.day.isoformat()}"


def queue_due(session: Session, now: datetime, base_url: str = "") -> list[Notification]:
    """Queue the digests that are due at ``now`` and not queued yet; returns the new outbox rows."""
    queued = []
    channels = session.scalars(select(Channel).where(Channel.enabled.is_(True)).order_by(Channel.id))
    for channel in [c for c in channels if is_digest(c)]:
        period = latest_period(channel.config or {}, now)
        if channel.created_at is not None and period.end <= channel.created_at:
            continue
        row = queue_once(
            session,
            key=key(channel, period),
            channel_id=channel.id,
            kind="digest",
            payload=partial(build, session, channel, period, base_url=base_url),
            now=now,
        )
        if row is not None:
            queued.append(row)
    return queued


def build(session: Session, channel: Channel, period: Period, base_url: str = "") -> dict[str, Any]:
    """The digest payload: incidents open at any time in ``period`` and each brand's volume."""
    base = base_url.rstrip("/")
    rules = {
        r.id: r
        for r in session.scalars(select(AlertRule))
        if channel.id in [int(c) for c in r.channels or []]
    }
    incidents = (
        session.scalars(
            select(Incident).where(
                Incident.rule_id.in_(list(rules)),
                Incident.opened_at < period.end,
                or_(Incident.resolved_at.is_(None), Incident.resolved_at >= period.start),
            )
        ).all()
        if rules
        else []
    )
    incidents.sort(key=lambda i: (SEVERITY_ORDER.get(i.severity, 9), i.opened_at, i.id))
    names = {b.id: b.name for b in session.scalars(select(Brand))}
    return {
        "kind": "digest",
        "incident_id": None,
        "channel": channel.name,
        "date": period.day.isoformat(),
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "timezone": str(zone(channel.config or {})),
        "counts": {
            "incidents": len(incidents),
            "opened": sum(period.start <= i.opened_at < period.end for i in incidents),
            "resolved": sum(
                i.resolved_at is not None and period.start <= i.resolved_at < period.end for i in incidents
            ),
            "open": sum(i.resolved_at is None or i.resolved_at >= period.end for i in incidents),
        },
        "incidents": [
            {
                "id": i.id,
                "rule": rules[i.rule_id].name,
                "severity": i.severity,
                "status": "open" if i.resolved_at is None or i.resolved_at >= period.end else "resolved",
                "brand": names.get(i.brand_id) if i.brand_id else None,
                "summary": i.summary,
                "peak_value": i.peak_value,
                "expected": i.expected,
                "opened_at": i.opened_at.isoformat(),
                "resolved_at": i.resolved_at.isoformat() if i.resolved_at else None,
                "silenced": i.silenced,
                "url": f"{base}/api/v1/incidents/{i.id}",
            }
            for i in incidents
        ],
        "brands": _volumes(session, period, names),
        # the inbox for the day; urlencode keeps the "+00:00" of the times intact
        "feed_url": f"{base}/inbox?"
        + urlencode({"since": period.start.isoformat(), "until": period.end.isoformat()}),
    }


def _volumes(session: Session, period: Period, names: dict[int, str]) -> list[dict[str, Any]]:
    """Mentions per brand in the period, their negative share, and the day before for comparison."""
    now = counts_by_brand(session, MentionFilter(since=period.start, until=period.end))
    before = counts_by_brand(
        session, MentionFilter(since=period.start - timedelta(days=1), until=period.start)
    )
    out = []
    for brand_id in sorted(set(now) | set(before), key=lambda b: -sum(now.get(b, {}).values())):
        if brand_id is None:
            continue
        total = sum(now.get(brand_id, {}).values())
        negative = now.get(brand_id, {}).get("negative", 0)
        out.append(
            {
                "brand": names.get(brand_id, f"brand {brand_id}"),
                "mentions": total,
                "negative": negative,
                "negative_share": round(negative / total, 3) if total else None,
                "previous_day": sum(before.get(brand_id, {}).values()),
            }
        )
    return out
