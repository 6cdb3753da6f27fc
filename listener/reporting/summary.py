"""A period summary of one brand (or all brands) against the previous period of the same length:
what the overview page shows and what a report mails. One function, ``summarize``, built from the
same queries the API's stats, authors, trends and response endpoints use.

The summary is a plain dict (datetimes as aware UTC ``datetime``), documented in docs/reports.md:
``brand``, ``range``, ``previous``, ``interval``, ``counts``/``previous_counts`` (per label and
``total``), ``change`` (volume change, a fraction, None without a previous volume),
``negative_share``/``previous_negative_share``, ``series`` (``storage.stats.volume`` buckets),
``share_of_voice``, ``trends`` (``reporting.trends.rising``), ``authors``, ``platforms``,
``incidents``, ``responses`` and ``samples`` (representative positive and negative mentions).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from listener.reporting.authors import top_authors
from listener.reporting.periods import Range
from listener.reporting.trends import TrendParams, rising
from listener.storage.mentions import MentionFilter, apply_filter
from listener.storage.models import AlertRule, Brand, Incident, Mention
from listener.storage.replies import response_stats
from listener.storage.stats import label_counts, platform_counts, share_of_voice, volume

SAMPLES = 3


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def voice_members(session: Session, brand: Brand | None) -> tuple[list[Brand], set[int]]:
    """Whose share of voice a summary shows: the brand and its configured competitors, or, for all
    brands, every brand (each its own)."""
    if brand is not None:
        return [brand, *brand.competitors], {brand.id}
    brands = list(session.scalars(select(Brand).order_by(Brand.name)))
    return brands, {b.id for b in brands}


def incidents_in(session: Session, brand: Brand | None, rng: Range) -> list[dict[str, Any]]:
    """Incidents open at any time in ``rng`` (of ``brand``, or all), oldest first, with their
    outcome: ``resolved`` (by whom, after how many minutes), ``acknowledged`` or ``open`` as of
    the end of the range."""
    stmt = (
        select(Incident, AlertRule.name)
        .join(AlertRule, AlertRule.id == Incident.rule_id)
        .where(
            Incident.opened_at < rng.until,
            or_(Incident.resolved_at.is_(None), Incident.resolved_at >= rng.since),
        )
        .order_by(Incident.opened_at, Incident.id)
    )
    if brand is not None:
        stmt = stmt.where(Incident.brand_id == brand.id)
    out = []
    for i, rule in session.execute(stmt):
        resolved = i.resolved_at is not None and i.resolved_at < rng.until
        acknowledged = i.acknowledged_at is not None and i.acknowledged_at < rng.until
        outcome = "resolved" if resolved else "acknowledged" if acknowledged else "open"
        out.append(
            {
                "id": i.id,
                "rule": rule,
                "severity": i.severity,
                "summary": i.summary,
                "opened_at": i.opened_at,
                "resolved_at": i.resolved_at if resolved else None,
                "outcome": outcome,
                "by": (i.resolved_by if resolved else i.acknowledged_by if acknowledged else None),
                "minutes_open": round((i.resolved_at - i.opened_at).total_seconds() / 60)
                if resolved and i.resolved_at
                else None,
                "peak_value": i.peak_value,
                "expected": i.expected,
                "silenced": i.silenced,
            }
        )
    return out


def samples(session: Session, f: MentionFilter, label: str, n: int = SAMPLES) -> list[Mention]:
    """``n`` representative mentions of ``label``: originals (not copies of a near-duplicate) from
    the authors with the largest reach, newest first among equals."""
    stmt = apply_filter(select(Mention), replace(f, labels=[label], hide_duplicates=True))
    stmt = stmt.order_by(Mention.author_reach.desc().nulls_last(), Mention.published_at.desc(), Mention.id)
    return list(session.scalars(stmt.limit(n)))


def summarize(
    session: Session,
    brand: Brand | None,
    rng: Range,
    *,
    authors: int = 10,
    trend_params: TrendParams | None = None,
) -> dict[str, Any]:
    """The summary of ``brand`` (None: all brands) for ``rng`` against ``rng.previous``."""
    f = MentionFilter(brand_ids=[brand.id] if brand else None, since=rng.since, until=rng.until)
    before = replace(f, since=rng.previous.since, until=rng.previous.until)
    counts, previous = label_counts(session, f), label_counts(session, before)
    total, previous_total = sum(counts.values()), sum(previous.values())
    members, own = voice_members(session, brand)
    responses = response_stats(session, replace(f, hide_duplicates=True), "all")
    return {
        "brand": brand.name if brand else None,
        "brand_id": brand.id if brand else None,
        "range": rng,
        "previous": rng.previous,
        "interval": rng.interval,
        "counts": {**counts, "total": total},
        "previous_counts": {**previous, "total": previous_total},
        "change": round((total - previous_total) / previous_total, 4) if previous_total else None,
        "negative_share": _share(counts["negative"], total),
        "previous_negative_share": _share(previous["negative"], previous_total),
        "series": volume(session, f, rng.interval),
        "share_of_voice": share_of_voice(session, members, own, f),
        "trends": rising(session, f, rng, trend_params or TrendParams()),
        "authors": top_authors(session, f, limit=authors),
        "platforms": platform_counts(session, f),
        "incidents": incidents_in(session, brand, rng),
        "responses": responses[0] if responses else
        {"mentions": 0, "responded": 0, "response_rate": 0.0, "median_minutes_to_first_response": None},
        "samples": {label: samples(session, f, label) for label in ("positive", "negative")},
    }  # fmt: skip
