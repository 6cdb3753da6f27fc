"""Aggregates for charts and reports: mention counts per time bucket, sentiment label, brand and
platform, and share of voice."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from listener.storage.mentions import MentionFilter, apply_filter
from listener.storage.models import SENTIMENT_LABELS, Brand, Mention, MentionBrand
from listener.storage.times import as_utc

STEP = {"hour": timedelta(hours=1), "day": timedelta(days=1)}
_SQLITE_FORMAT = {"hour": "%Y-%m-%d %H:00:00", "day": "%Y-%m-%d 00:00:00"}


def bucket_expr(session: Session, interval: str) -> Any:
    """A SQL expression truncating ``published_at`` to the start of its UTC hour or day."""
    if session.get_bind().dialect.name == "postgresql":
        return func.date_trunc(interval, func.timezone("UTC", Mention.published_at))
    return func.strftime(_SQLITE_FORMAT[interval], Mention.published_at)


def floor(at: datetime, interval: str) -> datetime:
    """``at`` truncated to its hour or day (UTC)."""
    at = at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    return at.replace(hour=0) if interval == "day" else at


def volume(session: Session, f: MentionFilter, interval: str) -> list[dict[str, Any]]:
    """``[{"bucket", "total", "positive", "negative", "neutral", "unscored"}]`` for every bucket
    from ``f.since`` to ``f.until`` (both required), zeros included, oldest first."""
    assert f.since is not None and f.until is not None
    bucket = bucket_expr(session, interval).label("bucket")
    stmt = apply_filter(
        select(bucket, Mention.sentiment_label, func.count()).select_from(Mention), f
    ).group_by(bucket, Mention.sentiment_label)
    counts: dict[datetime, dict[str, int]] = {}
    for raw, label, n in session.execute(stmt):
        counts.setdefault(as_utc(raw), {})[label] = n
    out = []
    at, step = floor(f.since, interval), STEP[interval]
    while at < f.until:
        by_label = counts.get(at, {})
        out.append(
            {
                "bucket": at,
                "total": sum(by_label.values()),
                **{
                    label: by_label.get(label, 0) for label in ("positive", "negative", "neutral", "unscored")
                },
            }
        )
        at += step
    return out


def counts_by_brand(session: Session, f: MentionFilter) -> dict[int | None, dict[str, int]]:
    """``{brand_id: {label: count}}`` for the mentions matching ``f``, a mention counted once for
    each brand it is linked to (its primary brand and every extra link); with ``f.brand_ids`` only
    those brands are counted. Unlinked mentions count under ``None``."""
    rest = replace(f, brand_ids=None)
    primary = apply_filter(
        select(Mention.brand_id, Mention.sentiment_label, func.count()).select_from(Mention), rest
    ).group_by(Mention.brand_id, Mention.sentiment_label)
    extra = apply_filter(
        select(MentionBrand.brand_id, Mention.sentiment_label, func.count())
        .select_from(Mention)
        .join(MentionBrand, MentionBrand.mention_id == Mention.id),
        rest,
    ).group_by(MentionBrand.brand_id, Mention.sentiment_label)
    if f.brand_ids is not None:
        primary = primary.where(Mention.brand_id.in_(f.brand_ids))
        extra = extra.where(MentionBrand.brand_id.in_(f.brand_ids))
    out: dict[int | None, dict[str, int]] = {}
    for stmt in (primary, extra):
        for brand_id, label, n in session.execute(stmt):
            by_label = out.setdefault(brand_id, {})
            by_label[label] = by_label.get(label, 0) + n
    return out


def label_counts(session: Session, f: MentionFilter) -> dict[str, int]:
    """``{label: count}`` of the mentions matching ``f`` (each mention once, every label present)."""
    stmt = apply_filter(select(Mention.sentiment_label, func.count()).select_from(Mention), f).group_by(
        Mention.sentiment_label
    )
    out = dict.fromkeys(SENTIMENT_LABELS, 0)
    for label, n in session.execute(stmt):
        out[label] = out.get(label, 0) + int(n)
    return out


def platform_counts(session: Session, f: MentionFilter) -> list[tuple[str, int]]:
    """``[(platform, count)]`` of the mentions matching ``f``, most first (ties by name)."""
    stmt = apply_filter(select(Mention.platform, func.count()).select_from(Mention), f).group_by(
        Mention.platform
    )
    return sorted(((p, int(n)) for p, n in session.execute(stmt)), key=lambda pn: (-pn[1], pn[0]))


def share_of_voice(
    session: Session, members: Sequence[Brand], own_ids: set[int], f: MentionFilter
) -> list[dict[str, Any]]:
    """Each of ``members`` with its mentions matching ``f`` (a mention linked to two of them counts
    for both), its share of their total, its label counts and its role (``own`` for ``own_ids``,
    else ``competitor``), in the order given."""
    counts = counts_by_brand(session, replace(f, brand_ids=[b.id for b in members]))
    total = sum(sum(counts.get(b.id, {}).values()) for b in members)
    out = []
    for b in members:
        c = counts.get(b.id, {})
        n = sum(c.values())
        out.append(
            {
                "brand": b.name,
                "role": "own" if b.id in own_ids else "competitor",
                "mentions": n,
                "share": round(n / total, 4) if total else 0.0,
                **{label: c.get(label, 0) for label in ("positive", "negative", "neutral")},
            }
        )
    return out
